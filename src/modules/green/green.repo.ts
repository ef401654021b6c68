/** SQL of the green-electricity module: ledger events and ranges, imports, trades, settlements, grid share sets. */
import type pg from 'pg';
import type {
  CertificateRange,
  CertificateTechnology,
  GreenTrade,
  GridShareSetRow,
  LedgerEvent,
  LedgerEventBody,
  TradeSettlement,
} from './types.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** Serialises the ledger operations of one park (held until the transaction ends). */
export async function lockLedger(client: pg.PoolClient, parkId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('lingtan.green:' || $1, 0))`, [parkId]);
}

interface RangeRow {
  series: string;
  first_serial: string;
  last_serial: string;
  project_id: string;
  project_name: string;
  technology: string;
  production_month: string;
  tradable: boolean;
  state: CertificateRange['state'];
  holder: string;
  trade_id: string | null;
  claim_consumer: string | null;
  claim_from: string | null;
  claim_to: string | null;
  claim_event: string | null;
  event_id: string;
}

function toRange(r: RangeRow): CertificateRange {
  return {
    series: r.series,
    firstSerial: Number(r.first_serial),
    lastSerial: Number(r.last_serial),
    projectId: r.project_id,
    projectName: r.project_name,
    technology: r.technology as CertificateTechnology,
    productionMonth: r.production_month,
    tradable: r.tradable,
    state: r.state,
    holder: r.holder,
    ...(r.trade_id !== null ? { tradeId: r.trade_id } : {}),
    ...(r.claim_event !== null
      ? {
          claim: {
            consumer: r.claim_consumer ?? '',
            period: { from: r.claim_from ?? '', to: r.claim_to ?? '' },
            eventId: Number(r.claim_event),
          },
        }
      : {}),
    eventId: Number(r.event_id),
  };
}

/** The park's current ranges (optionally only claimed ones whose claim period overlaps [fromMonth, toMonth]). */
export async function loadRanges(
  db: Queryable,
  parkId: string,
  claimedIn?: { fromMonth: string; toMonth: string },
): Promise<CertificateRange[]> {
  const { rows } = await db.query<RangeRow>(
    `SELECT * FROM green_range WHERE park_id = $1
       AND ($2::text IS NULL OR (state = 'claimed' AND claim_from <= $3 AND claim_to >= $2))
     ORDER BY series, first_serial`,
    [parkId, claimedIn?.fromMonth ?? null, claimedIn?.toMonth ?? null],
  );
  return rows.map(toRange);
}

/** Appends an event; returns its id and time. */
export async function insertEvent(
  client: pg.PoolClient,
  parkId: string,
  body: LedgerEventBody,
  evidence: string,
  actor: string,
): Promise<{ id: number; at: string }> {
  const { rows } = await client.query<{ id: string; at: number }>(
    `INSERT INTO green_event (park_id, kind, body, evidence, actor) VALUES ($1, $2, $3, $4, $5) RETURNING id, at`,
    [parkId, body.kind, JSON.stringify(body), evidence, actor],
  );
  return { id: Number(rows[0]!.id), at: new Date(rows[0]!.at).toISOString() };
}

/** Replaces the stored ranges of the given series with `ranges` (those of the series after an event). */
export async function replaceSeries(
  client: pg.PoolClient,
  parkId: string,
  series: readonly string[],
  ranges: readonly CertificateRange[],
): Promise<void> {
  await client.query(`DELETE FROM green_range WHERE park_id = $1 AND series = ANY($2::text[])`, [
    parkId,
    series,
  ]);
  if (ranges.length === 0) return;
  const col = <T>(f: (r: CertificateRange) => T) => ranges.map(f);
  await client.query(
    `INSERT INTO green_range (park_id, series, first_serial, last_serial, project_id, project_name, technology,
       production_month, tradable, state, holder, trade_id, claim_consumer, claim_from, claim_to, claim_event, event_id)
     SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[],
       $9::boolean[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::bigint[],
       $17::bigint[])`,
    [
      parkId,
      col((r) => r.series),
      col((r) => r.firstSerial),
      col((r) => r.lastSerial),
      col((r) => r.projectId),
      col((r) => r.projectName),
      col((r) => r.technology),
      col((r) => r.productionMonth),
      col((r) => r.tradable),
      col((r) => r.state),
      col((r) => r.holder),
      col((r) => r.tradeId ?? null),
      col((r) => r.claim?.consumer ?? null),
      col((r) => r.claim?.period.from ?? null),
      col((r) => r.claim?.period.to ?? null),
      col((r) => r.claim?.eventId ?? null),
      col((r) => r.eventId),
    ],
  );
}

/** The park's ledger events, newest first. */
export async function listEvents(
  db: Queryable,
  parkId: string,
  options: { limit?: number; kind?: string; ids?: readonly number[] } = {},
): Promise<LedgerEvent[]> {
  const { rows } = await db.query<{
    id: string;
    body: LedgerEventBody;
    actor: string;
    at: number;
    evidence: string;
  }>(
    `SELECT id, body, actor, at, evidence FROM green_event
     WHERE park_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($4::bigint[] IS NULL OR id = ANY($4::bigint[]))
     ORDER BY id DESC LIMIT $3`,
    [parkId, options.kind ?? null, options.limit ?? 1000, options.ids ? [...options.ids] : null],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    body: r.body,
    actor: r.actor,
    at: new Date(r.at).toISOString(),
    evidence: r.evidence,
  }));
}

/** Whether the park's ledger has any event (one index probe). */
export async function hasEvents(db: Queryable, parkId: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM green_event WHERE park_id = $1 LIMIT 1`, [parkId]);
  return rows.length > 0;
}

