/** SQL of statistical inputs (statistic_value, versioned) and the batches they came in (statistic_batch). */
import type pg from 'pg';
import type { StatisticRow } from './statistics-input.ts';
import type {
  RejectedStatistic,
  StatisticBatch,
  StatisticBatchResult,
  StatisticKind,
  StatisticValue,
} from './types.ts';

type Queryable = Pick<pg.Pool, 'query'>;

const COLUMNS = `organisation_id AS organisation, to_char(month, 'YYYY-MM') AS month, kind, item, value, unit,
  factor, evidence, note, version, entered_by AS "enteredBy", entered_at AS "enteredAt", batch_id AS "batchId"`;

interface ValueRow extends Omit<StatisticValue, 'enteredAt' | 'factor' | 'evidence' | 'note'> {
  enteredAt: number;
  factor: StatisticValue['factor'] | null;
  evidence: string | null;
  note: string | null;
  batchId: number | null;
}

function toValue(r: ValueRow): StatisticValue & { batchId: number | null } {
  return {
    organisation: r.organisation,
    month: r.month,
    kind: r.kind,
    item: r.item,
    value: r.value,
    unit: r.unit,
    ...(r.factor ? { factor: r.factor } : {}),
    ...(r.evidence !== null ? { evidence: r.evidence } : {}),
    ...(r.note !== null ? { note: r.note } : {}),
    version: r.version,
    enteredBy: r.enteredBy,
    enteredAt: new Date(r.enteredAt).toISOString(),
    batchId: r.batchId,
  };
}

/** The latest version of every statistical value of the park in months [fromMonth, toMonth] (YYYY-MM, inclusive). */
export async function latestStatistics(
  db: Queryable,
  parkId: string,
  fromMonth: string,
  toMonth: string,
  organisation?: string,
  kind?: StatisticKind,
): Promise<StatisticValue[]> {
  const { rows } = await db.query<ValueRow>(
    `SELECT DISTINCT ON (organisation_id, month, kind, item) ${COLUMNS}
     FROM statistic_value
     WHERE park_id = $1 AND month >= ($2 || '-01')::date AND month <= ($3 || '-01')::date
       AND ($4::text IS NULL OR organisation_id = $4) AND ($5::text IS NULL OR kind = $5)
     ORDER BY organisation_id, month, kind, item, version DESC`,
    [parkId, fromMonth, toMonth, organisation ?? null, kind ?? null],
  );
  return rows.map(toValue);
}

/** Every version of one statistical value, oldest first. */
export async function statisticVersions(
  db: Queryable,
  parkId: string,
  key: { organisation: string; month: string; kind: StatisticKind; item: string },
): Promise<(StatisticValue & { batchId: number | null })[]> {
  const { rows } = await db.query<ValueRow>(
    `SELECT ${COLUMNS} FROM statistic_value
     WHERE park_id = $1 AND organisation_id = $2 AND month = ($3 || '-01')::date AND kind = $4 AND item = $5
     ORDER BY version`,
    [parkId, key.organisation, key.month, key.kind, key.item],
  );
  return rows.map(toValue);
}

const same = (a: StatisticValue, r: StatisticRow): boolean =>
  a.value === r.value &&
  a.unit === r.unit &&
  (a.evidence ?? '') === (r.evidence ?? '') &&
  (a.note ?? '') === (r.note ?? '') &&
  sameFactor(a.factor, r.factor);

/** Field by field: jsonb gives the keys back in its own order. */
const sameFactor = (a: StatisticValue['factor'], b: StatisticRow['factor']): boolean =>
  a === undefined || b === undefined
    ? a === b
    : a.value === b.value && a.unit === b.unit && a.source === b.source;

/**
 * Stores checked rows as new versions where they differ from the latest version (a row equal to it is unchanged),
 * with the batch (raw content, rejected rows) — on `client`, inside the caller's transaction, serialised per park by
 * an advisory lock. Content received before that changes nothing records no second batch.
 */
