/**
 * The park definition file (YAML or JSON): parsing with every problem reported at its line, and export back to YAML.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Document } from 'yaml';
import { AppError, type InputIssue } from '../../lib/errors.ts';
import { isValidTimeZone, parseDateOrInstant } from '../../lib/time.ts';
import { CARRIERS, READING_KINDS, unitProblem, type Carrier, type ReadingKind } from '../../lib/units.ts';
import {
  METER_ROLES,
  ParkDefinitionSchema,
  ParkSchema,
  TECHNOLOGIES,
  type ParkDefinition,
} from './park-model.ts';

type Json = Record<string, unknown>;
type Segment = string | number;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const arrayOf = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const stringAt = (record: Json, key: string): string | undefined => {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
};
const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  (values as readonly unknown[]).includes(value);

/** Renders a path as `meters[12].unit`. */
function fieldName(path: readonly Segment[]): string {
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

// ---- schema errors -----------------------------------------------------------------------------------------------

let validator: ValidateFunction | undefined;
const validate = (value: unknown) => {
  validator ??= new Ajv({ allErrors: true, verbose: true }).compile(ParkDefinitionSchema);
  return validator(value) ? [] : (validator.errors ?? []);
};

const ID_PATTERN = (ParkSchema.properties.id as { pattern?: string }).pattern;
const withArticle = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

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

/** Turns ajv's errors into one plain reason each, collapsing a union of constants (anyOf of const) or an enum into one "must be one of". */
function schemaIssues(errors: readonly ErrorObject[], data: unknown): { path: Segment[]; reason: string }[] {
  const unionPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const issues: { path: Segment[]; reason: string }[] = [];
  for (const error of errors) {
    if (unionPaths.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const path = pointerPath(error.instancePath, data);
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required':
        issues.push({ path: [...path, String(params.missingProperty)], reason: 'is required' });
        continue;
      case 'additionalProperties':
        issues.push({
          path: [...path, String(params.additionalProperty)],
          reason: `unknown field "${String(params.additionalProperty)}"`,
        });
        continue;
    }
    issues.push({ path, reason: schemaReason(error, params) });
  }
  return issues;
}

function schemaReason(error: ErrorObject, params: Record<string, unknown>): string {
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
    case 'pattern':
      return params.pattern === ID_PATTERN
        ? "must be an id: letters, digits, '.', '_' or '-', starting with a letter or digit"
        : `must match ${String(params.pattern)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

// ---- semantic checks ---------------------------------------------------------------------------------------------

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_SHAPE = /^[0-9A-HJ-NP-RTUW-Y]{18}$/;

/** Check character a USCC with these first 17 characters must end with (GB 32100-2015 §5). */
function usccCheckCharacter(code: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(code.charAt(i)) * (USCC_WEIGHTS[i] ?? 0);
  return USCC_CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** Validates a unified social credit code (GB 32100-2015: 18 chars from 0-9 A-H J-N P-R T-U W-Y, check character by the weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28 mod 31). */
export function isValidUscc(code: string): boolean {
  return USCC_SHAPE.test(code) && usccCheckCharacter(code) === code.charAt(17);
}

const INDUSTRY_CODE = /^[A-T](\d{2}|\d{3}|\d{4})?$/;
const GREEN_ROLES: readonly string[] = ['generation', 'direct_green_supply'];

/** Checks what the schema cannot: ids, references, the meter tree, units, dates and codes. Tolerates invalid shapes. */
function semanticIssues(
  data: unknown,
  lineAt: (path: Segment[]) => number,
): { path: Segment[]; reason: string }[] {
  const issues: { path: Segment[]; reason: string }[] = [];
  const add = (path: Segment[], reason: string) => issues.push({ path, reason });
  const root = isRecord(data) ? data : {};
  const park = isRecord(root.park) ? root.park : {};
  const organisations = arrayOf(root.organisations);
  const sites = arrayOf(root.sites);
  const meters = arrayOf(root.meters);

  const timeZone = stringAt(park, 'timezone');
  const timeZoneValid = timeZone !== undefined && isValidTimeZone(timeZone);
  if (timeZone && !timeZoneValid) {
    add(['park', 'timezone'], `unknown time zone "${timeZone}"; use an IANA name such as Asia/Shanghai`);
  }
  const dateZone = timeZoneValid ? timeZone : 'UTC'; // still catches malformed dates when the zone is wrong

  /** Index of the first item with each id; reports later duplicates. */
  const indexIds = (section: string, list: readonly unknown[], noun: string) => {
    const firstIndex = new Map<string, number>();
    list.forEach((item, index) => {
      const id = isRecord(item) ? stringAt(item, 'id') : undefined;
      if (id === undefined) return;
      const first = firstIndex.get(id);
      if (first === undefined) firstIndex.set(id, index);
      else
        add(
          [section, index, 'id'],
          `duplicate ${noun} id "${id}" (first at line ${lineAt([section, first, 'id'])})`,
        );
    });
    return firstIndex;
  };
  const organisationIds = indexIds('organisations', organisations, 'organisation');
  const siteIds = indexIds('sites', sites, 'site');
  const meterIds = indexIds('meters', meters, 'meter');

  const checkReference = (
    path: Segment[],
    id: string | undefined,
    ids: Map<string, number>,
    noun: string,
  ) => {
    if (id !== undefined && id !== '' && !ids.has(id)) add(path, `unknown ${noun} "${id}"`);
  };
  const parseDate = (path: Segment[], value: unknown): number | undefined => {
    if (typeof value !== 'string' || value.length < 10) return undefined; // the schema reports these
    const parsed = parseDateOrInstant(value, dateZone);
    if (parsed.ok) return parsed.atMs;
    add(path, parsed.reason);
    return undefined;
  };

  organisations.forEach((item, index) => {
    if (!isRecord(item)) return;
    const uscc = stringAt(item, 'uscc');
    if (uscc !== undefined && !isValidUscc(uscc)) {
      add(
        ['organisations', index, 'uscc'],
        USCC_SHAPE.test(uscc)
          ? `check character of unified social credit code "${uscc}" should be "${usccCheckCharacter(uscc)}"`
          : 'must be a unified social credit code: 18 characters of 0-9 and A-Z except I, O, S, V, Z',
      );
    }
    const industryCode = stringAt(item, 'industryCode');
    if (industryCode !== undefined && !INDUSTRY_CODE.test(industryCode)) {
      add(
        ['organisations', index, 'industryCode'],
        'must be a GB/T 4754-2017 code: a section letter A–T, optionally followed by 2–4 digits (e.g. C3216)',
      );
    }
  });

  sites.forEach((item, index) => {
    if (isRecord(item)) {
      checkReference(
        ['sites', index, 'organisation'],
        stringAt(item, 'organisation'),
        organisationIds,
        'organisation',
      );
    }
  });

  const parentOf = new Map<string, string>();
  meters.forEach((item, index) => {
    if (!isRecord(item)) return;
    const at = (...rest: Segment[]): Segment[] => ['meters', index, ...rest];
    const { carrier, role, readingKind, unit, technology } = item;
    checkReference(at('organisation'), stringAt(item, 'organisation'), organisationIds, 'organisation');
    checkReference(at('site'), stringAt(item, 'site'), siteIds, 'site');

    const id = stringAt(item, 'id');
    const parent = stringAt(item, 'parent');
    const parentIndex = parent === undefined ? undefined : meterIds.get(parent);
    checkReference(at('parent'), parent, meterIds, 'parent meter');
    const parentItem: unknown = parentIndex === undefined ? undefined : meters[parentIndex];
    if (id !== undefined && parent !== undefined && parentIndex !== undefined && meterIds.get(id) === index) {
      parentOf.set(id, parent);
      const parentCarrier = isRecord(parentItem) ? parentItem.carrier : undefined;
      if (isOneOf(CARRIERS, carrier) && isOneOf(CARRIERS, parentCarrier) && parentCarrier !== carrier) {
        add(
          at('parent'),
          `parent meter "${parent}" measures ${parentCarrier}, not ${carrier}; a parent must measure the same carrier`,
        );
      }
    }

    if (
      isOneOf<Carrier>(CARRIERS, carrier) &&
      isOneOf<ReadingKind>(READING_KINDS, readingKind) &&
      typeof unit === 'string' &&
      unit !== ''
    ) {
      const problem = unitProblem(carrier, readingKind, unit);
      if (problem !== undefined) add(at('unit'), problem);
    }

    if (isOneOf(METER_ROLES, role)) {
      if (GREEN_ROLES.includes(role) && technology === undefined) {
        add(at('technology'), `is required for a ${role} meter (one of: ${TECHNOLOGIES.join(', ')})`);
      } else if (!GREEN_ROLES.includes(role) && technology !== undefined) {
        add(
          at('technology'),
          `only generation and direct_green_supply meters have a technology, not a ${role} meter`,
        );
      }
    }

    if (item.internalTransfer === true && role !== 'import' && role !== 'export') {
      add(
        at('internalTransfer'),
        `only import and export meters can be internal transfers, not a ${String(role)} meter`,
      );
    }

    if (isOneOf(READING_KINDS, readingKind) && readingKind !== 'cumulative') {
      if (item.rolloverAt !== undefined) {
        add(at('rolloverAt'), `only cumulative meters roll over; this meter's readings are ${readingKind}`);
      }
      if (item.replacements !== undefined) {
        add(
          at('replacements'),
          `only cumulative meters record replacements; this meter's readings are ${readingKind}`,
        );
      }
    }

    const installedAtMs = parseDate(at('installedAt'), item.installedAt);
    const removedAtMs = parseDate(at('removedAt'), item.removedAt);
    if (installedAtMs !== undefined && removedAtMs !== undefined && removedAtMs <= installedAtMs) {
      add(at('removedAt'), `must be after installedAt (${String(item.installedAt)})`);
    }
    arrayOf(item.replacements).forEach((replacement, j) => {
      if (isRecord(replacement)) parseDate(at('replacements', j, 'at'), replacement.at);
    });
  });

  // Each walk up the parent chain stops at a meter already walked, so every cycle is found once.
  const walked = new Set<string>();
  for (const start of meterIds.keys()) {
    const chain: string[] = [];
    for (let id: string | undefined = start; id !== undefined && !walked.has(id); id = parentOf.get(id)) {
      const seenAt = chain.indexOf(id);
      if (seenAt >= 0) {
        const cycle = chain.slice(seenAt);
        const first = cycle.reduce((a, b) => ((meterIds.get(a) ?? 0) <= (meterIds.get(b) ?? 0) ? a : b));
        const rotated = [
          ...cycle.slice(cycle.indexOf(first)),
          ...cycle.slice(0, cycle.indexOf(first)),
          first,
        ];
        add(
          ['meters', meterIds.get(first) ?? 0, 'parent'],
          cycle.length === 1
            ? 'a meter cannot be its own parent'
            : `parent chain forms a cycle: ${rotated.join(' → ')}`,
        );
        break;
      }
      chain.push(id);
    }
    for (const id of chain) walked.add(id);
  }
  return issues;
}