/** Every import event body of the park, oldest first (to tell a re-import from a conflicting one). */
export async function importBodies(db: Queryable, parkId: string): Promise<LedgerEventBody[]> {
  const { rows } = await db.query<{ body: LedgerEventBody }>(
    `SELECT body FROM green_event WHERE park_id = $1 AND kind = 'import' ORDER BY id`,
    [parkId],
  );
  return rows.map((r) => r.body);
}

/** A received file and what became of its rows. */
export interface ImportRecord {
  id: number;
  kind: 'certificates' | 'trades' | 'settlements' | 'grid_share';
  file: string;
  sha256: string;
  received: number;
  accepted: number;
  unchanged: number;
  rejected: unknown[];
  eventId: number | null;
  actor: string;
  createdAt: string;
}

/** Keeps a received file, its counts and refused rows. */
export async function insertImport(
  client: Queryable,
  parkId: string,
  r: Omit<ImportRecord, 'id' | 'createdAt'> & { raw: string },
): Promise<number> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO green_import (park_id, kind, file, raw, sha256, received, accepted, unchanged, rejected, event_id, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      parkId,
      r.kind,
      r.file,
      r.raw,
      r.sha256,
      r.received,
      r.accepted,
      r.unchanged,
      JSON.stringify(r.rejected),
      r.eventId,
      r.actor,
    ],
  );
  return Number(rows[0]!.id);
}

interface TradeDbRow {
  id: string;
  version: number;
  buyer: string;
  counterparty: string;
  technology: string;
  period_from: string;
  period_to: string;
  contracted_mwh: number;
  settlement: 'month' | 'hour';
  evidence: string;
  created_by: string;
  created_at: number;
}

