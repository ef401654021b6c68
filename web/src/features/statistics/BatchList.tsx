/** The latest statistics batches (form submissions and CSV files): who, when, and what came of them. */
import type { StatisticBatch } from '../../api/carbon.ts';
import { Empty } from '../../components/ui.tsx';
import { formatCount, formatDate } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';

export function BatchList({ batches }: { batches: readonly StatisticBatch[] }) {
  const { t, locale } = useI18n();
  const { park } = usePark();
  if (batches.length === 0) return <Empty>{t('statistics.noBatches')}</Empty>;
  return (
    <div className="table-scroll">
      <table className="table table-compact" data-testid="stat-batches">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('statistics.batchSource')}</th>
            <th>{t('statistics.enteredBy')}</th>
            <th>{t('statistics.enteredAt')}</th>
            <th className="num">{t('import.received')}</th>
            <th className="num">{t('import.inserted')}</th>
            <th className="num">{t('import.unchanged')}</th>
            <th className="num">{t('import.rejected')}</th>
          </tr>
        </thead>
        <tbody>
          {batches.slice(0, 20).map((b) => (
            <tr key={b.id} data-testid="stat-batch-row">
              <td className="mono">{b.id}</td>
              <td className="small">{b.source === 'form' ? t('statistics.sourceForm') : b.source}</td>
              <td>{b.actor}</td>
              <td className="small nowrap">
                {formatDate(new Date(b.createdAt).getTime(), park.timezone, locale, 'dateTime')}
              </td>
              <td className="num">{formatCount(b.received)}</td>
              <td className="num">{formatCount(b.inserted)}</td>
              <td className="num">{formatCount(b.unchanged)}</td>
              <td className={b.rejected.length > 0 ? 'num change-up' : 'num'}>
                {formatCount(b.rejected.length)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
