/** SQL for parks, organisations, sites and meters. */
import type pg from 'pg';
import type { Meter, Organisation, Park, Site } from './park-model.ts';

type Queryable = pg.Pool | pg.PoolClient;

export interface ParkRow {
  id: string;
  name: string;
  province: string;
  timezone: string;
  gridRegion: string;
  spec: Park;
  /** Set anew by every apply that changes the park's definition (from a sequence: never used twice). */
  definitionVersion: number;
  /** Set anew by every commit of readings and every re-derivation: what was computed from the data stands while it does. */
  dataVersion: number;
}

/** A meter as stored, with its database id and the resolved instants. */
export interface MeterRow {
  id: number;
  parkId: string;
  code: string;
  spec: Meter;
  quantityUnit: string;
  installedAtMs: number | null;
  removedAtMs: number | null;
  replacements: { atMs: number; oldFinalReading: number; newInitialReading: number }[];
  archived: boolean;
}

const PARK_COLUMNS = `id, name, province, timezone, grid_region AS "gridRegion", spec,
  definition_version AS "definitionVersion", data_version AS "dataVersion"`;

export async function findPark(db: Queryable, parkId: string): Promise<ParkRow | undefined> {
  const { rows } = await db.query<ParkRow>(`SELECT ${PARK_COLUMNS} FROM park WHERE id = $1`, [parkId]);
  return rows[0];
}

export async function listParks(db: Queryable): Promise<ParkRow[]> {
  const { rows } = await db.query<ParkRow>(`SELECT ${PARK_COLUMNS} FROM park ORDER BY id`);
  return rows;
}

/** The park's definition version, or undefined when there is no such park: the one query that validates a cache. */
export async function findDefinitionVersion(db: Queryable, parkId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ v: number }>('SELECT definition_version AS v FROM park WHERE id = $1', [
    parkId,
  ]);
  return rows[0]?.v;
}

/** Gives the park a new definition version (inside the transaction that changed its definition). */
export async function bumpDefinitionVersion(db: Queryable, parkId: string): Promise<void> {
  await db.query(`UPDATE park SET definition_version = nextval('park_version_seq') WHERE id = $1`, [parkId]);
}

/** Inserts or updates the park; returns what happened. */
export async function upsertPark(db: Queryable, park: Park): Promise<'created' | 'updated' | 'unchanged'> {
  const { rows } = await db.query<{ inserted: boolean }>(
    `INSERT INTO park (id, name, province, timezone, grid_region, latitude, longitude, spec)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, province = EXCLUDED.province, timezone = EXCLUDED.timezone,
       grid_region = EXCLUDED.grid_region, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude,
       spec = EXCLUDED.spec, updated_at = now()
     WHERE park.spec IS DISTINCT FROM EXCLUDED.spec
     RETURNING (xmax = 0) AS inserted`,
    [
      park.id,
      park.name,
      park.province,
      park.timezone,
      park.gridRegion,
      park.location.latitude,
      park.location.longitude,
      park,
    ],
  );
  if (rows.length === 0) return 'unchanged';
  return rows[0]?.inserted ? 'created' : 'updated';
}

export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
  archived: number;
}

/** Upserts organisations in file order and archives those no longer listed. */
export async function syncOrganisations(
  db: Queryable,
  parkId: string,
  orgs: Organisation[],
): Promise<UpsertCounts> {
  const { rows } = await db.query<{ inserted: boolean }>(
    `INSERT INTO organisation (park_id, code, name, kind, uscc, industry_code, spec, position, archived)
     SELECT $1, o.spec->>'id', o.spec->>'name', coalesce(o.spec->>'kind', 'enterprise'), o.spec->>'uscc',
            o.spec->>'industryCode', o.spec, o.position::int, false
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS o(spec, position)
     ON CONFLICT (park_id, code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, uscc = EXCLUDED.uscc,
       industry_code = EXCLUDED.industry_code, spec = EXCLUDED.spec, position = EXCLUDED.position, archived = false
     WHERE organisation.spec IS DISTINCT FROM EXCLUDED.spec OR organisation.archived
        OR organisation.position IS DISTINCT FROM EXCLUDED.position
     RETURNING (xmax = 0) AS inserted`,
    [parkId, JSON.stringify(orgs)],
  );
  const archived = await db.query(
    `UPDATE organisation SET archived = true WHERE park_id = $1 AND NOT archived AND NOT (code = ANY($2::text[]))`,
    [parkId, orgs.map((o) => o.id)],
  );
  return countUpserts(rows, orgs.length, archived.rowCount ?? 0);
}

