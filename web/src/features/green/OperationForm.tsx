/**
 * A ledger operation: transfer (划转) to an organisation, claim (核销) for an organisation or the park over months,
 * or expire what is past its validity. Certificates are named as spans (`SERIES:FIRST-LAST`) or as an amount (the
 * server takes the oldest first). Evidence is required; the server's refusal is shown with its reason.
 */
import { useState, type FormEvent } from 'react';
import {
  ledgerOperation,
  type CertificateTechnology,
  type LedgerOperationBody,
  type LedgerResult,
  type OperationFilter,
  type SerialSpan,
} from '../../api/green.ts';
import { saveFailure, SaveFailureNotice, type SaveFailure } from '../../components/file-editor.tsx';
import { OrganisationOptions } from '../../components/organisation-select.tsx';
import { Segmented, TextField } from '../../components/ui.tsx';
import { formatCount, formatQuantity } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { technologyName } from '../../names.ts';
import { parsePeriod, lastDayOf } from '../../period.ts';
import { usePark } from '../../shell/park-context.tsx';
import { eventSpans, parseSpans, spanMwh, spansLabel } from './green-view.ts';

type Kind = LedgerOperationBody['kind'];

/** Every certificate technology (a record, so that the type check notices a new one). */
const TECHNOLOGIES = Object.keys({
  pv: 1,
  wind: 1,
  hydro: 1,
  biomass: 1,
  geothermal: 1,
  ocean: 1,
  other_renewable: 1,
} satisfies Record<CertificateTechnology, 1>);
type Outcome = { kind: 'none' } | { kind: 'done'; result: LedgerResult } | SaveFailure;

