/**
 * YAML (or JSON) input files checked against a JSON Schema, with every problem reported at its line and field: the
 * shared reader of the park definition file and of scenario files.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { AppError, type InputIssue } from './errors.ts';

/** A step of a path into the data: a key or an array index. */
export type Segment = string | number;

/** A problem at a path into the data. */
export interface PathIssue {
  path: Segment[];
  reason: string;
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const arrayOf = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const withArticle = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

export interface YamlInputOptions {
  /** Reasons to give for a failed `pattern`, by pattern (e.g. the id pattern → "must be an id: …"). */
  patternNames?: Record<string, string>;
  /** Checks the schema cannot express; `lineAt` gives the line of a path (for messages that cite another line). */
  semantic?: (data: unknown, lineAt: (path: Segment[]) => number) => PathIssue[];
}

/**
 * Parses YAML or JSON text, validates it with a compiled schema and the semantic checks, and returns the data — or
 * throws one BAD_INPUT listing every problem as `file:line field: reason`, sorted by line.
 */
export function parseYamlInput<T>(
  text: string,
  fileName: string,
  validate: ValidateFunction,
  options: YamlInputOptions = {},
): T {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const fail = (issues: InputIssue[]): never => {
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
    throw new AppError('BAD_INPUT', `${fileName}: ${count}`, { issues });
  };
  if (doc.errors.length > 0) {
    fail(
      doc.errors.map((error) => ({
        file: fileName,
        line: lineCounter.linePos(error.pos[0]).line,
        field: '',
        reason: error.message,
      })),
    );
  }
  if (doc.contents === null) fail([{ file: fileName, line: 1, field: '', reason: 'file is empty' }]);

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    fail([
      { file: fileName, line: 1, field: '', reason: error instanceof Error ? error.message : String(error) },
    ]);
  }
  const lineAt = (path: Segment[]) => lineOf(doc, lineCounter, path);
  const schemaErrors = validate(data) ? [] : (validate.errors ?? []);
  const problems = [
    ...schemaIssues(schemaErrors, data, options.patternNames ?? {}),
    ...(options.semantic?.(data, lineAt) ?? []),
  ];
  if (problems.length > 0) {
    fail(
      problems.map(({ path, reason }) => ({
        file: fileName,
        line: lineAt(path),
        field: fieldName(path),
        reason,
      })),
    );
  }
  return data as T;
}

/** Renders a path as `meters[12].unit`. */
export function fieldName(path: readonly Segment[]): string {
  let field = '';
  for (const segment of path) {
    if (typeof segment === 'number') field += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) field += field === '' ? segment : `.${segment}`;
    else field += `[${JSON.stringify(segment)}]`;
  }
  return field;
}

/** Line (1-based) of the node at `path`, or of its nearest existing ancestor; map entries point at their key. */
function lineOf(doc: Document, lineCounter: LineCounter, path: readonly Segment[]): number {
  let node: unknown = doc.contents;
  let offset = isMap(node) || isSeq(node) || isScalar(node) ? (node.range?.[0] ?? 0) : 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === segment);
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!(isMap(item) || isSeq(item) || isScalar(item))) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else break;
  }
  return lineCounter.linePos(offset).line;
}

/** Splits a JSON pointer into segments, reading numbers where the data holds an array. */
function pointerPath(pointer: string, data: unknown): Segment[] {
  const path: Segment[] = [];
  let value = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const segment: Segment = Array.isArray(value) && /^\d+$/.test(key) ? Number(key) : key;
    path.push(segment);
    value =
      isRecord(value) || Array.isArray(value) ? (value as Record<Segment, unknown>)[segment] : undefined;
  }
  return path;
}

/**
 * Turns ajv's errors into one plain reason per path and reason, collapsing a union of constants (anyOf of const) or
 * an enum into one "must be one of". `patternNames` names the patterns a person would not read (dates, ids).
 */
export function schemaIssues(
  errors: readonly ErrorObject[],
  data: unknown,
  patternNames: Record<string, string> = {},
): PathIssue[] {
  const unionPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const issues: PathIssue[] = [];
  const seen = new Set<string>();
  const push = (issue: PathIssue) => {
    const key = `${fieldName(issue.path)}|${issue.reason}`;
    if (!seen.has(key)) issues.push(issue);
    seen.add(key);
  };
  for (const error of errors) {
    if (unionPaths.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const path = pointerPath(error.instancePath, data);
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required':
        push({ path: [...path, String(params.missingProperty)], reason: 'is required' });
        continue;
      case 'additionalProperties':
        push({
          path: [...path, String(params.additionalProperty)],
          reason: `unknown field "${String(params.additionalProperty)}"`,
        });
        continue;
    }
    push({ path, reason: schemaReason(error, params, patternNames) });
  }
  return issues;
}

function schemaReason(
  error: ErrorObject,
  params: Record<string, unknown>,
  patternNames: Record<string, string>,
): string {
  switch (error.keyword) {
    case 'anyOf': {
      const branches = arrayOf(error.schema);
      const values = branches.map((branch) => (isRecord(branch) ? branch.const : undefined));
      return values.every((value) => value !== undefined)
        ? `must be one of: ${values.map(String).join(', ')}`
        : 'does not match any allowed form';
    }
    case 'enum':
      return `must be one of: ${arrayOf(params.allowedValues).map(String).join(', ')}`;
    case 'type':
      return `must be ${withArticle(arrayOf(params.type).length ? arrayOf(params.type).join(' or ') : String(params.type))}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'minLength':
      return params.limit === 1
        ? 'must not be empty'
        : `must have at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `must have at most ${String(params.limit)} characters`;
    case 'minimum':
      return `must be ≥ ${String(params.limit)}`;
    case 'minItems':
      return `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    case 'pattern':
      return patternNames[String(params.pattern)] ?? `must match ${String(params.pattern)}`;
    default:
      return error.message ?? 'is invalid';
  }
}
