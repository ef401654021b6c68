/** Rejected records: kept with their raw text, file, line, field and reason (数据质量). */
import type { RejectedRecord } from '../../api/meters.ts';
import { Empty } from '../../components/ui.tsx';
import { formatDate } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';

export function RejectedTable({
  rows,
  showMeter = true,
}: {
  rows: readonly RejectedRecord[];
  showMeter?: boolean;
}) {
  const { t, locale } = useI18n();
  const { park, link } = usePark();
  if (rows.length === 0) return <Empty>{t('quality.empty')}</Empty>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="rejected-table">
        <thead>
          <tr>
            <th>{t('quality.received')}</th>
            {showMeter ? <th>{t('quality.meter')}</th> : null}
            <th>{t('quality.file')}</th>
            <th>{t('quality.field')}</th>
            <th>{t('quality.reason')}</th>
            <th>{t('quality.raw')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="rejected-row">
              <td className="small nowrap">
                {formatDate(r.receivedAtMs, park.timezone, locale, 'dateTime')}
              </td>
              {showMeter ? (
                <td className="mono small">
                  {/* A record rejected for its meter names none of the park's: no page to link to. */}
                  {r.meterCode && r.field !== 'meter' ? (
                    <a href={link(['meters', r.meterCode])}>{r.meterCode}</a>
                  ) : (
                    (r.meterCode ?? '—')
                  )}
                </td>
              ) : null}
              <td className="small">
                {r.fileName ?? r.source}
                {r.line !== null ? <span className="muted">:{r.line}</span> : null}
              </td>
              <td className="mono small">{r.field}</td>
              <td className="small">{r.reason}</td>
              <td>
                <code className="raw" title={r.raw}>
                  {r.raw}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
