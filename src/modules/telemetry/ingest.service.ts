/**
 * The one ingestion pipeline: validate → store raw readings idempotently (revisions kept) → derive interval
 * quantities → add the changed slot shares to the rollup buckets they touch. CSV import, the library API and (later) HTTP and MQTT all enter here.
 */
import type pg from 'pg';
import { inTransaction } from '../../db/copy.ts';
import { AppError } from '../../lib/errors.ts';
import { convertAmount } from '../../lib/units.ts';
import { parseTimestamp } from '../../lib/time.ts';
import {
  getPark,
  listMetersById,
  parkSnapshot,
  type MeterRow,
  type ParkSnapshot,
} from '../registry/index.ts';
import {
  deriveReading,
  FLAG,
  slotShares,
  type Derived,
  type MeterDerivation,
  type SlotShare,
} from './derive.ts';
import * as repo from './readings.repo.ts';
import type { RejectedRow, RevisionRow, RollupDelta, SplitRow, StoredReading } from './readings.repo.ts';
import { addAmounts } from './amounts.ts';
import { createBucketer, type Bucketer } from './buckets.ts';

/** A reading as it arrives: from a CSV row (strings), a JSON body or an MQTT payload. */
export interface ReadingRecord {
  meter: string;
  at: string;
  value: string | number;
  unit?: string | undefined;
  /** Line in the source file, for error messages. */
  line?: number | undefined;
  /** The record as received, kept with a rejection. */
  raw?: string | undefined;
  /** Set by a parser that could not read the record at all (e.g. a CSV line with too few fields). */
  malformed?: { field: string; reason: string } | undefined;
}

/** A meter as the pipeline needs it. */
export interface PipelineMeter {
  id: number;
  code: string;
  /** No longer in the park definition: its history stays, new readings are rejected. */
  archived: boolean;
  unit: string;
  derivation: MeterDerivation;
  installedAtMs: number | null;
  removedAtMs: number | null;
}

/** The park's meters, looked up by code; build once per park and reuse across batches. */
export interface ParkMeters {
  parkId: string;
  timeZone: string;
  byCode: Map<string, PipelineMeter>;
  byId: Map<number, PipelineMeter>;
  bucketer: Bucketer;
}

export function toPipelineMeter(row: MeterRow): PipelineMeter {
  const s = row.spec;
  return {
    id: row.id,
    code: row.code,
    archived: row.archived,
    unit: s.unit,
    installedAtMs: row.installedAtMs,
    removedAtMs: row.removedAtMs,
    derivation: {
      readingKind: s.readingKind,
      multiplier: s.multiplier ?? 1,
      intervalMinutes: s.intervalMinutes ?? 15,
      intervalStamp: s.intervalStamp ?? 'end',
      capacity: s.capacity,
      rolloverAt: s.rolloverAt,
      replacements: row.replacements,
    },
  };
}

/** The park's meters for the pipeline, at its current definition (see `parkSnapshot`). */
export async function loadParkMeters(pool: pg.Pool, parkId: string): Promise<ParkMeters> {
  return pipelineMetersOf(await parkSnapshot(pool, parkId));
}

const pipelineMeters = new WeakMap<ParkSnapshot, ParkMeters>();

/** The pipeline's view of a park definition: built once per snapshot and shared (read it, never change it). */
export function pipelineMetersOf(snapshot: ParkSnapshot): ParkMeters {
  let park = pipelineMeters.get(snapshot);
  if (!park) {
    const meters = snapshot.meters.map(toPipelineMeter);
    const timeZone = snapshot.park.timezone;
    park = {
      parkId: snapshot.park.id,
      timeZone,
      byCode: new Map(meters.map((m) => [m.code, m])),
      byId: new Map(meters.map((m) => [m.id, m])),
      bucketer: createBucketer(timeZone),
    };
    pipelineMeters.set(snapshot, park);
  }
  return park;
}

export interface ValidReading {
  meterId: number;
  atMs: number;
  value: number;
  /** The batch this reading belongs to when several batches commit together (commitBatches); else the commit's. */
  batchId?: number;
}

/** Largest value accepted from any meter: beyond it a number is corrupt, not a reading. */
export const ABSURD_VALUE = 1e15;
/** Readings stamped further than this in the future are rejected (clock errors). */
export const FUTURE_TOLERANCE_MS = 10 * 60_000;

