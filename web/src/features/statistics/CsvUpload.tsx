/**
 * Statistics from a CSV file (POST statistics.csv): the columns and a template to start from, then the same result
 * as the form — or, when the header cannot be read, the file's problems by line and field (nothing is stored then).
 */
import { useState } from 'react';
import { uploadStatisticsCsv, type StatisticBatchResult } from '../../api/carbon.ts';
import { ApiFailure } from '../../api/client.ts';
import { CsvFileRow, IssueList } from '../../components/file-editor.tsx';
import { Card, ErrorMessage } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';
import { fieldName } from './EntryForm.tsx';
import { BatchResult } from './BatchResult.tsx';

const CSV_COLUMNS =
  'organisation,month,kind,item,value,unit,evidence,note,factor_value,factor_unit,factor_source';

/** A template with one row of each shape: a plain value, an item, an offset with evidence, a process with its factor. */
function template(organisation: string, month: string): string {
  return [
    CSV_COLUMNS,
    `${organisation},${month},industrial_output,,1200,10^4 CNY,,,,,`,
    `${organisation},${month},product_output,产品名称,850,t,,,,,`,
    `${organisation},${month},offset,ccer,300,tCO2e,注销证明编号,,,,`,
    `${organisation},${month},process_activity,工艺名称,100,t,,,0.5,tCO2/t,排放因子来源`,
  ].join('\n');
}

type Stage =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'done'; result: StatisticBatchResult }
  | { kind: 'issues'; error: ApiFailure }
  | { kind: 'error'; error: unknown };

export function CsvUpload({ onImported }: { onImported: () => void }) {
  const { t } = useI18n();
  const { park, scope } = usePark();
  const [file, setFile] = useState<File | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const example = template(
    scope ?? park.organisations[0]?.id ?? 'ORG',
    (park.latestDay ?? '2025-01').slice(0, 7),
  );

  const start = async () => {
    if (!file) return;
    setStage({ kind: 'busy' });
    try {
      const result = await uploadStatisticsCsv(park.id, await file.text(), file.name);
      setStage({ kind: 'done', result });
      onImported();
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 400) setStage({ kind: 'issues', error });
      else setStage({ kind: 'error', error });
    }
  };

  return (
    <Card title={t('statistics.csv')} testId="stat-csv-card">
      <p className="help">
        {t('statistics.csvHelp')} <code>{CSV_COLUMNS}</code>
      </p>
      <CsvFileRow
        file={file}
        onFile={(f) => {
          setFile(f);
          setStage({ kind: 'idle' });
        }}
        busy={stage.kind === 'busy'}
        onStart={() => void start()}
        fileTestId="stat-csv-file"
        startTestId="stat-csv-upload"
      >
        <a
          className="btn btn-ghost btn-small"
          href={`data:text/csv;charset=utf-8,${encodeURIComponent(`\uFEFF${example}\n`)}`}
          download="statistics-template.csv"
          data-testid="stat-csv-template"
        >
          {t('statistics.template')}
        </a>
      </CsvFileRow>
      {stage.kind === 'done' ? <BatchResult result={stage.result} testId="stat-csv-result" /> : null}
      {stage.kind === 'issues' ? (
        <IssueList
          heading={t('statistics.csvRefused')}
          message={stage.error.message}
          issues={stage.error.body?.issues ?? []}
          lineLabel={(line) => t('definition.line', { line })}
          fieldLabel={(field) => fieldName(t, field)}
          testId="stat-csv-issues"
        />
      ) : null}
      {stage.kind === 'error' ? <ErrorMessage error={stage.error} /> : null}
    </Card>
  );
}
