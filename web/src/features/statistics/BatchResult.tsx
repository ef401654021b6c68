/** What the server did with a submission or a CSV file: received, inserted, unchanged, and each refused row's reasons. */
import type { StatisticBatchResult } from '../../api/carbon.ts';
import { formatCount } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { fieldName } from './EntryForm.tsx';

export function BatchResult(props: {
  result: StatisticBatchResult;
  /** How a refused row's line is named: a CSV line number, or the form row's kind and item. */
  describeLine?: (line: number) => string;
  testId: string;
}) {
  const { t } = useI18n();
  const r = props.result;
  const rejected = r.rejected.length;
  return (
    <div
      className={rejected > 0 ? 'batch-result batch-result-issues' : 'batch-result'}
      data-testid={props.testId}
    >
      <p className="result-line" data-testid={`${props.testId}-counts`}>
        <span>
          {t('import.received')} <b data-testid={`${props.testId}-received`}>{formatCount(r.received)}</b>
        </span>
        <span>
          {t('import.inserted')} <b data-testid={`${props.testId}-inserted`}>{formatCount(r.inserted)}</b>
        </span>
        <span>
          {t('import.unchanged')} <b data-testid={`${props.testId}-unchanged`}>{formatCount(r.unchanged)}</b>
        </span>
        <span>
          {t('import.rejected')} <b data-testid={`${props.testId}-rejected`}>{formatCount(rejected)}</b>
        </span>
        {r.batchId === null ? (
          <span>{t('statistics.sameContent')}</span>
        ) : (
          <span className="mono">#{r.batchId}</span>
        )}
      </p>
      {rejected > 0 ? (
        <div className="table-wrap">
          <table className="table table-compact" data-testid={`${props.testId}-refused`}>
            <thead>
              <tr>
                <th>{t('statistics.col.line')}</th>
                <th>{t('quality.field')}</th>
                <th>{t('quality.reason')}</th>
                <th>{t('quality.raw')}</th>
              </tr>
            </thead>
            <tbody>
              {r.rejected.flatMap((row) =>
                row.issues.map((issue, j) => (
                  <tr key={`${row.line}-${j}`} data-testid="refused-row">
                    <td className="nowrap">{j === 0 ? (props.describeLine?.(row.line) ?? row.line) : ''}</td>
                    <td className="nowrap">
                      {fieldName(t, issue.field)} <span className="muted mono small">{issue.field}</span>
                    </td>
                    <td className="small" data-testid="refused-reason">
                      {issue.reason}
                    </td>
                    <td>
                      {j === 0 ? (
                        <code className="raw" title={row.raw}>
                          {row.raw}
                        </code>
                      ) : null}
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