/** Validates one record: a reading, or the reason it is rejected (with the field at fault). */
function reject(
  rec: ReadingRecord,
  field: string,
  reason: string,
  meterId: number | null = null,
): { ok: false; rejection: RejectedRow } {
  return {
    ok: false,
    rejection: {
      meterCode: rec.meter === '' ? null : rec.meter,
      meterId,
      line: rec.line ?? null,
      field,
      reason,
      // The record as sent, without the parser's own annotations (line, malformed).
      raw: rec.raw ?? JSON.stringify({ meter: rec.meter, at: rec.at, value: rec.value, unit: rec.unit }),
    },
  };
}

export function validateRecord(
  park: ParkMeters,
  rec: ReadingRecord,
  nowMs: number,
): { ok: true; reading: ValidReading } | { ok: false; rejection: RejectedRow } {
  if (rec.malformed)
    return reject(rec, rec.malformed.field, rec.malformed.reason, park.byCode.get(rec.meter)?.id ?? null);
  const meter = park.byCode.get(rec.meter);
  if (!meter)
    return reject(rec, 'meter', rec.meter === '' ? 'meter is empty' : `unknown meter "${rec.meter}"`);
  if (meter.archived) {
    return reject(
      rec,
      'meter',
      `meter "${rec.meter}" is archived (no longer in the park definition)`,
      meter.id,
    );
  }
  const at = parseTimestamp(rec.at, park.timeZone);
  if (!at.ok) return reject(rec, 'at', at.reason, meter.id);
  if (at.atMs > nowMs + FUTURE_TOLERANCE_MS)
    return reject(rec, 'at', `timestamp ${rec.at} is in the future`, meter.id);
  if (meter.installedAtMs !== null && at.atMs < meter.installedAtMs) {
    return reject(rec, 'at', `timestamp ${rec.at} is before the meter was installed`, meter.id);
  }
  if (meter.removedAtMs !== null && at.atMs > meter.removedAtMs) {
    return reject(rec, 'at', `timestamp ${rec.at} is after the meter was removed`, meter.id);
  }
  let value: number;
  if (typeof rec.value === 'number') value = rec.value;
  else {
    const text = rec.value.trim();
    value = text === '' ? NaN : Number(text);
    if (Number.isNaN(value)) return reject(rec, 'value', `value "${rec.value}" is not a number`, meter.id);
  }
  if (!Number.isFinite(value))
    return reject(rec, 'value', `value ${rec.value} is not a finite number`, meter.id);
  if (value < 0)
    return reject(
      rec,
      'value',
      `value ${value} is negative; meters report non-negative quantities`,
      meter.id,
    );
  if (value > ABSURD_VALUE) return reject(rec, 'value', `value ${value} is absurdly large`, meter.id);
  const unit = rec.unit?.trim();
  if (unit && unit !== meter.unit) {
    const converted = convertAmount(value, unit, meter.unit);
    if (converted === undefined) {
      return reject(rec, 'unit', `unit "${unit}" does not match the meter's unit "${meter.unit}"`, meter.id);
    }
    value = converted;
  }
  return { ok: true, reading: { meterId: meter.id, atMs: at.atMs, value } };
}

export interface IngestOptions {
  /** Where the batch came from: `csv`, `api`, `mqtt:<gateway>`, `demo` … */
  source: string;
  fileName?: string | undefined;
  /** The clock, for the future-timestamp check (tests pin it). */
  nowMs?: number;
  /** Runs inside the batch's transaction, before commit (e.g. to record import progress atomically). */
  beforeCommit?: (client: pg.PoolClient) => Promise<void>;
  /** Who wrote the batch: a user name, `gateway:<id>`, `cli:<os user>` … (kept on the batch row). */
  actor?: string | undefined;
}

export interface IngestResult {
  batchId: number;
  received: number;
  /** New readings stored. */
  inserted: number;
  /** Readings identical to what was stored or repeated in the batch: nothing changed. */
  unchanged: number;
  /** Readings whose stored value changed; the old value is kept in reading_revision. */
  revised: number;
  rejected: number;
  /** The first rejections, for display (all are stored). */
  rejections: RejectedRow[];
  /** Hour buckets whose rollups were recomputed. */
  touchedHours: number;
}