export async function commitStatistics(
  client: Queryable,
  parkId: string,
  batch: { source: string; raw: string; sha256: string; actor: string },
  rows: readonly StatisticRow[],
  rejected: readonly RejectedStatistic[],
): Promise<StatisticBatchResult> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('statistic:' || $1))`, [parkId]);
  const { rows: latest } = await client.query<ValueRow>(
    `SELECT DISTINCT ON (organisation_id, month, kind, item) ${COLUMNS}
       FROM statistic_value v
       JOIN unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS k(k_org, k_month, k_kind, k_item)
         ON v.organisation_id = k.k_org AND v.month = (k.k_month || '-01')::date AND v.kind = k.k_kind
            AND v.item = k.k_item
       WHERE v.park_id = $1
       ORDER BY organisation_id, month, kind, item, version DESC`,
    [
      parkId,
      rows.map((r) => r.organisation),
      rows.map((r) => r.month),
      rows.map((r) => r.kind),
      rows.map((r) => r.item),
    ],
  );
  const byKey = new Map(
    latest.map((l) => [`${l.organisation}\u0000${l.month}\u0000${l.kind}\u0000${l.item}`, toValue(l)]),
  );
  const changed: (StatisticRow & { version: number })[] = [];
  for (const r of rows) {
    const prev = byKey.get(`${r.organisation}\u0000${r.month}\u0000${r.kind}\u0000${r.item}`);
    if (prev && same(prev, r)) continue;
    changed.push({ ...r, version: (prev?.version ?? 0) + 1 });
  }
  const unchanged = rows.length - changed.length;
  if (changed.length === 0) {
    const { rows: earlier } = await client.query(
      'SELECT 1 FROM statistic_batch WHERE park_id = $1 AND sha256 = $2 LIMIT 1',
      [parkId, batch.sha256],
    );
    if (earlier.length > 0) {
      return {
        batchId: null,
        received: rows.length + rejected.length,
        inserted: 0,
        unchanged,
        rejected: [...rejected],
      };
    }
  }
  const { rows: b } = await client.query<{ id: number }>(
    `INSERT INTO statistic_batch (park_id, source, raw, sha256, received, inserted, unchanged, rejected, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      parkId,
      batch.source,
      batch.raw,
      batch.sha256,
      rows.length + rejected.length,
      changed.length,
      unchanged,
      JSON.stringify(rejected),
      batch.actor,
    ],
  );
  const batchId = b[0]!.id;
  if (changed.length > 0)
    await client.query(
      `INSERT INTO statistic_value (park_id, organisation_id, month, kind, item, version, value, unit, factor,
                                      evidence, note, batch_id, entered_by)
         SELECT $1, u_org, (u_month || '-01')::date, u_kind, u_item, u_v, u_val, u_unit, u_f, u_e, u_n, $12, $13
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::float8[], $8::text[],
                     $9::jsonb[], $10::text[], $11::text[])
              AS u(u_org, u_month, u_kind, u_item, u_v, u_val, u_unit, u_f, u_e, u_n)`,
      [
        parkId,
        changed.map((r) => r.organisation),
        changed.map((r) => r.month),
        changed.map((r) => r.kind),
        changed.map((r) => r.item),
        changed.map((r) => r.version),
        changed.map((r) => r.value),
        changed.map((r) => r.unit),
        changed.map((r) => (r.factor ? JSON.stringify(r.factor) : null)),
        changed.map((r) => r.evidence ?? null),
        changed.map((r) => r.note ?? null),
        batchId,
        batch.actor,
      ],
    );
  return {
    batchId,
    received: rows.length + rejected.length,
    inserted: changed.length,
    unchanged,
    rejected: [...rejected],
  };
}

/** Recent batches of the park, newest first. */
export async function statisticBatches(db: Queryable, parkId: string, limit = 50): Promise<StatisticBatch[]> {
  const { rows } = await db.query<StatisticBatch>(
    `SELECT id, source, received, inserted, unchanged, rejected, actor, created_at AS "createdAt"
     FROM statistic_batch WHERE park_id = $1 ORDER BY id DESC LIMIT $2`,
    [parkId, limit],
  );
  return rows;
}