/** Upserts sites in file order and archives those no longer listed. */
export async function syncSites(db: Queryable, parkId: string, sites: Site[]): Promise<UpsertCounts> {
  const { rows } = await db.query<{ inserted: boolean }>(
    `INSERT INTO site (park_id, code, organisation_code, name, kind, spec, position, archived)
     SELECT $1, s.spec->>'id', s.spec->>'organisation', s.spec->>'name', coalesce(s.spec->>'kind', 'other'),
            s.spec, s.position::int, false
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS s(spec, position)
     ON CONFLICT (park_id, code) DO UPDATE SET organisation_code = EXCLUDED.organisation_code, name = EXCLUDED.name,
       kind = EXCLUDED.kind, spec = EXCLUDED.spec, position = EXCLUDED.position, archived = false
     WHERE site.spec IS DISTINCT FROM EXCLUDED.spec OR site.archived OR site.position IS DISTINCT FROM EXCLUDED.position
     RETURNING (xmax = 0) AS inserted`,
    [parkId, JSON.stringify(sites)],
  );
  const archived = await db.query(
    `UPDATE site SET archived = true WHERE park_id = $1 AND NOT archived AND NOT (code = ANY($2::text[]))`,
    [parkId, sites.map((s) => s.id)],
  );
  return countUpserts(rows, sites.length, archived.rowCount ?? 0);
}

/** A meter ready to store: its spec plus the values resolved from it. */
export interface MeterWrite {
  spec: Meter;
  quantityUnit: string;
  installedAtMs: number | null;
  removedAtMs: number | null;
  replacements: { atMs: number; oldFinalReading: number; newInitialReading: number }[];
}

/** Upserts meters in file order and archives those no longer listed (their readings stay). */
export async function syncMeters(db: Queryable, parkId: string, meters: MeterWrite[]): Promise<UpsertCounts> {
  const payload = meters.map((m) => ({
    spec: m.spec,
    quantityUnit: m.quantityUnit,
    installedAt: m.installedAtMs === null ? null : new Date(m.installedAtMs).toISOString(),
    removedAt: m.removedAtMs === null ? null : new Date(m.removedAtMs).toISOString(),
    replacements: m.replacements,
  }));
  const { rows } = await db.query<{ inserted: boolean }>(
    `INSERT INTO meter (park_id, code, name, organisation_code, site_code, parent_code, carrier, role, technology,
                        reading_kind, unit, quantity_unit, multiplier, interval_minutes, interval_stamp, capacity,
                        rollover_at, installed_at, removed_at, replacements, spec, position, archived)
     SELECT $1, m.spec->>'id', m.spec->>'name', m.spec->>'organisation', m.spec->>'site', m.spec->>'parent',
            m.spec->>'carrier', m.spec->>'role', m.spec->>'technology', m.spec->>'readingKind', m.spec->>'unit',
            m.w->>'quantityUnit', coalesce((m.spec->>'multiplier')::float8, 1),
            coalesce((m.spec->>'intervalMinutes')::int, 15), coalesce(m.spec->>'intervalStamp', 'end'),
            (m.spec->>'capacity')::float8, (m.spec->>'rolloverAt')::float8,
            (m.w->>'installedAt')::timestamptz, (m.w->>'removedAt')::timestamptz, m.w->'replacements', m.spec,
            m.position::int, false
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(w, position),
          LATERAL (SELECT e.w AS w, e.w->'spec' AS spec, e.position AS position) AS m
     ON CONFLICT (park_id, code) DO UPDATE SET name = EXCLUDED.name, organisation_code = EXCLUDED.organisation_code,
       site_code = EXCLUDED.site_code, parent_code = EXCLUDED.parent_code, carrier = EXCLUDED.carrier,
       role = EXCLUDED.role, technology = EXCLUDED.technology, reading_kind = EXCLUDED.reading_kind,
       unit = EXCLUDED.unit, quantity_unit = EXCLUDED.quantity_unit, multiplier = EXCLUDED.multiplier,
       interval_minutes = EXCLUDED.interval_minutes, interval_stamp = EXCLUDED.interval_stamp,
       capacity = EXCLUDED.capacity, rollover_at = EXCLUDED.rollover_at, installed_at = EXCLUDED.installed_at,
       removed_at = EXCLUDED.removed_at, replacements = EXCLUDED.replacements, spec = EXCLUDED.spec,
       position = EXCLUDED.position, archived = false
     WHERE meter.spec IS DISTINCT FROM EXCLUDED.spec OR meter.archived OR meter.position IS DISTINCT FROM EXCLUDED.position
        OR meter.installed_at IS DISTINCT FROM EXCLUDED.installed_at
        OR meter.replacements IS DISTINCT FROM EXCLUDED.replacements
     RETURNING (xmax = 0) AS inserted`,
    [parkId, JSON.stringify(payload)],
  );
  const archived = await db.query(
    `UPDATE meter SET archived = true WHERE park_id = $1 AND NOT archived AND NOT (code = ANY($2::text[]))`,
    [parkId, meters.map((m) => m.spec.id)],
  );
  return countUpserts(rows, meters.length, archived.rowCount ?? 0);
}

