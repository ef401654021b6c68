/** What the server did with a submission or a CSV file: received, inserted, unchanged, and each refused row's reasons. */
import type { StatisticBatchResult } from '../../api/carbon.ts';
import { ImportResult } from '../../components/import-result.tsx';
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
  return (
    <ImportResult
      counts={[
        { label: t('import.received'), value: r.received, testId: 'received' },
        { label: t('import.inserted'), value: r.inserted, testId: 'inserted' },
        { label: t('import.unchanged'), value: r.unchanged, testId: 'unchanged' },
        { label: t('import.rejected'), value: r.rejected.length, testId: 'rejected' },
      ]}
      tail={
        r.batchId === null ? (
          <span>{t('statistics.sameContent')}</span>
        ) : (
          <span className="mono">#{r.batchId}</span>
        )
      }
      rejected={r.rejected}
      whereHeading={t('statistics.col.line')}
      where={(row, _issue, j) => (j === 0 ? (props.describeLine?.(row.line) ?? row.line) : '')}
      field={(field) => (
        <>
          {fieldName(t, field)} <span className="muted mono small">{field}</span>
        </>
      )}
      testId={props.testId}
      refusedTestId="refused"
    />
  );
}