/** Ingests one batch in one transaction: either all of its effects are committed or none. */
export async function ingestBatch(
  pool: pg.Pool,
  park: ParkMeters,
  records: readonly ReadingRecord[],
  options: IngestOptions,
): Promise<IngestResult> {
  return commitBatch(pool, park, prepareBatch(park, records, options.nowMs ?? Date.now()), options);
}

/**
 * Ingests a stream of batches, validating each while the previous one commits (the database and the CPU work at the
 * same time). Batches commit in order, one transaction each; `onBatch` sees each result.
 */
export async function ingestStream(
  pool: pg.Pool,
  park: ParkMeters,
  batches: Iterable<readonly ReadingRecord[]> | AsyncIterable<readonly ReadingRecord[]>,
  options: IngestOptions & { onBatch?: (result: IngestResult) => void },
): Promise<void> {
  const nowMs = options.nowMs ?? Date.now();
  let pending: Promise<void> = Promise.resolve();
  for await (const records of batches) {
    const prepared = prepareBatch(park, records, nowMs);
    await pending;
    pending = commitBatch(pool, park, prepared, { ...options, nowMs }).then((r) => options.onBatch?.(r));
    pending.catch(() => undefined); // awaited on the next turn; this only keeps Node from calling it unhandled
  }
  await pending;
}

/** A batch validated and sorted, not yet stored: the CPU half of ingestion, done while the previous batch commits. */
export interface PreparedBatch {
  received: number;
  valid: ValidReading[];
  rejected: RejectedRow[];
}

/** Validates and sorts a batch (pure, no I/O). */
export function prepareBatch(
  park: ParkMeters,
  records: readonly ReadingRecord[],
  nowMs: number,
): PreparedBatch {
  const valid: ValidReading[] = [];
  const rejected: RejectedRow[] = [];
  for (const rec of records) {
    const r = validateRecord(park, rec, nowMs);
    if (r.ok) valid.push(r.reading);
    else rejected.push(r.rejection);
  }
  valid.sort((a, b) => a.meterId - b.meterId || a.atMs - b.atMs);
  return { received: records.length, valid, rejected };
}

/** Stores a prepared batch in one transaction: either all of its effects are committed or none. */
export async function commitBatch(
  pool: pg.Pool,
  park: ParkMeters,
  prepared: PreparedBatch,
  options: IngestOptions,
): Promise<IngestResult> {
  const [result] = await commitBatches(pool, park, [{ prepared, options }]);
  return result!;
}

/** One prepared batch of a group commit, with its own provenance. */
export interface BatchItem {
  prepared: PreparedBatch;
  options: IngestOptions;
}

/**
 * Stores several prepared batches of one park in ONE transaction (a group commit: MQTT messages that arrived while
 * the previous commit ran). Each keeps its own ingest_batch row, provenance and counts; later items win over earlier
 * ones for the same meter and time, as if they had been committed one after the other.
 */