// ---- the file ----------------------------------------------------------------------------------------------------

/** Parses and validates a park definition file (YAML or JSON text). Throws AppError('BAD_INPUT', ..., { issues }) listing EVERY problem, each issue with file, line (1-based), field (a JSON path like meters[12].unit) and reason. */
export function parseParkDefinition(text: string, fileName: string): ParkDefinition {
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
  const problems = [...schemaIssues(validate(data), data), ...semanticIssues(data, lineAt)];
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
  return data as ParkDefinition;
}

/** Copies `value` with object keys in the schema's property order (unknown keys last) and undefined fields dropped. */
function inSchemaOrder(value: unknown, schema: unknown): unknown {
  const schemaRecord = isRecord(schema) ? schema : {};
  if (Array.isArray(value)) return value.map((item) => inSchemaOrder(item, schemaRecord.items));
  if (!isRecord(value)) return value;
  const properties = isRecord(schemaRecord.properties) ? schemaRecord.properties : {};
  const keys = [
    ...Object.keys(properties),
    ...Object.keys(value).filter((key) => !Object.hasOwn(properties, key)),
  ];
  const ordered: Json = {};
  for (const key of keys) {
    if (value[key] !== undefined) ordered[key] = inSchemaOrder(value[key], properties[key]);
  }
  return ordered;
}

/** Serialises a definition to YAML (stable key order: version, park, organisations, sites, meters; omit undefined fields), such that parseParkDefinition(exportParkDefinition(d)) deep-equals d. */
export function exportParkDefinition(def: ParkDefinition): string {
  return stringify(inSchemaOrder(def, ParkDefinitionSchema), { lineWidth: 0 });
}
