/**
 * Filling in a configurable threshold (park admins): value and source, saved as the set's next version for the park
 * (POST indicator-sets/:id). Shares are typed as percentages and sent as fractions.
 */
import { useState } from 'react';
import {
  configureIndicatorSet,
  type IndicatorResult,
  type IndicatorSet,
  type Scorecard,
  type ThresholdStatus,
} from '../../api/indicators.ts';
import { ErrorMessage } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';

/**
 * The index of the threshold row a result may be given a value in: the row it was scored against when that one is
 * configurable, else the configurable row of the set for the park's band (and target year); null when there is none.
 */
export function configurableThreshold(
  result: IndicatorResult,
  card: Scorecard,
  sets: readonly IndicatorSet[],
): number | null {
  if (result.thresholdRef) return result.thresholdRef.configurable ? result.thresholdRef.index : null;
  const set = sets.find((s) => s.id === card.set.id && s.version === card.set.version);
  const def = set?.indicators.find((d) => d.id === result.indicator);
  if (!def) return null;
  const energy = card.band.energyTce;
  const index = def.thresholds.findIndex(
    (th) =>
      th.configurable &&
      (th.bandMinTce === undefined || energy >= th.bandMinTce) &&
      (th.bandMaxTce === undefined || energy < th.bandMaxTce) &&
      (th.year === undefined || th.year === card.targetYear),
  );
  return index < 0 ? null : index;
}

export function ThresholdForm(props: {
  result: IndicatorResult;
  setId: string;
  target: number;
  onSaved: (set: IndicatorSet) => void;
}) {
  const { t } = useI18n();
  const { park } = usePark();
  const r = props.result;
  const share = r.unit === 'share';
  const initial =
    r.threshold === null ? '' : String(share ? Number((r.threshold * 100).toFixed(6)) : r.threshold);
  const [value, setValue] = useState(initial);
  const [source, setSource] = useState('');
  const [status, setStatus] = useState<ThresholdStatus>('unverified');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const number = Number(value);
  const valid = value.trim() !== '' && Number.isFinite(number) && number >= 0 && (!share || number <= 100);

  const submit = async () => {
    if (!valid || !source.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const set = await configureIndicatorSet(park.id, props.setId, [
        {
          indicator: r.indicator,
          threshold: props.target,
          value: share ? number / 100 : number,
          source: source.trim(),
          status,
        },
      ]);
      props.onSaved(set);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="threshold-form"
      data-testid="threshold-form"
      onClick={(e) => e.stopPropagation()}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 className="detail-title">{t('indicators.configure')}</h3>
      <p className="help">{t('indicators.configureHelp')}</p>
      <div className="form-grid">
        <label>
          {t('indicators.thresholdValue', {
            unit: share ? '%' : r.unit === 'tCO2/tce' ? 'tCO₂/tce' : r.unit,
          })}
          <input
            type="number"
            step="any"
            min={0}
            max={share ? 100 : undefined}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            required
            data-testid="threshold-value"
          />
        </label>
        <label className="span-2">
          {t('indicators.thresholdSourceInput')}
          <input
            type="text"
            value={source}
            onChange={(e) => setSource(e.target.value)}
            required
            maxLength={500}
            placeholder={t('indicators.thresholdSourcePlaceholder')}
            data-testid="threshold-source"
          />
        </label>
        <label>
          {t('factor.status')}
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as ThresholdStatus)}
            data-testid="threshold-status"
          >
            {(['unverified', 'secondary', 'verified'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`factor.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || !valid || !source.trim()}
            data-testid="threshold-save"
          >
            {t('indicators.saveThreshold')}
          </button>
        </div>
      </div>
      {error ? <ErrorMessage error={error} /> : null}
    </form>
  );
}