export async function commitBatches(
  pool: pg.Pool,
  park: ParkMeters,
  items: readonly BatchItem[],
): Promise<IngestResult[]> {
  if (items.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const { prepared } of items) {
    for (const v of prepared.valid) {
      if (v.atMs < lo) lo = v.atMs;
      if (v.atMs > hi) hi = v.atMs;
    }
  }
  if (lo <= hi) await repo.ensurePartitions(pool, lo - 86_400_000, hi + 86_400_000);
  return inTransaction(pool, async (client) => {
    const batchIds = await repo.createBatches(
      client,
      park.parkId,
      items.map(({ options }) => options),
    );
    // Tag each reading with its batch (the prepared batches are ours to mark; a retried commit marks them again with
    // its new ids). With several batches, a stable sort keeps later ones after earlier ones at equal (meter, at).
    const valid: ValidReading[] = items.length === 1 ? items[0]!.prepared.valid : [];
    for (const [i, { prepared }] of items.entries()) {
      const batchId = batchIds[i]!;
      for (const v of prepared.valid) {
        v.batchId = batchId;
        if (items.length > 1) valid.push(v);
      }
    }
    if (items.length > 1) valid.sort((a, b) => a.meterId - b.meterId || a.atMs - b.atMs);
    const groups = groupByMeter(valid);
    await repo.lockMeters(client, [...groups.keys()]);
    const stored = await repo.loadWindows(
      client,
      [...groups].map(([meterId, rows]) => ({
        meterId,
        fromMs: rows[0]!.atMs,
        toMs: rows[rows.length - 1]!.atMs,
      })),
    );
    const storedByMeter = groupByMeter(stored);
    const writes = emptyWrites();
    for (const [meterId, incoming] of groups) {
      const meter = park.byId.get(meterId)!;
      mergeAndDerive(
        meter,
        storedByMeter.get(meterId) ?? [],
        incoming,
        incoming[0]!.atMs,
        batchIds[0]!,
        writes,
      );
    }
    await applyWrites(client, park.bucketer, writes);
    const rejectedRows: (RejectedRow & { batchId: number })[] = [];
    const finished: { batchId: number; counts: repo.BatchCounts }[] = [];
    const results: IngestResult[] = [];
    for (const [i, { prepared }] of items.entries()) {
      const batchId = batchIds[i]!;
      const c = writes.byBatch.get(batchId) ?? { inserted: 0, unchanged: 0, revised: 0 };
      for (const r of prepared.rejected) rejectedRows.push({ ...r, batchId });
      const counts = {
        received: prepared.received,
        inserted: c.inserted,
        unchanged: c.unchanged,
        revised: c.revised,
        rejected: prepared.rejected.length,
      };
      finished.push({ batchId, counts });
      results.push({
        batchId,
        ...counts,
        rejections: prepared.rejected.slice(0, 100),
        touchedHours: writes.touchedHourCount,
      });
    }
    if (rejectedRows.length > 0) await repo.insertRejected(client, park.parkId, rejectedRows);
    for (const { options } of items) await options.beforeCommit?.(client);
    // Each meter's readings are sorted by time: the last one is its latest of this commit.
    const latest = [...groups].map(([meterId, rows]) => ({ meterId, atMs: rows[rows.length - 1]!.atMs }));
    await repo.finishCommit(client, park.parkId, finished, latest);
    return results;
  });
}

/** Derives every reading of these meters again (after their settings changed) and rebuilds their rollups. */
export async function rederiveMeters(pool: pg.Pool, meterIds: readonly number[]): Promise<void> {
  const rows = await listMetersById(pool, meterIds);
  if (rows.length === 0) return;
  const park = await getPark(pool, rows[0]!.parkId);
  const bucketer = createBucketer(park.timezone);
  for (const row of rows) {
    const meter = toPipelineMeter(row);
    await inTransaction(pool, async (client) => {
      await repo.lockMeters(client, [meter.id]);
      const stored = await repo.loadWindows(client, [
        { meterId: meter.id, fromMs: -Infinity, toMs: Infinity },
      ]);
      const writes = emptyWrites();
      mergeAndDerive(meter, stored, [], -Infinity, 0, writes);
      await applyWrites(client, bucketer, writes);
      await client.query('UPDATE meter SET needs_rederive = false WHERE id = $1', [meter.id]);
      await repo.bumpDataVersion(client, [meter.id]);
    });
  }
}

/** Rebuilds the rollups of a park's meters (all, or these) from their readings, in SQL: a repair tool. */
export async function rebuildRollups(
  pool: pg.Pool,
  parkId: string,
  meterCodes?: readonly string[],
): Promise<number> {
  const park = await loadParkMeters(pool, parkId);
  const ids = meterCodes
    ? meterCodes.map((c) => {
        const m = park.byCode.get(c);
        if (!m) throw new AppError('NOT_FOUND', `no meter "${c}" in park "${parkId}"`);
        return m.id;
      })
    : [...park.byId.keys()];
  await inTransaction(pool, async (client) => {
    await repo.lockMeters(client, ids);
    await repo.rebuildRollups(client, ids, park.timeZone);
    await repo.bumpDataVersion(client, ids);
  });
  return ids.length;
}

interface Writes {
  inserts: StoredReading[];
  updates: StoredReading[];
  revisions: RevisionRow[];
  splitDeletes: { meterId: number; atMs: number }[];
  splitInserts: SplitRow[];
  /** Per meter, per slot: the change of [measured, estimated, quarantined, and their slot counts]. */
  slotDeltas: Map<number, Map<number, number[]>>;
  unchanged: number;
  revisedCount: number;
  touchedHourCount: number;
  /** Counts per incoming batch (inserted, unchanged, revised), for group commits. */
  byBatch: Map<number, { inserted: number; unchanged: number; revised: number }>;
}

