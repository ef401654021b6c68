/**
 * A CSV upload of the green pages (certificates, trade contracts, settlements, grid green shares): the columns, a
 * template, the file row, then what the server did — received, accepted, unchanged, and every refused row as
 * `file:line field reason` — or, when the whole file is refused (a 400), its problems by line and field.
 */
import { useState, type ReactNode } from 'react';
import type { GreenImportResult } from '../../api/green.ts';
import { CsvFileRow, IssueList, saveFailure, type SaveFailure } from '../../components/file-editor.tsx';
import { ErrorMessage } from '../../components/ui.tsx';
import { formatCount } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';

type Stage = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; result: GreenImportResult } | SaveFailure;

export function CsvImport(props: {
  columns: string;
  template: string;
  templateName: string;
  /** Sends the file; resolves to the server's counts. */
  upload: (csv: string, file: string) => Promise<GreenImportResult>;
  onImported: () => void;
  /** Fields the upload needs besides the file (evidence, data set id …). */
  children?: ReactNode;
  /** Whether the extra fields are complete (the start button waits for them). */
  ready?: boolean;
  testId: string;
}) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });

  const start = async () => {
    if (!file) return;
    setStage({ kind: 'busy' });
    try {
      const result = await props.upload(await file.text(), file.name);
      setStage({ kind: 'done', result });
      props.onImported();
    } catch (e) {
      setStage(saveFailure(e));
    }
  };

  return (
    <div className="green-import" data-testid={props.testId}>
      <p className="help">
        {t('green.import.columns')} <code>{props.columns}</code>{' '}
        <a
          href={`data:text/csv;charset=utf-8,${encodeURIComponent(`\uFEFF${props.template}\n`)}`}
          download={props.templateName}
          data-testid={`${props.testId}-template`}
        >
          {t('statistics.template')}
        </a>
      </p>
      {props.children ? <div className="form-grid green-import-fields">{props.children}</div> : null}
      <CsvFileRow
        file={file}
        onFile={(f) => {
          setFile(f);
          setStage({ kind: 'idle' });
        }}
        busy={stage.kind === 'busy' || props.ready === false}
        onStart={() => void start()}
        fileTestId={`${props.testId}-file`}
        startTestId={`${props.testId}-start`}
      />
      {stage.kind === 'done' ? (
        <ImportResult result={stage.result} testId={`${props.testId}-result`} />
      ) : null}
      {stage.kind === 'issues' ? (
        <IssueList
          heading={t('green.import.refused')}
          message={stage.message}
          issues={stage.issues}
          lineLabel={(line) => t('definition.line', { line })}
          testId={`${props.testId}-issues`}
        />
      ) : null}
      {stage.kind === 'error' ? <ErrorMessage error={stage.error} /> : null}
    </div>
  );
}

/** Counts and refused rows of an import. */
export function ImportResult({
  result,
  testId,
  extra,
}: {
  result: GreenImportResult;
  testId: string;
  extra?: ReactNode;
}) {
  const { t } = useI18n();
  const refused = result.rejected.length;
  return (
    <div className={refused > 0 ? 'batch-result batch-result-issues' : 'batch-result'} data-testid={testId}>
      <p className="result-line">
        <span>
          {t('import.received')} <b data-testid={`${testId}-received`}>{formatCount(result.received)}</b>
        </span>
        <span>
          {t('green.import.accepted')}{' '}
          <b data-testid={`${testId}-accepted`}>{formatCount(result.accepted)}</b>
        </span>
        <span>
          {t('import.unchanged')} <b data-testid={`${testId}-unchanged`}>{formatCount(result.unchanged)}</b>
        </span>
        <span>
          {t('import.rejected')} <b data-testid={`${testId}-refused-count`}>{formatCount(refused)}</b>
        </span>
        <span className="mono">#{result.importId}</span>
        {extra}
      </p>
      {refused > 0 ? (
        <div className="table-wrap">
          <table className="table table-compact" data-testid={`${testId}-refused`}>
            <thead>
              <tr>
                <th>{t('green.import.where')}</th>
                <th>{t('quality.field')}</th>
                <th>{t('quality.reason')}</th>
                <th>{t('quality.raw')}</th>
              </tr>
            </thead>
            <tbody>
              {result.rejected.flatMap((row) =>
                row.issues.map((issue, j) => (
                  <tr key={`${row.line}-${j}`} data-testid="green-refused-row">
                    <td className="nowrap mono">
                      {`${issue.file ?? ''}:${issue.line ?? row.line}`.replace(/^:/, '')}
                    </td>
                    <td className="nowrap mono">{issue.field ?? ''}</td>
                    <td className="small" data-testid="green-refused-reason">
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
