/** CSV back-fill: pick a file, watch the upload, then the server's progress (polled), and the import history. */
import { useEffect, useRef, useState } from 'react';
import type { ImportJob } from '../../../../src/server/api-types.ts';
import { getImport, listImports, uploadCsv } from '../../api/imports.ts';
import { useApi } from '../../api/use-api.ts';
import { CsvFileRow } from '../../components/file-editor.tsx';
import { Card, Empty, ErrorMessage } from '../../components/ui.tsx';
import { formatCount, formatDate, formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';

type Stage =
  | { kind: 'idle' }
  | { kind: 'uploading'; sent: number; total: number }
  | { kind: 'processing'; job: ImportJob }
  | { kind: 'done'; job: ImportJob }
  | { kind: 'error'; error: unknown };

const POLL_MS = 700;

export function CsvImport() {
  const { t, locale } = useI18n();
  const { park } = usePark();
  const [file, setFile] = useState<File | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const history = useApi((signal) => listImports(park.id, signal), [park.id]);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const poll = (id: string) => {
    timer.current = window.setTimeout(() => {
      getImport(park.id, id)
        .then((job) => {
          if (job.status === 'running') {
            setStage({ kind: 'processing', job });
            poll(id);
          } else {
            setStage({ kind: 'done', job });
            history.reload();
          }
        })
        .catch((error: unknown) => setStage({ kind: 'error', error }));
    }, POLL_MS);
  };

  const start = async () => {
    if (!file) return;
    setStage({ kind: 'uploading', sent: 0, total: file.size });
    try {
      const job = await uploadCsv(park.id, file, (sent, total) =>
        setStage({ kind: 'uploading', sent, total }),
      );
      if (job.status === 'running') {
        setStage({ kind: 'processing', job });
        poll(job.id);
      } else {
        setStage({ kind: 'done', job });
        history.reload();
      }
    } catch (error) {
      setStage({ kind: 'error', error });
    }
  };

  const busy = stage.kind === 'uploading' || stage.kind === 'processing';
  const uploadShare =
    stage.kind === 'uploading'
      ? stage.total
        ? stage.sent / stage.total
        : 0
      : stage.kind === 'idle' || stage.kind === 'error'
        ? 0
        : 1;
  const job = stage.kind === 'processing' || stage.kind === 'done' ? stage.job : null;
  const serverShare = job
    ? job.status === 'done'
      ? 1
      : job.bytesTotal
        ? job.bytesDone / job.bytesTotal
        : 0
    : 0;

  return (
    <>
      <Card title={t('setup.tab.import')}>
        <p className="help">{t('import.help')}</p>
        <CsvFileRow
          file={file}
          onFile={(f) => {
            setFile(f);
            setStage({ kind: 'idle' });
          }}
          busy={busy}
          onStart={() => void start()}
          fileTestId="import-file"
          startTestId="import-start"
        />
        {stage.kind !== 'idle' && stage.kind !== 'error' ? (
          <div className="progress-group" data-testid="import-progress">
            <Progress
              label={t('import.upload')}
              share={uploadShare}
              text={
                stage.kind === 'uploading'
                  ? t('import.uploading', { percent: formatPercent(uploadShare, 0) })
                  : formatPercent(1, 0)
              }
            />
            <Progress
              label={t('import.server')}
              share={serverShare}
              text={
                job
                  ? job.status === 'running'
                    ? t('import.processing', {
                        rows: formatCount(job.rowsDone),
                        percent: formatPercent(serverShare, 0),
                      })
                    : job.status === 'done'
                      ? t('import.done')
                      : t('import.failed', { error: job.error ?? '' })
                  : '—'
              }
              failed={job?.status === 'failed'}
            />
            {job?.result ? <ResultLine result={job.result} /> : null}
          </div>
        ) : null}
        {stage.kind === 'error' ? <ErrorMessage error={stage.error} /> : null}
      </Card>
      <Card title={t('import.history')}>
        {history.state === 'error' ? <ErrorMessage error={history.error} onRetry={history.reload} /> : null}
        {history.data && history.data.imports.length === 0 ? <Empty>{t('import.empty')}</Empty> : null}
        {history.data && history.data.imports.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="import-history">
              <thead>
                <tr>
                  <th>{t('import.file')}</th>
                  <th>{t('import.status')}</th>
                  <th>{t('import.started')}</th>
                  <th className="num">{t('import.rows')}</th>
                  <th className="num">{t('import.inserted')}</th>
                  <th className="num">{t('import.unchanged')}</th>
                  <th className="num">{t('import.revised')}</th>
                  <th className="num">{t('import.rejected')}</th>
                </tr>
              </thead>
              <tbody>
                {[...history.data.imports]
                  .sort((a, b) => b.startedAtMs - a.startedAtMs)
                  .map((j) => (
                    <tr key={j.id}>
                      <td>{j.fileName}</td>
                      <td>
                        <span className={`tag tag-${j.status}`} title={j.error ?? undefined}>
                          {t(`import.status.${j.status}`)}
                        </span>
                      </td>
                      <td className="small">
                        {formatDate(j.startedAtMs, park.timezone, locale, 'dateTime')}
                      </td>
                      <td className="num">{formatCount(j.rowsDone)}</td>
                      <td className="num">{formatCount(j.result?.inserted)}</td>
                      <td className="num">{formatCount(j.result?.unchanged)}</td>
                      <td className="num">{formatCount(j.result?.revised)}</td>
                      <td className="num">{formatCount(j.result?.rejected)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
    </>
  );
}

function Progress({
  label,
  share,
  text,
  failed,
}: {
  label: string;
  share: number;
  text: string;
  failed?: boolean;
}) {
  const pct = Math.round(Math.max(0, Math.min(1, share)) * 100);
  return (
    <div className="progress-line">
      <span className="progress-label">{label}</span>
      <div
        className={`progress ${failed ? 'progress-failed' : ''}`}
        role="progressbar"
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-label={label}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text">{text}</span>
    </div>
  );
}

function ResultLine({ result }: { result: NonNullable<ImportJob['result']> }) {
  const { t } = useI18n();
  const parts: [string, number][] = [
    [t('import.received'), result.received],
    [t('import.inserted'), result.inserted],
    [t('import.unchanged'), result.unchanged],
    [t('import.revised'), result.revised],
    [t('import.rejected'), result.rejected],
  ];
  return (
    <p className="result-line" data-testid="import-result">
      {parts.map(([label, n]) => (
        <span key={label}>
          {label} <b>{formatCount(n)}</b>
        </span>
      ))}
    </p>
  );
}
