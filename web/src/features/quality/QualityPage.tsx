/** 数据质量: every rejected record the caller may see, newest first, with a meter filter. */
import { useState } from 'react';
import { getRejected } from '../../api/meters.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, ErrorMessage, Loading, PageHeader } from '../../components/ui.tsx';
import { formatCount } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';
import { RejectedTable } from '../meters/RejectedTable.tsx';

const LIMITS = [100, 250, 1000] as const;

export default function QualityPage() {
  const { t } = useI18n();
  const { park } = usePark();
  const [meterInput, setMeterInput] = useState('');
  const [meter, setMeter] = useState('');
  const [limit, setLimit] = useState<number>(100);
  const rejected = useApi(
    (signal) => getRejected(park.id, meter || null, limit, signal),
    [park.id, meter, limit],
  );

  return (
    <>
      <PageHeader title={t('quality.title')} subtitle={t('quality.subtitle')} />
      <Card
        title={
          rejected.data ? (
            <span data-testid="rejected-total">
              {t('quality.total', { total: formatCount(rejected.data.total) })}
            </span>
          ) : (
            t('quality.title')
          )
        }
        actions={
          <form
            className="filters"
            onSubmit={(e) => {
              e.preventDefault();
              setMeter(meterInput.trim());
            }}
          >
            <input
              type="search"
              placeholder={t('quality.filterMeter')}
              aria-label={t('quality.filterMeter')}
              value={meterInput}
              onChange={(e) => {
                setMeterInput(e.target.value);
                if (e.target.value === '') setMeter('');
              }}
              data-testid="quality-meter"
            />
            <select
              value={limit}
              onChange={(e) => setLimit(Number(e.target.value))}
              aria-label={t('quality.limit')}
            >
              {LIMITS.map((l) => (
                <option key={l} value={l}>
                  {formatCount(l)}
                </option>
              ))}
            </select>
            <button type="submit" className="btn btn-small">
              {t('app.search')}
            </button>
          </form>
        }
      >
        {rejected.state === 'error' ? (
          <ErrorMessage error={rejected.error} onRetry={rejected.reload} />
        ) : null}
        {rejected.data ? (
          <div className={rejected.state === 'loading' ? 'stale' : ''}>
            <RejectedTable rows={rejected.data.rows} />
          </div>
        ) : rejected.state === 'loading' ? (
          <Loading />
        ) : null}
      </Card>
    </>
  );
}