/** The latest version of every trade of the park. */
export async function latestTrades(db: Queryable, parkId: string): Promise<GreenTrade[]> {
  const { rows } = await db.query<TradeDbRow>(
    `SELECT DISTINCT ON (id) * FROM green_trade WHERE park_id = $1 ORDER BY id, version DESC`,
    [parkId],
  );
  return rows.map((r) => ({
    id: r.id,
    buyer: r.buyer,
    counterparty: r.counterparty,
    technology: r.technology as CertificateTechnology,
    period: { from: r.period_from, to: r.period_to },
    contractedMwh: r.contracted_mwh,
    settlement: r.settlement,
    evidence: r.evidence,
    version: r.version,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Adds a trade version. */
export async function insertTrade(
  db: Queryable,
  parkId: string,
  t: Omit<GreenTrade, 'createdAt'>,
): Promise<void> {
  await db.query(
    `INSERT INTO green_trade (park_id, id, version, buyer, counterparty, technology, period_from, period_to,
       contracted_mwh, settlement, evidence, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      parkId,
      t.id,
      t.version,
      t.buyer,
      t.counterparty,
      t.technology,
      t.period.from,
      t.period.to,
      t.contractedMwh,
      t.settlement,
      t.evidence,
      t.createdBy,
    ],
  );
}

/**
 * The latest settled volume of every (trade, period) of the park, with its version; `hours`: only hour starts (ISO
 * UTC) in [from, to], both included.
 */
export async function latestSettlements(
  db: Queryable,
  parkId: string,
  hours?: { from: string; to: string },
): Promise<(TradeSettlement & { version: number })[]> {
  const { rows } = await db.query<{ trade_id: string; at: string; mwh: number; version: number }>(
    `SELECT DISTINCT ON (trade_id, at) trade_id, at, mwh, version FROM green_trade_settlement
     WHERE park_id = $1 AND ($2::text IS NULL OR (length(at) > 7 AND at COLLATE "C" >= $2 AND at COLLATE "C" <= $3))
     ORDER BY trade_id, at, version DESC`,
    [parkId, hours?.from ?? null, hours?.to ?? null],
  );
  return rows.map((r) => ({ tradeId: r.trade_id, at: r.at, mwh: r.mwh, version: r.version }));
}

/** Adds settlement versions. */
export async function insertSettlements(
  db: Queryable,
  parkId: string,
  rows: readonly (TradeSettlement & { version: number })[],
  importId: number | null,
  actor: string,
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO green_trade_settlement (park_id, trade_id, at, version, mwh, import_id, entered_by)
     SELECT $1, t, a, v, m, $6, $7 FROM unnest($2::text[], $3::text[], $4::int[], $5::float8[]) AS u(t, a, v, m)`,
    [
      parkId,
      rows.map((r) => r.tradeId),
      rows.map((r) => r.at),
      rows.map((r) => r.version),
      rows.map((r) => r.mwh),
      importId,
      actor,
    ],
  );
}

/** The latest version of each data set of the park (or every version of one set). */
export async function gridShareSets(db: Queryable, parkId: string, id?: string): Promise<GridShareSetRow[]> {
  const { rows } = await db.query<
    Omit<GridShareSetRow, 'createdAt' | 'values'> & { createdAt: number; values: string }
  >(
    `SELECT ${id ? '' : 'DISTINCT ON (s.id)'} s.id, s.version, s.label, s.source, s.status, s.resolution,
       s.created_by AS "createdBy", s.created_at AS "createdAt",
       (SELECT count(*) FROM grid_share_value v WHERE v.park_id = s.park_id AND v.set_id = s.id AND v.version = s.version) AS values,
       (SELECT min(at) FROM grid_share_value v WHERE v.park_id = s.park_id AND v.set_id = s.id AND v.version = s.version) AS "from",
       (SELECT max(at) FROM grid_share_value v WHERE v.park_id = s.park_id AND v.set_id = s.id AND v.version = s.version) AS "to"
     FROM grid_share_set s WHERE s.park_id = $1 AND ($2::text IS NULL OR s.id = $2)
     ORDER BY s.id, s.version DESC`,
    [parkId, id ?? null],
  );
  return rows.map((r) => ({
    ...r,
    values: Number(r.values),
    createdAt: new Date(r.createdAt).toISOString(),
  }));
}

/** Stores a data set version and its values. */
export async function insertGridShareSet(
  client: Queryable,
  parkId: string,
  set: Omit<GridShareSetRow, 'createdAt' | 'values' | 'from' | 'to'>,
  values: readonly { at: string; share: number }[],
  importId: number | null,
): Promise<void> {
  await client.query(
    `INSERT INTO grid_share_set (park_id, id, version, label, source, status, resolution, import_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [parkId, set.id, set.version, set.label, set.source, set.status, set.resolution, importId, set.createdBy],
  );
  await client.query(
    `INSERT INTO grid_share_value (park_id, set_id, version, at, share)
     SELECT $1, $2, $3, a, s FROM unnest($4::text[], $5::float8[]) AS u(a, s)`,
    [parkId, set.id, set.version, values.map((v) => v.at), values.map((v) => v.share)],
  );
}

/**
 * Values of a data set version, optionally only between two keys (months YYYY-MM or ISO UTC hour starts, both
 * included: the keys of one set have one format, so they compare as text).
 */
export async function gridShareValues(
  db: Queryable,
  parkId: string,
  id: string,
  version: number,
  range?: { from: string; to: string },
): Promise<{ at: string; share: number }[]> {
  const { rows } = await db.query<{ at: string; share: number }>(
    `SELECT at, share FROM grid_share_value WHERE park_id = $1 AND set_id = $2 AND version = $3
       AND ($4::text IS NULL OR (at COLLATE "C" >= $4 AND at COLLATE "C" <= $5))
     ORDER BY at COLLATE "C"`,
    [parkId, id, version, range?.from ?? null, range?.to ?? null],
  );
  return rows;
}
