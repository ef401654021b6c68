/**
 * A CSV upload of the green pages (certificates, trade contracts, settlements, grid green shares): the columns, a
 * template, the file row, then what the server did — received, accepted, unchanged, and every refused row as
 * `file:line field reason` — or, when the whole file is refused (a 400), its problems by line and field.
 */
import { useState, type ReactNode } from 'react';
import type { GreenImportResult } from '../../api/green.ts';
import {
  CsvFileRow,
  saveFailure,
  SaveFailureNotice,
  type SaveFailure,
} from '../../components/file-editor.tsx';
import { ImportResult } from '../../components/import-result.tsx';
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
        <ImportResult
          counts={[
            { label: t('import.received'), value: stage.result.received, testId: 'received' },
            { label: t('green.import.accepted'), value: stage.result.accepted, testId: 'accepted' },
            { label: t('import.unchanged'), value: stage.result.unchanged, testId: 'unchanged' },
            { label: t('import.rejected'), value: stage.result.rejected.length, testId: 'refused-count' },
          ]}
          tail={<span className="mono">#{stage.result.importId}</span>}
          rejected={stage.result.rejected}
          whereHeading={t('green.import.where')}
          // A refused row's place as the server names it: `file:line`.
          where={(row, issue) => `${issue.file ?? ''}:${issue.line ?? row.line}`.replace(/^:/, '')}
          mono
          testId={`${props.testId}-result`}
          refusedTestId="green-refused"
        />
      ) : null}
      {stage.kind === 'issues' || stage.kind === 'error' ? (
        <SaveFailureNotice
          failure={stage}
          heading={t('green.import.refused')}
          testId={`${props.testId}-issues`}
        />
      ) : null}
    </div>
  );
}
