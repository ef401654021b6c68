/**
 * Profiles given in scenario files (load, PV, wind output, wind speeds, actual load and PV): CSV files read when a
 * scenario is saved and stored inline with it, so that a saved scenario runs later without its files; and the inline
 * profiles turned into series over a plan's or a sizing's steps. Pure apart from the `readFile` the caller passes.
 */
import { AppError } from '../../lib/errors.ts';
import { formatLocal, parseTimestamp } from '../../lib/time.ts';
import { fieldName, type Segment } from '../../lib/yaml-input.ts';
import { parseProfileCsv, resample } from './profiles.ts';
import type { OutputProfileData, ProfileData, ScenarioFile } from './scenario-file.ts';
import type { Profile } from './types.ts';

type Stored = ProfileData & { ratedKw?: number };

/** What a profile of a scenario file holds. */
type Quantity = 'power' | 'wind_speed';

/** The profiles of a scenario file: where each sits and what it holds. */
function profilesOf(spec: ScenarioFile): { path: Segment[]; data: Stored; quantity: Quantity }[] {
  const out: { path: Segment[]; data: Stored; quantity: Quantity }[] = [];
  if (spec.load.source === 'csv') out.push({ path: ['load'], data: spec.load, quantity: 'power' });
  if (spec.pv?.profile) out.push({ path: ['pv', 'profile'], data: spec.pv.profile, quantity: 'power' });
  if (spec.wind?.profile) out.push({ path: ['wind', 'profile'], data: spec.wind.profile, quantity: 'power' });
  if (spec.wind?.speed) out.push({ path: ['wind', 'speed'], data: spec.wind.speed, quantity: 'wind_speed' });
  if (spec.kind === 'dispatch' && spec.actual) {
    if (spec.actual.load) out.push({ path: ['actual', 'load'], data: spec.actual.load, quantity: 'power' });
    if (spec.actual.pv) out.push({ path: ['actual', 'pv'], data: spec.actual.pv, quantity: 'power' });
  }
  return out;
}

function at(spec: unknown, path: readonly Segment[]): Stored | undefined {
  let node = spec;
  for (const s of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<Segment, unknown>)[s];
  }
  return typeof node === 'object' && node !== null ? node : undefined;
}

/** How `embedProfileFiles` finds files. */
export interface EmbedContext {
  /** The scenario file's name, for messages. */
  fileName: string;
  timeZone: string;
  /** Reads a file named in the scenario (relative to it); absent where no file may be read (the HTTP API). */
  readFile?: (name: string) => string;
  /** The version saved before: a profile read from the same file then is kept when no file can be read now. */
  previous?: ScenarioFile;
}

/**
 * The scenario with every profile file read and stored inline (`start`, `stepMinutes`, `values`; `file` stays as the
 * profile's provenance). Without `readFile`, a file is taken from the previous version when it named the same file,
 * and is an error otherwise. CSV problems are reported by the CSV's name, line and column.
 */
export function embedProfileFiles(spec: ScenarioFile, ctx: EmbedContext): ScenarioFile {
  const out = structuredClone(spec);
  for (const { path, data, quantity } of profilesOf(out)) {
    if (data.file === undefined) continue;
    const field = fieldName([...path, 'file']);
    if (!ctx.readFile) {
      const before = ctx.previous ? at(ctx.previous, path) : undefined;
      if (before?.file === data.file && before.values && before.start && before.stepMinutes) {
        Object.assign(data, { start: before.start, stepMinutes: before.stepMinutes, values: before.values });
        continue;
      }
      if (data.values && data.start && data.stepMinutes) continue;
      throw new AppError(
        'BAD_INPUT',
        `${ctx.fileName}: ${field}: "${data.file}" cannot be read here: save the scenario from the CLI (which reads ` +
          'files beside it), or give the values inline',
        { issues: [{ file: ctx.fileName, field, reason: `cannot read "${data.file}" here` }] },
      );
    }
    let text: string;
    try {
      text = ctx.readFile(data.file);
    } catch (error) {
      const reason = `cannot read "${data.file}": ${error instanceof Error ? error.message : String(error)}`;
      throw new AppError('BAD_INPUT', `${ctx.fileName}: ${field}: ${reason}`, {
        issues: [{ file: ctx.fileName, field, reason }],
      });
    }
    const profile = parseProfileCsv(text, data.file, ctx.timeZone, { quantity });
    Object.assign(data, {
      start: formatLocal(profile.startMs, ctx.timeZone),
      stepMinutes: profile.stepMinutes,
      values: profile.valuesKw,
    });
  }
  return out;
}

/**
 * A profile of a scenario file as a series over [fromMs, fromMs + steps × stepMinutes): resampled to the step, per
 * kW when it is an output profile with `ratedKw`. An error names the field when the profile does not cover the span.
 */
export function profileSeries(
  data: ProfileData | OutputProfileData,
  path: readonly Segment[],
  timeZone: string,
  span: { fromMs: number; steps: number; stepMinutes: 15 | 60 },
  options: { perKw?: boolean } = {},
): number[] {
  const profile = profileOf(data, path, timeZone, options.perKw ?? false);
  return slice(resample(profile, span.stepMinutes), path, timeZone, span);
}

/** The stored profile as a `Profile` (values divided by `ratedKw` when given). */
export function profileOf(
  data: ProfileData | OutputProfileData,
  path: readonly Segment[],
  timeZone: string,
  perKw: boolean,
): Profile {
  const field = fieldName(path);
  const bad = (reason: string) =>
    new AppError('BAD_INPUT', `${field}: ${reason}`, { issues: [{ field, reason }] });
  if (!data.values || data.start === undefined || data.stepMinutes === undefined)
    throw bad('the profile has no values (it was never read from its file)');
  const start = parseTimestamp(data.start, timeZone);
  if (!start.ok) throw bad(`start: ${start.reason}`);
  const rated = 'ratedKw' in data && data.ratedKw !== undefined ? data.ratedKw : 1;
  return {
    startMs: start.atMs,
    stepMinutes: data.stepMinutes,
    valuesKw: rated === 1 ? [...data.values] : data.values.map((v) => v / rated),
    perKw,
    source: data.file ? `csv:${data.file}` : 'inline',
  };
}

/** The part of a profile over a span, which it must cover. */
export function slice(
  profile: Profile,
  path: readonly Segment[],
  timeZone: string,
  span: { fromMs: number; steps: number; stepMinutes: 15 | 60 },
): number[] {
  const stepMs = span.stepMinutes * 60_000;
  const offset = (span.fromMs - profile.startMs) / stepMs;
  const endMs = profile.startMs + profile.valuesKw.length * stepMs;
  if (!Number.isInteger(offset) || offset < 0 || offset + span.steps > profile.valuesKw.length) {
    const field = fieldName(path);
    const reason =
      `the profile covers ${formatLocal(profile.startMs, timeZone)} to ${formatLocal(endMs, timeZone)}` +
      ` in ${profile.stepMinutes}-minute steps; the scenario needs ${formatLocal(span.fromMs, timeZone)} to ` +
      `${formatLocal(span.fromMs + span.steps * stepMs, timeZone)}`;
    throw new AppError('BAD_INPUT', `${field}: ${reason}`, { issues: [{ field, reason }] });
  }
  return profile.valuesKw.slice(offset, offset + span.steps);
}
