/**
 * The park definition file (YAML or JSON): parsing with every problem reported at its line, and export back to YAML.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { stringify } from 'yaml';
import { parseYamlInput, type PathIssue, type Segment } from '../../lib/yaml-input.ts';
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

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const arrayOf = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const stringAt = (record: Json, key: string): string | undefined => {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
};
const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  (values as readonly unknown[]).includes(value);

// ---- schema errors -----------------------------------------------------------------------------------------------

let validator: ValidateFunction | undefined;

const ID_PATTERN = (ParkSchema.properties.id as { pattern?: string }).pattern;
const ID_REASON = "must be an id: letters, digits, '.', '_' or '-', starting with a letter or digit";

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
function semanticIssues(data: unknown, lineAt: (path: Segment[]) => number): PathIssue[] {
  const issues: PathIssue[] = [];
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
  validator ??= new Ajv({ allErrors: true, verbose: true }).compile(ParkDefinitionSchema);
  return parseYamlInput<ParkDefinition>(text, fileName, validator, {
    patternNames: ID_PATTERN ? { [ID_PATTERN]: ID_REASON } : {},
    semantic: semanticIssues,
  });
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
