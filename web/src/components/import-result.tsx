/**
 * What the server did with an upload or a form submission (statistics, certificates, trades, grid shares): a line of
 * counts — received, taken, unchanged, refused — and a table of every refused row's issues, each with where it is, its
 * field, its reason and the row as sent (on the row's first issue).
 */
import type { ReactNode } from 'react';
import { formatCount } from '../format.ts';
import { useI18n } from '../i18n/index.tsx';
import type { FileIssue } from './file-editor.tsx';

/** A row the server refused: its line, its text as sent, and why. */
export interface RefusedRow {
  line: number;
  raw: string;
  issues: readonly FileIssue[];
}

/** One count of the result line: its label, its figure, and the suffix of the figure's test id. */
export interface ResultCount {
  label: string;
  value: number;
  testId: string;
}

/**
 * @example <ImportResult counts={[{ label: t('import.received'), value: r.received, testId: 'received' }]}
 *   tail={<span className="mono">#{r.importId}</span>} rejected={r.rejected} whereHeading={t('statistics.col.line')}
 *   where={(row, _issue, j) => (j === 0 ? row.line : '')} testId="stat-result" refusedTestId="refused" />
 */
export function ImportResult(props: {
  counts: readonly ResultCount[];
  /** What the line says after the counts: the import's or batch's id. */
  tail?: ReactNode;
  rejected: readonly RefusedRow[];
  /** The first column: its heading, and where an issue is (`index`: the issue's place in its row). */
  whereHeading: string;
  where: (row: RefusedRow, issue: FileIssue, index: number) => ReactNode;
  /** How a field is shown (default: as the server names it). */
  field?: (field: string | undefined) => ReactNode;
  /** Where and field in monospace (file:line and column names as they are in the file). */
  mono?: boolean;
  testId: string;
  /** Prefix of the refused rows' test ids: `<prefix>-row`, `<prefix>-reason`. */
  refusedTestId: string;
}) {
  const { t } = useI18n();
  const { testId } = props;
  const refused = props.rejected.length;
  const cell = props.mono ? 'nowrap mono' : 'nowrap';
  return (
    <div className={refused > 0 ? 'batch-result batch-result-issues' : 'batch-result'} data-testid={testId}>
      <p className="result-line" data-testid={`${testId}-counts`}>
        {props.counts.map((c) => (
          <span key={c.testId}>
            {c.label} <b data-testid={`${testId}-${c.testId}`}>{formatCount(c.value)}</b>
          </span>
        ))}
        {props.tail}
      </p>
      {refused > 0 ? (
        <div className="table-wrap">
          <table className="table table-compact" data-testid={`${testId}-refused`}>
            <thead>
              <tr>
                <th>{props.whereHeading}</th>
                <th>{t('quality.field')}</th>
                <th>{t('quality.reason')}</th>
                <th>{t('quality.raw')}</th>
              </tr>
            </thead>
            <tbody>
              {props.rejected.flatMap((row) =>
                row.issues.map((issue, j) => (
                  <tr key={`${row.line}-${j}`} data-testid={`${props.refusedTestId}-row`}>
                    <td className={cell}>{props.where(row, issue, j)}</td>
                    <td className={cell}>{props.field ? props.field(issue.field) : (issue.field ?? '')}</td>
                    <td className="small" data-testid={`${props.refusedTestId}-reason`}>
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
