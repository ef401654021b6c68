/**
 * What the pages that send an input file share: for a file edited in a text area (the park definition, a 源网荷储
 * scenario, a network to trace), how a refused save becomes a list of issues by line, the list itself (or the error
 * of another failure), and putting the caret on an issue's line; for a CSV upload (readings, statistics, green
 * data), the row that chooses the file and starts it.
 */
import type { ReactNode } from 'react';
import type { ApiError } from '../../../src/server/api-types.ts';
import { ApiFailure } from '../api/client.ts';
import { formatCount } from '../format.ts';
import { useI18n } from '../i18n/index.tsx';
import { ErrorMessage } from './ui.tsx';

/** One problem the server found, by file, line and field. */
export type FileIssue = NonNullable<ApiError['issues']>[number];

/** A save the server refused (with its issues, or only a message), or a failure of another kind. */
export type SaveFailure =
  { kind: 'issues'; message: string; issues: FileIssue[] } | { kind: 'error'; error: unknown };

/** What a failed save shows: the server's issues for a 400 (possibly none, then its message), else the error. */
export function saveFailure(e: unknown): SaveFailure {
  if (e instanceof ApiFailure && e.body?.issues?.length)
    return { kind: 'issues', message: e.body.message, issues: e.body.issues };
  if (e instanceof ApiFailure && e.status === 400 && e.body)
    return { kind: 'issues', message: e.body.message, issues: [] };
  return { kind: 'error', error: e };
}

/**
 * A failed save as the page shows it: the server's issues (or its message) under a heading, any other failure as an
 * error message.
 */
export function SaveFailureNotice(props: {
  failure: SaveFailure;
  heading: string;
  testId: string;
  itemTestId?: string;
}) {
  const { t } = useI18n();
  const { failure } = props;
  if (failure.kind === 'error') return <ErrorMessage error={failure.error} />;
  return (
    <IssueList
      heading={props.heading}
      message={failure.message}
      issues={failure.issues}
      lineLabel={(line) => t('definition.line', { line })}
      testId={props.testId}
      itemTestId={props.itemTestId}
    />
  );
}

/** The button that loads a file from disk into the text area: `onText` gets the file's text. */
export function LoadFileButton(props: { accept: string; onText: (text: string) => void; testId: string }) {
  const { t } = useI18n();
  const { onText } = props;
  return (
    <label className="btn btn-small file-btn">
      {t('definition.load')}
      <input
        type="file"
        accept={props.accept}
        onChange={(e) => void e.target.files?.[0]?.text().then(onText)}
        data-testid={props.testId}
      />
    </label>
  );
}

/** Selects a line of the text area and scrolls it into view, so an issue's line is one click away. */
export function selectLine(el: HTMLTextAreaElement | null, text: string | null, line: number): void {
  if (!el || text === null) return;
  const lines = text.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  const end = start + (lines[line - 1]?.length ?? 0);
  el.focus();
  el.setSelectionRange(start, end);
  const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 18;
  el.scrollTop = Math.max(0, (line - 5) * lineHeight);
}

/** The issues of a refused save: a heading, the server's message when it gave no issue, and one item per issue. */
export function IssueList(props: {
  heading: string;
  message: string;
  issues: readonly FileIssue[];
  lineLabel: (line: number) => string;
  /** Where a line's label goes when clicked (the text area's line); without it the label is plain text. */
  onLine?: (line: number) => void;
  /** How a field is named (default: as the server names it). */
  fieldLabel?: (field: string) => string;
  testId: string;
  itemTestId?: string;
}) {
  const { onLine } = props;
  return (
    <div className="error-box error-issues" role="alert" data-testid={props.testId}>
      <div>
        <strong>{props.heading}</strong>
        {props.issues.length === 0 ? <div>{props.message}</div> : null}
        <ul className="issue-list">
          {props.issues.map((issue, i) => (
            <li key={i} data-testid={props.itemTestId}>
              {issue.line === undefined ? null : onLine ? (
                <button type="button" className="link-btn mono" onClick={() => onLine(issue.line ?? 1)}>
                  {props.lineLabel(issue.line)}
                </button>
              ) : (
                <span className="mono">{props.lineLabel(issue.line)}</span>
              )}
              {issue.field ? (
                <code className="issue-field">{props.fieldLabel?.(issue.field) || issue.field}</code>
              ) : null}
              <span>{issue.reason}</span>
              {issue.file ? <span className="muted small"> ({issue.file})</span> : null}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/**
 * Choosing a CSV file and starting its upload: the file button, the chosen file's name and size, the start button,
 * and whatever else the row should hold (`children`).
 */
export function CsvFileRow(props: {
  file: File | null;
  onFile: (file: File | null) => void;
  busy: boolean;
  onStart: () => void;
  fileTestId: string;
  startTestId: string;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className="form-row">
      <label className="btn file-btn">
        {t('import.choose')}
        <input
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => props.onFile(e.target.files?.[0] ?? null)}
          data-testid={props.fileTestId}
        />
      </label>
      <span className="muted">
        {props.file ? `${props.file.name} · ${formatCount(Math.ceil(props.file.size / 1024))} KB` : ''}
      </span>
      <button
        type="button"
        className="btn btn-primary"
        disabled={!props.file || props.busy}
        onClick={props.onStart}
        data-testid={props.startTestId}
      >
        {t('import.start')}
      </button>
      {props.children}
    </div>
  );
}