function emptyWrites(): Writes {
  return {
    inserts: [],
    updates: [],
    revisions: [],
    splitDeletes: [],
    splitInserts: [],
    slotDeltas: new Map(),
    unchanged: 0,
    revisedCount: 0,
    touchedHourCount: 0,
    byBatch: new Map(),
  };
}

function countFor(writes: Writes, batchId: number): { inserted: number; unchanged: number; revised: number } {
  let c = writes.byBatch.get(batchId);
  if (!c) writes.byBatch.set(batchId, (c = { inserted: 0, unchanged: 0, revised: 0 }));
  return c;
}

/** Adds (sign 1) or removes (sign −1) a derived quantity's slot shares to the pending rollup changes. */
function contribute(writes: Writes, meterId: number, derived: Derived, sign: 1 | -1): SlotShare[] {
  const shares = slotShares(derived);
  let bySlot = writes.slotDeltas.get(meterId);
  if (!bySlot) writes.slotDeltas.set(meterId, (bySlot = new Map<number, number[]>()));
  for (const share of shares) {
    let d = bySlot.get(share.slotMs);
    if (!d) bySlot.set(share.slotMs, (d = [0, 0, 0, 0, 0, 0]));
    d[share.status]! += sign * share.quantity;
    d[3 + share.status]! += sign * share.slots;
  }
  return shares;
}

function groupByMeter<T extends { meterId: number }>(rows: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const r of rows) {
    let g = groups.get(r.meterId);
    if (!g) groups.set(r.meterId, (g = []));
    g.push(r);
  }
  return groups;
}

function sameDerived(a: StoredReading, d: Derived): boolean {
  return (
    a.flags === d.flags &&
    a.spanStartMs === d.spanStartMs &&
    a.spanEndMs === d.spanEndMs &&
    (a.quantity === d.quantity ||
      (a.quantity !== null &&
        d.quantity !== null &&
        Math.abs(a.quantity - d.quantity) <= 1e-9 * Math.max(1, Math.abs(d.quantity))))
  );
}

/**
 * Merges incoming readings (sorted by time; duplicates allowed, the last wins) into the stored ones of one meter
 * (sorted; with the nearest stored reading before and after the window) and derives every reading from `fromMs`
 * on. Appends what must be written to `writes`.
 */
interface Entry {
  atMs: number;
  stored: StoredReading | undefined;
  value: number;
  batchId: number;
  valueChanged: boolean;
}