function countUpserts(rows: { inserted: boolean }[], total: number, archived: number): UpsertCounts {
  const created = rows.filter((r) => r.inserted).length;
  const updated = rows.length - created;
  return { created, updated, unchanged: total - rows.length, archived };
}

const METER_COLUMNS = `id, park_id AS "parkId", code, spec, quantity_unit AS "quantityUnit",
  installed_at AS "installedAtMs", removed_at AS "removedAtMs", replacements, archived`;

/** Every meter of a park, archived ones included (their data stays queryable), in file order. */
export async function listMeters(db: Queryable, parkId: string): Promise<MeterRow[]> {
  const { rows } = await db.query<MeterRow>(
    `SELECT ${METER_COLUMNS} FROM meter WHERE park_id = $1 ORDER BY archived, position, id`,
    [parkId],
  );
  return rows;
}

export async function findMeter(db: Queryable, parkId: string, code: string): Promise<MeterRow | undefined> {
  const { rows } = await db.query<MeterRow>(
    `SELECT ${METER_COLUMNS} FROM meter WHERE park_id = $1 AND code = $2`,
    [parkId, code],
  );
  return rows[0];
}

export async function listMetersById(db: Queryable, ids: readonly number[]): Promise<MeterRow[]> {
  const { rows } = await db.query<MeterRow>(`SELECT ${METER_COLUMNS} FROM meter WHERE id = ANY($1::int[])`, [
    ids,
  ]);
  return rows;
}

export async function listOrganisations(
  db: Queryable,
  parkId: string,
  includeArchived = false,
): Promise<Organisation[]> {
  const { rows } = await db.query<{ spec: Organisation }>(
    `SELECT spec FROM organisation WHERE park_id = $1 AND (NOT archived OR $2) ORDER BY position`,
    [parkId, includeArchived],
  );
  return rows.map((r) => r.spec);
}

/** Every organisation of a park with its archived flag: file order, archived ones after current ones at a tie. */
export async function listOrganisationRows(
  db: Queryable,
  parkId: string,
): Promise<{ spec: Organisation; archived: boolean }[]> {
  const { rows } = await db.query<{ spec: Organisation; archived: boolean }>(
    `SELECT spec, archived FROM organisation WHERE park_id = $1 ORDER BY position, archived, code`,
    [parkId],
  );
  return rows;
}

export async function listSites(db: Queryable, parkId: string): Promise<Site[]> {
  const { rows } = await db.query<{ spec: Site }>(
    `SELECT spec FROM site WHERE park_id = $1 AND NOT archived ORDER BY position`,
    [parkId],
  );
  return rows.map((r) => r.spec);
}
