/** The small set of error codes every layer agrees on; one place maps them to HTTP statuses and CLI exit codes. */
export type ErrorCode =
  'BAD_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE' | 'INTERNAL';

/** Where in an input file or request a problem sits, so that the message can name it. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  field?: string;
}

/** One problem found in an input, with its location and a reason a person can act on. */
export interface InputIssue extends ErrorLocation {
  reason: string;
}

/** The one error type of Lingtan. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly InputIssue[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; issues?: readonly InputIssue[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

/** Formats an issue as `file:line field: reason`, the shape every CLI error uses. */
export function formatIssue(issue: InputIssue): string {
  const where = [issue.file, issue.line === undefined ? undefined : String(issue.line)]
    .filter(Boolean)
    .join(':');
  const field = issue.field ? `${issue.field}: ` : '';
  return `${where ? `${where} ` : ''}${field}${issue.reason}`;
}

/** Exit code for a CLI command that failed with this error. */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof AppError)) return 70;
  switch (error.code) {
    case 'BAD_INPUT':
      return 65;
    case 'NOT_FOUND':
      return 66;
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
      return 77;
    case 'CONFLICT':
      return 75;
    case 'UNAVAILABLE':
      return 69;
    case 'INTERNAL':
      return 70;
  }
}