export function mergeAndDerive(
  meter: PipelineMeter,
  stored: readonly StoredReading[],
  incoming: readonly ValidReading[],
  fromMs: number,
  batchId: number,
  writes: Writes,
): void {
  // Merge two time-ordered lists into one entry per timestamp (linear; no maps).
  const entries: Entry[] = [];
  const fromStored = (x: StoredReading): Entry => ({
    atMs: x.atMs,
    stored: x,
    value: x.value,
    batchId: x.batchId,
    valueChanged: false,
  });
  let i = 0;
  for (const r of incoming) {
    const rBatch = r.batchId ?? batchId;
    while (i < stored.length && stored[i]!.atMs < r.atMs) entries.push(fromStored(stored[i++]!));
    if (i < stored.length && stored[i]!.atMs === r.atMs) entries.push(fromStored(stored[i++]!));
    const last = entries[entries.length - 1];
    if (!last || last.atMs !== r.atMs) {
      entries.push({ atMs: r.atMs, stored: undefined, value: r.value, batchId: rBatch, valueChanged: true });
      // Counted for the batch that brought it, even if a later batch of the same commit revises it.
      countFor(writes, rBatch).inserted += 1;
    } else if (last.value === r.value) {
      writes.unchanged += 1;
      countFor(writes, rBatch).unchanged += 1;
    } else {
      // A different value for a stored timestamp: the newest wins, the old one is kept as a revision.
      writes.revisions.push({
        meterId: meter.id,
        atMs: r.atMs,
        value: last.value,
        batchId: last.batchId,
        supersededBy: rBatch,
      });
      writes.revisedCount += 1;
      countFor(writes, rBatch).revised += 1;
      last.value = r.value;
      last.batchId = rBatch;
      last.valueChanged = true;
    }
  }
  while (i < stored.length) entries.push(fromStored(stored[i++]!));

  let prev: { atMs: number; value: number } | undefined;
  for (const e of entries) {
    const atMs = e.atMs;
    const point = { atMs, value: e.value };
    if (atMs < fromMs) {
      prev = point; // context before the window: left as stored
      continue;
    }
    const revisedFlag = (e.stored?.flags ?? 0) & FLAG.REVISED;
    const d = deriveReading(meter.derivation, prev, point);
    d.flags |= revisedFlag | (e.stored && e.valueChanged ? FLAG.REVISED : 0);
    prev = point;
    const s = e.stored;
    if (s && !e.valueChanged && sameDerived(s, d)) continue;
    const row: StoredReading = {
      meterId: meter.id,
      atMs,
      value: e.value,
      batchId: e.batchId,
      quantity: d.quantity,
      flags: d.flags,
      spanStartMs: d.spanStartMs,
      spanEndMs: d.spanEndMs,
    };
    if (s) {
      writes.updates.push(row);
      if (s.flags & FLAG.SPLIT) writes.splitDeletes.push({ meterId: meter.id, atMs });
      contribute(writes, meter.id, s, -1);
    } else {
      writes.inserts.push(row);
    }
    const shares = contribute(writes, meter.id, d, 1);
    if (d.flags & FLAG.SPLIT) {
      for (const share of shares) {
        writes.splitInserts.push({
          meterId: meter.id,
          slotMs: share.slotMs,
          readingAtMs: atMs,
          quantity: share.quantity,
          slots: share.slots,
          status: share.status,
        });
      }
    }
  }
}

async function applyWrites(client: pg.PoolClient, bucketer: Bucketer, writes: Writes): Promise<void> {
  await repo.insertReadings(client, writes.inserts);
  await repo.updateReadings(client, writes.updates);
  await repo.insertRevisions(client, writes.revisions);
  await repo.deleteSplits(client, writes.splitDeletes);
  await repo.insertSplits(client, writes.splitInserts);
  const hours = rollupDeltas(writes.slotDeltas, (slotMs) => bucketer.hourStart(slotMs));
  writes.touchedHourCount = hours.length;
  const days = sumDeltas(hours, (hourMs) => bucketer.dayStart(hourMs));
  const months = sumDeltas(days, (dayMs) => bucketer.monthStart(dayMs));
  await repo.addRollupDeltas(client, 'hour', hours);
  await repo.addRollupDeltas(client, 'day', days);
  await repo.addRollupDeltas(client, 'month', months);
}

/** Slot deltas summed into buckets, dropping buckets where nothing changed. */
function rollupDeltas(
  slotDeltas: Map<number, Map<number, number[]>>,
  bucketOf: (ms: number) => number,
): RollupDelta[] {
  const out: RollupDelta[] = [];
  for (const [meterId, bySlot] of slotDeltas) {
    const byBucket = new Map<number, number[]>();
    for (const [slotMs, d] of bySlot) {
      const b = bucketOf(slotMs);
      const acc = byBucket.get(b);
      if (!acc) byBucket.set(b, [...d]);
      else for (let i = 0; i < 6; i++) acc[i]! += d[i]!;
    }
    for (const [bucketMs, d] of byBucket) {
      if (d.every((x) => x === 0)) continue;
      out.push({
        meterId,
        bucketMs,
        measured: d[0]!,
        estimated: d[1]!,
        quarantined: d[2]!,
        measuredSlots: d[3]!,
        estimatedSlots: d[4]!,
        quarantinedSlots: d[5]!,
      });
    }
  }
  return out;
}

function sumDeltas(deltas: readonly RollupDelta[], bucketOf: (ms: number) => number): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  for (const d of deltas) {
    const bucketMs = bucketOf(d.bucketMs);
    const key = `${d.meterId}:${bucketMs}`;
    const acc = byKey.get(key);
    if (!acc) byKey.set(key, { ...d, bucketMs });
    else addAmounts(acc, d);
  }
  return [...byKey.values()];
}
