/** SQL for readings, their slot splits, revisions, rejected records, batches and rollups. */
import type pg from 'pg';
import { copyBinary, copyField, copyLines, isoAt, type BinaryType } from '../../db/copy.ts';
import type { Amounts } from './amounts.ts';
import { FLAG } from './derive.ts';

type Queryable = pg.Pool | pg.PoolClient;

/** Per pool (one database and schema): the contiguous range of months whose partitions exist. */
const partitionRange = new WeakMap<pg.Pool, { fromMs: number; toMs: number }>();

function monthStartUtc(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextMonthUtc(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/**
 * Makes sure the monthly partitions of `reading` and `reading_split` cover [fromMs, toMs] and every month between
 * them and the months that already exist: partitions stay contiguous, so the slot shares of a span bridging a long
 * gap always have a partition. Runs outside any transaction; concurrent creators race harmlessly.
 */
export async function ensurePartitions(pool: pg.Pool, fromMs: number, toMs: number): Promise<void> {
  const known = partitionRange.get(pool);
  if (known && fromMs >= known.fromMs && toMs < known.toMs) return;
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
     JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     JOIN pg_namespace n ON n.oid = p.relnamespace
     WHERE p.relname = 'reading' AND n.nspname = current_schema()`,
  );
  const existing = rows
    .map((r) => /^reading_(\d{4})_(\d{2})$/.exec(r.name))
    .filter((m) => m !== null)
    .map((m) => Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  const first = Math.min(monthStartUtc(fromMs), ...existing);
  const last = Math.max(monthStartUtc(toMs), ...existing);
  const have = new Set(existing);
  for (let m = first; m <= last; m = nextMonthUtc(m)) {
    if (have.has(m)) continue;
    const d = new Date(m);
    const suffix = `${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    for (const table of ['reading', 'reading_split']) {
      try {
        await pool.query(
          `CREATE TABLE IF NOT EXISTS ${table}_${suffix} PARTITION OF ${table}
           FOR VALUES FROM ('${isoAt(m)}') TO ('${isoAt(nextMonthUtc(m))}')`,
        );
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== '42P07' && code !== '23505') throw error; // created meanwhile by another process
      }
    }
  }
  partitionRange.set(pool, { fromMs: first, toMs: nextMonthUtc(last) });
}

/** Takes per-meter transaction locks in id order, so that concurrent batches for one meter serialise. */
export async function lockMeters(client: pg.PoolClient, meterIds: readonly number[]): Promise<void> {
  await client.query(
    `SELECT count(pg_advisory_xact_lock(7301, id)) FROM (SELECT id FROM unnest($1::int[]) AS id ORDER BY id) s`,
    [[...meterIds].sort((a, b) => a - b)],
  );
}

export interface StoredReading {
  meterId: number;
  atMs: number;
  value: number;
  batchId: number;
  quantity: number | null;
  flags: number;
  spanStartMs: number | null;
  spanEndMs: number | null;
}

/**
 * For each window [fromMs, toMs] of a meter: the stored readings inside it, the nearest one before and the nearest
 * one after. Rows come ordered by meter and time.
 */
export async function loadWindows(
  client: pg.PoolClient,
  windows: readonly { meterId: number; fromMs: number; toMs: number }[],
): Promise<StoredReading[]> {
  if (windows.length === 0) return [];
  const cols = `meter_id AS "meterId", at AS "atMs", value, batch_id AS "batchId", quantity, flags, span_ms AS "spanMs"`;
  const { rows } = await client.query<
    Omit<StoredReading, 'spanStartMs' | 'spanEndMs'> & { spanMs: number | null }
  >(
    `SELECT r.* FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS w(id, lo, hi)
     CROSS JOIN LATERAL (
       (SELECT ${cols} FROM reading WHERE meter_id = w.id AND at < w.lo ORDER BY at DESC LIMIT 1)
       UNION ALL
       (SELECT ${cols} FROM reading WHERE meter_id = w.id AND at >= w.lo AND at <= w.hi)
       UNION ALL
       (SELECT ${cols} FROM reading WHERE meter_id = w.id AND at > w.hi ORDER BY at LIMIT 1)
     ) r
     ORDER BY 1, 2`,
    [windows.map((w) => w.meterId), windows.map((w) => isoAt(w.fromMs)), windows.map((w) => isoAt(w.toMs))],
  );
  return rows.map(({ spanMs, ...r }) => ({
    ...r,
    spanStartMs: spanMs === null ? null : spanMs >= 0 ? r.atMs - spanMs : r.atMs,
    spanEndMs: spanMs === null ? null : spanMs >= 0 ? r.atMs : r.atMs - spanMs,
  }));
}

/** The span as stored: its length, signed by whether it ends (≥ 0) or starts (< 0) at the reading's time. */
function spanMsOf(r: StoredReading): number | null {
  if (r.spanStartMs === null || r.spanEndMs === null) return null;
  return r.spanEndMs === r.atMs ? r.spanEndMs - r.spanStartMs : -(r.spanEndMs - r.spanStartMs);
}

/** SQL for the start of a reading's span, given the alias of the reading table. */
export const spanStartSql = (alias: string) =>
  `(CASE WHEN ${alias}.span_ms >= 0 THEN ${alias}.at - ${alias}.span_ms * interval '1 millisecond' ELSE ${alias}.at END)`;

const READING_COLUMNS = ['meter_id', 'at', 'value', 'batch_id', 'quantity', 'flags', 'span_ms'];

const READING_TYPES: BinaryType[] = ['int4', 'timestamptz', 'float8', 'int4', 'float8', 'int4', 'int8'];

/** Writes readings with binary COPY into `table` (the reading table, or a temp table shaped like it). */
async function copyReadings(
  client: pg.PoolClient,
  table: string,
  rows: readonly StoredReading[],
): Promise<void> {
  await copyBinary(
    client,
    table,
    READING_COLUMNS,
    READING_TYPES,
    rows.map((r) => [r.meterId, r.atMs, r.value, r.batchId, r.quantity, r.flags, spanMsOf(r)]),
  );
}

export async function insertReadings(client: pg.PoolClient, rows: readonly StoredReading[]): Promise<void> {
  await copyReadings(client, 'reading', rows);
}

/** Rewrites stored readings (value, batch and derived columns) in place. */
export async function updateReadings(client: pg.PoolClient, rows: readonly StoredReading[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS reading_update (LIKE reading) ON COMMIT DELETE ROWS`);
  await copyReadings(client, 'reading_update', rows);
  await client.query(
    `UPDATE reading r SET value = u.value, batch_id = u.batch_id, quantity = u.quantity, flags = u.flags,
            span_ms = u.span_ms
     FROM reading_update u WHERE r.meter_id = u.meter_id AND r.at = u.at`,
  );
  await client.query('TRUNCATE reading_update');
}

export interface SplitRow {
  meterId: number;
  slotMs: number;
  readingAtMs: number;
  quantity: number;
  slots: number;
  status: number;
}

/** Removes the slot splits of these readings (they are about to be derived again). */
export async function deleteSplits(
  client: pg.PoolClient,
  readings: readonly { meterId: number; atMs: number }[],
): Promise<void> {
  if (readings.length === 0) return;
  await client.query(
    `DELETE FROM reading_split s USING unnest($1::int[], $2::timestamptz[]) AS d(meter_id, at)
     WHERE s.meter_id = d.meter_id AND s.reading_at = d.at`,
    [readings.map((r) => r.meterId), readings.map((r) => isoAt(r.atMs))],
  );
}

export async function insertSplits(client: pg.PoolClient, rows: readonly SplitRow[]): Promise<void> {
  await copyLines(
    client,
    'reading_split',
    ['meter_id', 'slot_at', 'reading_at', 'quantity', 'slots', 'status'],
    rows.map((s) =>
      [s.meterId, isoAt(s.slotMs), isoAt(s.readingAtMs), s.quantity, s.slots, s.status].join('\t'),
    ),
  );
}

export interface RevisionRow {
  meterId: number;
  atMs: number;
  value: number;
  batchId: number;
  supersededBy: number;
}

export async function insertRevisions(client: pg.PoolClient, rows: readonly RevisionRow[]): Promise<void> {
  await copyLines(
    client,
    'reading_revision',
    ['meter_id', 'at', 'value', 'batch_id', 'superseded_by'],
    rows.map((r) => [r.meterId, isoAt(r.atMs), r.value, r.batchId, r.supersededBy].join('\t')),
  );
}

export interface RejectedRow {
  meterCode: string | null;
  meterId: number | null;
  line: number | null;
  field: string;
  reason: string;
  raw: string;
}

/** Stores rejected records of one or more batches with one COPY. */
export async function insertRejected(
  client: pg.PoolClient,
  parkId: string,
  rows: readonly (RejectedRow & { batchId: number })[],
): Promise<void> {
  await copyLines(
    client,
    'rejected_record',
    ['park_id', 'batch_id', 'meter_code', 'meter_id', 'line', 'field', 'reason', 'raw'],
    rows.map((r) =>
      [parkId, r.batchId, r.meterCode, r.meterId, r.line, r.field, r.reason, r.raw].map(copyField).join('\t'),
    ),
  );
}

/** Creates the batch rows of a commit in one statement; ids come back in the order of `batches`. */
export async function createBatches(
  db: Queryable,
  parkId: string,
  batches: readonly { source: string; fileName?: string | undefined; actor?: string | undefined }[],
): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO ingest_batch (park_id, source, file_name, actor)
     SELECT $1, t.source, t.file_name, t.actor
     FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(source, file_name, actor, n)
     ORDER BY t.n
     RETURNING id`,
    [
      parkId,
      batches.map((b) => b.source),
      batches.map((b) => b.fileName ?? null),
      batches.map((b) => b.actor ?? null),
    ],
  );
  // Identity values are drawn in insertion order, which follows ORDER BY n.
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

export interface BatchCounts {
  received: number;
  inserted: number;
  unchanged: number;
  revised: number;
  rejected: number;
}

/**
 * Ends a commit, in one statement: records the counts of its batches and marks them finished, moves each meter's
 * latest reading time forward (`meter_latest`), and gives the park a new data version — the last write of the
 * transaction, so that the park row is held only until the commit (docs/adr/0008).
 */
export async function finishCommit(
  db: Queryable,
  parkId: string,
  batches: readonly { batchId: number; counts: BatchCounts }[],
  latest: readonly { meterId: number; atMs: number }[],
): Promise<void> {
  const col = (f: (c: BatchCounts) => number) => batches.map((b) => f(b.counts));
  await db.query(
    `WITH finished AS (
       UPDATE ingest_batch b
       SET received = u.received, inserted = u.inserted, unchanged = u.unchanged, revised = u.revised,
           rejected = u.rejected, finished_at = now()
       FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[])
            AS u(id, received, inserted, unchanged, revised, rejected)
       WHERE b.id = u.id
     ), latest AS (
       INSERT INTO meter_latest AS l (meter_id, last_at)
       SELECT * FROM unnest($7::int[], $8::timestamptz[])
       ON CONFLICT (meter_id) DO UPDATE SET last_at = GREATEST(l.last_at, EXCLUDED.last_at)
       WHERE l.last_at < EXCLUDED.last_at
     )
     UPDATE park SET data_version = nextval('park_version_seq') WHERE id = $9`,
    [
      batches.map((b) => b.batchId),
      col((c) => c.received),
      col((c) => c.inserted),
      col((c) => c.unchanged),
      col((c) => c.revised),
      col((c) => c.rejected),
      latest.map((l) => l.meterId),
      latest.map((l) => isoAt(l.atMs)),
      parkId,
    ],
  );
}

/** Gives the park of these meters a new data version (after a re-derivation or a rollup rebuild changed its data). */
export async function bumpDataVersion(db: Queryable, meterIds: readonly number[]): Promise<void> {
  await db.query(
    `UPDATE park SET data_version = nextval('park_version_seq')
     WHERE id IN (SELECT park_id FROM meter WHERE id = ANY($1::int[]))`,
    [meterIds],
  );
}

/**
 * The 15-minute slot contributions of readings and their splits, as rows (meter_id, slot_at, q, n, st, flags): q the
 * quantity, n the slots covered, st the status (0 measured, 1 estimated, 2 quarantined), flags the reading's. $1 are
 * meter ids; with `ranged`, only slots in [$2, $3). The one definition that queries and the SQL rebuild share.
 */
export function slotContributionsSql(ranged: boolean): string {
  const status = `CASE WHEN r.flags & ${FLAG.SPIKE} <> 0 THEN 2 WHEN r.flags & ${FLAG.GAP_BRIDGED} <> 0 THEN 1 ELSE 0 END`;
  // A reading whose span is one aligned slot has at ∈ [slot, slot + 15 min]: the range on `at` bounds the scan.
  const readingRange = ranged
    ? `AND r.at >= $2 AND r.at <= $3::timestamptz + interval '15 minutes'
       AND ${spanStartSql('r')} >= $2 AND ${spanStartSql('r')} < $3`
    : '';
  return `
    SELECT r.meter_id, ${spanStartSql('r')} AS slot_at, r.quantity AS q, 1::real AS n, ${status} AS st, r.flags
    FROM reading r
    WHERE r.meter_id = ANY($1::int[]) AND r.flags & ${FLAG.SPLIT} = 0 AND r.quantity IS NOT NULL ${readingRange}
    UNION ALL
    SELECT s.meter_id, s.slot_at, s.quantity, s.slots, s.status, r.flags
    FROM reading_split s JOIN reading r ON r.meter_id = s.meter_id AND r.at = s.reading_at
    WHERE s.meter_id = ANY($1::int[]) ${ranged ? 'AND s.slot_at >= $2 AND s.slot_at < $3' : ''}`;
}

const AMOUNT_NAMES = [
  'measured',
  'estimated',
  'quarantined',
  'measuredSlots',
  'estimatedSlots',
  'quarantinedSlots',
];

/** Sums of slot contributions by status, in the order of the Amounts fields; `named` gives them their names. */
export function amountSumsSql(named: boolean): string {
  return [0, 1, 2]
    .map((st) => `coalesce(sum(q) FILTER (WHERE st = ${st}), 0)`)
    .concat([0, 1, 2].map((st) => `coalesce(sum(n) FILTER (WHERE st = ${st}), 0)`))
    .map((sql, i) => (named ? `${sql} AS "${AMOUNT_NAMES[i]}"` : sql))
    .join(', ');
}

const ROLLUP_COLUMNS = `meter_id, bucket_at, measured, estimated, quarantined, measured_slots, estimated_slots,
  quarantined_slots`;

/** A change to one rollup bucket: amounts to add (negative to remove an old contribution). */
export interface RollupDelta extends Amounts {
  meterId: number;
  bucketMs: number;
}

/** Adds deltas to the rollup buckets they name, creating buckets as needed. */
export async function addRollupDeltas(
  client: pg.PoolClient,
  level: 'hour' | 'day' | 'month',
  deltas: readonly RollupDelta[],
): Promise<void> {
  if (deltas.length === 0) return;
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS rollup_delta (LIKE rollup_hour) ON COMMIT DELETE ROWS`);
  await copyBinary(
    client,
    'rollup_delta',
    ROLLUP_COLUMNS.split(',').map((c) => c.trim()),
    ['int4', 'timestamptz', 'float8', 'float8', 'float8', 'float4', 'float4', 'float4'],
    deltas.map((d) => [
      d.meterId,
      d.bucketMs,
      d.measured,
      d.estimated,
      d.quarantined,
      d.measuredSlots,
      d.estimatedSlots,
      d.quarantinedSlots,
    ]),
  );
  await client.query(
    `INSERT INTO rollup_${level} AS r (${ROLLUP_COLUMNS}) SELECT ${ROLLUP_COLUMNS} FROM rollup_delta
     ON CONFLICT (meter_id, bucket_at) DO UPDATE SET measured = r.measured + EXCLUDED.measured,
       estimated = r.estimated + EXCLUDED.estimated, quarantined = r.quarantined + EXCLUDED.quarantined,
       measured_slots = r.measured_slots + EXCLUDED.measured_slots,
       estimated_slots = r.estimated_slots + EXCLUDED.estimated_slots,
       quarantined_slots = r.quarantined_slots + EXCLUDED.quarantined_slots`,
  );
  // A bucket whose every contribution was taken back is missing again, not a zero.
  await client.query(
    `DELETE FROM rollup_${level} r USING rollup_delta d
     WHERE r.meter_id = d.meter_id AND r.bucket_at = d.bucket_at
       AND abs(r.measured_slots) < 1e-6 AND abs(r.estimated_slots) < 1e-6 AND abs(r.quarantined_slots) < 1e-6`,
  );
  await client.query('TRUNCATE rollup_delta');
}

/**
 * Rebuilds the rollups of these meters from their readings and splits, entirely in SQL with the park's zone: a
 * repair tool, and the independent second method the tests check the incremental rollups against.
 */
export async function rebuildRollups(
  client: pg.PoolClient,
  meterIds: readonly number[],
  timeZone: string,
): Promise<void> {
  for (const level of ['hour', 'day', 'month']) {
    await client.query(`DELETE FROM rollup_${level} WHERE meter_id = ANY($1::int[])`, [meterIds]);
  }
  for (const level of ['hour', 'day', 'month']) {
    await client.query(
      `INSERT INTO rollup_${level} (${ROLLUP_COLUMNS})
       SELECT meter_id, date_trunc('${level}', slot_at AT TIME ZONE $2) AT TIME ZONE $2, ${amountSumsSql(false)}
       FROM (${slotContributionsSql(false)}) c
       GROUP BY 1, 2`,
      [meterIds, timeZone],
    );
  }
}
