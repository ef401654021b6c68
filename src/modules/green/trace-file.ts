/**
 * The JSON files `lingtan trace` reads — a network snapshot, an array of hourly snapshots, or a zone model — checked
 * against one TypeBox schema each and then for what a schema cannot say (known buses, balance at every bus). Every
 * problem names the file, the JSON path (`lines[3].toMw`) and the reason. Also writes a traced series as the hourly
 * grid green share CSV that the matching reads. Pure: text in, values out.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import Type, { type Static } from 'typebox';
import { AppError, type InputIssue } from '../../lib/errors.ts';
import { renderCsv } from '../../lib/format.ts';
import { fieldName, schemaIssues, type PathIssue } from '../../lib/yaml-input.ts';
import type { SeriesPoint } from './trace-types.ts';
import { checkSnapshot, GRID_TECHNOLOGIES, type GridSnapshot } from './trace.ts';
import { checkZoneHour, type ZoneYearInput } from './trace-zones.ts';

const Id = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'an id, 1–64 characters',
});
const Mw = Type.Number({ minimum: 0 });
const INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$';
const Instant = Type.String({
  pattern: INSTANT_PATTERN,
  description: 'ISO 8601 instant with offset, e.g. 2025-07-01T12:00:00+08:00',
});
const Technology = Type.Enum(GRID_TECHNOLOGIES);
const Note = Type.Optional(Type.String());

const BusSchema = Type.Object(
  { id: Id, name: Note, zone: Type.Optional(Id) },
  { additionalProperties: false },
);
const GeneratorSchema = Type.Object(
  { id: Id, name: Note, bus: Id, technology: Technology, mw: Mw },
  { additionalProperties: false },
);
const LoadSchema = Type.Object({ id: Id, name: Note, bus: Id, mw: Mw }, { additionalProperties: false });
const LineSchema = Type.Object(
  {
    id: Id,
    name: Note,
    from: Id,
    to: Id,
    fromMw: Type.Number({ description: 'power entering the line at `from`, MW (negative: runs to → from)' }),
    toMw: Type.Number({ description: 'power leaving the line at `to`, MW (negative: runs to → from)' }),
  },
  { additionalProperties: false },
);
const snapshotFields = {
  title: Note,
  note: Note,
  buses: Type.Array(BusSchema, { minItems: 1 }),
  generators: Type.Array(GeneratorSchema),
  loads: Type.Array(LoadSchema),
  lines: Type.Array(LineSchema),
};

/** A network snapshot file: buses, generators, loads and lines with flows at both ends. */
export const SnapshotFileSchema = Type.Object(
  { at: Type.Optional(Instant), ...snapshotFields },
  { additionalProperties: false },
);
/** A series file: an array of snapshots, each with its instant. */
export const SeriesFileSchema = Type.Array(
  Type.Object({ at: Instant, ...snapshotFields }, { additionalProperties: false }),
  { minItems: 1 },
);
/** A zone model file: zones, and per hour each zone's generation by technology and load, and the exchanges. */
export const ZoneFileSchema = Type.Object(
  {
    title: Note,
    note: Note,
    zones: Type.Array(Type.Object({ id: Id, name: Note }, { additionalProperties: false }), { minItems: 1 }),
    hours: Type.Array(
      Type.Object(
        {
          at: Instant,
          zones: Type.Record(
            Type.String(),
            Type.Object(
              { generationMw: Type.Record(Type.String(), Mw), loadMw: Mw },
              { additionalProperties: false },
            ),
          ),
          exchanges: Type.Optional(
            Type.Array(Type.Object({ from: Id, to: Id, mw: Mw }, { additionalProperties: false })),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type SnapshotFile = Static<typeof SnapshotFileSchema>;
export type ZoneFile = Static<typeof ZoneFileSchema>;

/** What a trace file holds, once checked. */
export type TraceInput =
  | { kind: 'snapshot'; snapshot: GridSnapshot }
  | { kind: 'series'; snapshots: GridSnapshot[] }
  | { kind: 'zones'; model: ZoneYearInput };

export interface TraceFileOptions {
  /** Balance tolerance at a bus, MW (see TraceOptions.toleranceMw). */
  toleranceMw?: number;
}

/** At most this many problems are listed; a file of 8,760 snapshots could otherwise produce millions. */
const MAX_ISSUES = 50;

const validators = new Map<string, ValidateFunction>();
function validatorFor(kind: TraceInput['kind']): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    const schema =
      kind === 'snapshot' ? SnapshotFileSchema : kind === 'series' ? SeriesFileSchema : ZoneFileSchema;
    v = new Ajv({ allErrors: true }).compile(schema);
    validators.set(kind, v);
  }
  return v;
}

/**
 * Parses and checks a trace file: a snapshot (an object with `buses`), a series (an array of snapshots, instants
 * strictly increasing) or a zone model (an object with `zones` and `hours`). Throws one BAD_INPUT listing every
 * problem as `file path: reason`.
 */
export function parseTraceFile(text: string, file: string, options: TraceFileOptions = {}): TraceInput {
  const fail = (issues: PathIssue[]): never => {
    const shown: InputIssue[] = issues
      .slice(0, MAX_ISSUES)
      .map((i) => ({ file, field: fieldName(i.path), reason: i.reason }));
    if (issues.length > MAX_ISSUES)
      shown.push({ file, reason: `… and ${issues.length - MAX_ISSUES} more problems` });
    throw new AppError('BAD_INPUT', `${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}`, {
      issues: shown,
    });
  };
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new AppError('BAD_INPUT', `${file}: not valid JSON`, {
      cause: error,
      issues: [{ file, ...jsonErrorPosition(text, error) }],
    });
  }
  const kind: TraceInput['kind'] | undefined = Array.isArray(data)
    ? 'series'
    : isRecord(data) && 'hours' in data
      ? 'zones'
      : isRecord(data) && 'buses' in data
        ? 'snapshot'
        : undefined;
  if (kind === undefined)
    return fail([
      {
        path: [],
        reason:
          'expected a network snapshot (an object with buses, generators, loads and lines), an array of ' +
          'snapshots, or a zone model (an object with zones and hours)',
      },
    ]);
  const validate = validatorFor(kind);
  if (!validate(data))
    return fail(
      schemaIssues(validate.errors ?? [], data, {
        [INSTANT_PATTERN]: 'must be an ISO 8601 instant with offset, e.g. 2025-07-01T12:00:00+08:00',
      }),
    );
  switch (kind) {
    case 'snapshot': {
      const snapshot = data as GridSnapshot;
      const issues = checkSnapshot(snapshot, options);
      if (issues.length > 0) fail(issues);
      return { kind, snapshot };
    }
    case 'series': {
      const snapshots = data as GridSnapshot[];
      const issues: PathIssue[] = [];
      let previous = -Infinity;
      snapshots.forEach((s, i) => {
        const atMs = Date.parse(s.at!);
        if (Number.isNaN(atMs)) issues.push({ path: [i, 'at'], reason: `"${s.at}" is not a valid instant` });
        else if (atMs <= previous)
          issues.push({ path: [i, 'at'], reason: `"${s.at}" is not after the previous snapshot's instant` });
        else previous = atMs;
        if (issues.length < MAX_ISSUES)
          for (const issue of checkSnapshot(s, options))
            issues.push({ path: [i, ...issue.path], reason: issue.reason });
      });
      if (issues.length > 0) fail(issues);
      return { kind, snapshots };
    }
    case 'zones': {
      const file = data as ZoneFile;
      const model: ZoneYearInput = {
        ...(file.title !== undefined ? { title: file.title } : {}),
        ...(file.note !== undefined ? { note: file.note } : {}),
        zones: file.zones,
        hours: file.hours.map((h) => ({ at: h.at, zones: h.zones, exchanges: h.exchanges ?? [] })),
      };
      const issues = zoneModelIssues(model);
      if (issues.length > 0) fail(issues);
      return { kind, model };
    }
  }
}

/** Problems of a zone model a schema cannot see: duplicate zones, unknown technologies, hours out of order. */
function zoneModelIssues(model: ZoneYearInput): PathIssue[] {
  const issues: PathIssue[] = [];
  const ids = new Map<string, number>();
  model.zones.forEach((z, i) => {
    const earlier = ids.get(z.id);
    if (earlier !== undefined)
      issues.push({ path: ['zones', i, 'id'], reason: `"${z.id}" is already zones[${earlier}]` });
    else ids.set(z.id, i);
  });
  const technologies = new Set<string>(GRID_TECHNOLOGIES);
  const zoneIds = [...ids.keys()];
  let previous = -Infinity;
  for (let h = 0; h < model.hours.length && issues.length < MAX_ISSUES; h++) {
    const hour = model.hours[h]!;
    const atMs = Date.parse(hour.at);
    if (Number.isNaN(atMs))
      issues.push({ path: ['hours', h, 'at'], reason: `"${hour.at}" is not a valid instant` });
    else if (atMs <= previous)
      issues.push({
        path: ['hours', h, 'at'],
        reason: `"${hour.at}" is not after the previous hour's instant`,
      });
    else previous = atMs;
    for (const [zone, values] of Object.entries(hour.zones))
      for (const tech of Object.keys(values.generationMw))
        if (!technologies.has(tech))
          issues.push({
            path: ['hours', h, 'zones', zone, 'generationMw', tech],
            reason: `unknown technology "${tech}"; technologies are ${GRID_TECHNOLOGIES.join(', ')}`,
          });
    for (const issue of checkZoneHour(hour, zoneIds))
      issues.push({ path: ['hours', h, ...issue.path], reason: issue.reason });
  }
  return issues;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Line and column of a JSON syntax error, from the position V8 reports. */
function jsonErrorPosition(text: string, error: unknown): { line?: number; column?: number; reason: string } {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (!position) return { reason: message };
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  return { line, column: before.length - before.lastIndexOf('\n'), reason: message };
}

/** Columns of the hourly green share CSV: what the green module's grid share reader requires. */
export const GREEN_SHARE_CSV_HEADER = ['at', 'green_share'] as const;

/**
 * A traced series as the grid's hourly green share (`at,green_share`: the instant as given, with its offset, and a
 * share in 0..1 with six decimals). Points where nothing was traced (no supply) are left out.
 */
export function greenShareCsv(points: readonly SeriesPoint[]): string {
  return renderCsv(
    GREEN_SHARE_CSV_HEADER,
    points.filter((p) => p.greenShare !== null).map((p) => [p.at, p.greenShare!.toFixed(6)]),
  );
}