export function OperationForm({ onDone }: { onDone: () => void }) {
  const { t, tx } = useI18n();
  const { park, scope, isAdmin, orgName, period } = usePark();
  const kinds: readonly Kind[] = isAdmin ? ['transfer', 'claim', 'expire'] : ['claim'];
  const p = parsePeriod(period);
  const firstOrg = park.organisations[0]?.id ?? '';
  const [kind, setKind] = useState<Kind>(isAdmin ? 'transfer' : 'claim');
  const [to, setTo] = useState(firstOrg);
  const [consumer, setConsumer] = useState(scope ?? firstOrg);
  const [from, setFrom] = useState(p ? p.fromDay.slice(0, 7) : '');
  const [until, setUntil] = useState(p ? lastDayOf(p).slice(0, 7) : '');
  const [mode, setMode] = useState<'spans' | 'amount'>('spans');
  const [spansText, setSpansText] = useState('');
  const [amount, setAmount] = useState('');
  const [technology, setTechnology] = useState('');
  const [tradeId, setTradeId] = useState('');
  const [evidence, setEvidence] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const [formError, setFormError] = useState<string | null>(null);

  const selection = ():
    | { ok: true; value: { spans: SerialSpan[] } | { amountMwh: number; from?: OperationFilter } }
    | { ok: false; error: string } => {
    if (mode === 'spans') {
      const parsed = parseSpans(spansText);
      if (!parsed.ok) return { ok: false, error: t('green.op.badSpan', { item: parsed.item }) };
      if (parsed.spans.length === 0) return { ok: false, error: t('green.op.noSpans') };
      return { ok: true, value: { spans: parsed.spans } };
    }
    const n = Number(amount);
    if (!Number.isInteger(n) || n < 1) return { ok: false, error: t('green.op.badAmount') };
    const filter: OperationFilter = {
      ...(technology ? { technology } : {}),
      ...(tradeId.trim() ? { tradeId: tradeId.trim() } : {}),
    };
    return { ok: true, value: { amountMwh: n, ...(Object.keys(filter).length ? { from: filter } : {}) } };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    let body: LedgerOperationBody;
    if (kind === 'expire') body = { kind, evidence };
    else {
      const s = selection();
      if (!s.ok) {
        setFormError(s.error);
        return;
      }
      body =
        kind === 'transfer'
          ? {
              kind,
              to,
              evidence,
              ...s.value,
              ...('spans' in s.value && tradeId.trim() ? { tradeId: tradeId.trim() } : {}),
            }
          : { kind, consumer: scope ?? consumer, period: { from, to: until }, evidence, ...s.value };
    }
    setBusy(true);
    setOutcome({ kind: 'none' });
    try {
      setOutcome({ kind: 'done', result: await ledgerOperation(park.id, body) });
      onDone();
    } catch (error) {
      setOutcome(saveFailure(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="green-op-form" onSubmit={(e) => void submit(e)} data-testid="op-form">
      {kinds.length > 1 ? (
        <Segmented
          options={kinds}
          value={kind}
          onChange={(k) => {
            setKind(k);
            setOutcome({ kind: 'none' });
            setFormError(null);
          }}
          label={(k) => t(`green.op.${k}`)}
          ariaLabel={t('green.op.kind')}
          className="green-op-kinds"
          testId="op-kind"
        />
      ) : null}
      <p className="help">{t(`green.op.help.${kind}`)}</p>
      <div className="form-grid">
        {kind === 'transfer' ? (
          <label>
            {t('green.op.to')}
            <select value={to} onChange={(e) => setTo(e.target.value)} data-testid="op-to">
              <OrganisationOptions />
            </select>
          </label>
        ) : null}
        {kind === 'claim' ? (
          <>
            <label>
              {t('green.op.consumer')}
              {scope ? (
                <strong className="green-fixed" data-testid="op-consumer-fixed">
                  {orgName(scope)}
                </strong>
              ) : (
                <select
                  value={consumer}
                  onChange={(e) => setConsumer(e.target.value)}
                  data-testid="op-consumer"
                >
                  <option value="">{t('green.op.forPark', { park: park.name })}</option>
                  <OrganisationOptions />
                </select>
              )}
            </label>
            <TextField
              type="month"
              label={t('green.op.periodFrom')}
              value={from}
              onChange={setFrom}
              testId="op-period-from"
            />
            <TextField
              type="month"
              label={t('green.op.periodTo')}
              value={until}
              onChange={setUntil}
              testId="op-period-to"
            />
          </>
        ) : null}
        {kind !== 'expire' ? (
          <>
            <label>
              {t('green.op.select')}
              <select
                value={mode}
                onChange={(e) => setMode(e.target.value === 'amount' ? 'amount' : 'spans')}
                data-testid="op-mode"
              >
                <option value="spans">{t('green.op.bySpans')}</option>
                <option value="amount">{t('green.op.byAmount')}</option>
              </select>
            </label>
            {mode === 'amount' ? (
              <>
                <label>
                  {t('green.op.amount')}
                  <input
                    type="number"
                    min={1}
                    step={1}
                    value={amount}
                    onChange={(e) => setAmount(e.target.value)}
                    data-testid="op-amount"
                  />
                </label>
                <label>
                  {t('green.op.technology')}
                  <select
                    value={technology}
                    onChange={(e) => setTechnology(e.target.value)}
                    data-testid="op-technology"
                  >
                    <option value="">{t('green.op.anyTechnology')}</option>
                    {TECHNOLOGIES.map((k) => (
                      <option key={k} value={k}>
                        {technologyName(tx, k)}
                      </option>
                    ))}
                  </select>
                </label>
              </>
            ) : null}
            {/* With spans a transfer names the trade they travel with; with an amount the trade picks them. */}
            {kind === 'transfer' || mode === 'amount' ? (
              <TextField
                label={t('green.op.tradeId')}
                value={tradeId}
                onChange={setTradeId}
                placeholder={t('statistics.optional')}
                testId="op-trade"
              />
            ) : null}
            {mode === 'spans' ? (
              <label className="span-2 green-spans-field">
                {t('green.op.spans')}
                <textarea
                  rows={3}
                  value={spansText}
                  onChange={(e) => setSpansText(e.target.value)}
                  placeholder="GEC-YN-HYD-LCJ-202501:12001-13000"
                  spellCheck={false}
                  data-testid="op-spans"
                />
              </label>
            ) : null}
          </>
        ) : null}
        <TextField
          className="span-2"
          label={
            <span>
              {t('green.op.evidence')}
              {kind !== 'expire' ? <span className="required-mark"> *</span> : null}
            </span>
          }
          value={evidence}
          onChange={setEvidence}
          placeholder={t(kind === 'expire' ? 'green.op.evidenceExpire' : 'green.op.evidenceHint')}
          testId="op-evidence"
        />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="op-submit">
            {t(`green.op.submit.${kind}`)}
          </button>
        </div>
      </div>
      {formError ? (
        <p className="form-error" data-testid="op-form-error">
          {formError}
        </p>
      ) : null}
      {outcome.kind === 'issues' || outcome.kind === 'error' ? (
        <SaveFailureNotice failure={outcome} heading={t('green.op.refused')} testId="op-refused" />
      ) : null}
      {outcome.kind === 'done' ? <OperationDone result={outcome.result} /> : null}
    </form>
  );
}

function OperationDone({ result }: { result: LedgerResult }) {
  const { t } = useI18n();
  const spans = eventSpans(result.event.body);
  return (
    <div className="success-box" data-testid="op-done">
      <strong>
        {t('green.op.done', {
          id: result.event.id,
          kind: t(`green.event.${result.event.body.kind}`),
          mwh: formatCount(spanMwh(spans)),
        })}
      </strong>
      {spans.length > 0 ? (
        <div className="mono small" data-testid="op-done-spans">
          {spansLabel(spans)}
        </div>
      ) : null}
      <div className="small muted">
        {(['held', 'transferred', 'claimed', 'expired'] as const)
          .map((s) => `${t(`green.state.${s}`)} ${formatQuantity(result.totals[s], 'MWh')}`)
          .join(' · ')}
      </div>
    </div>
  );
}
