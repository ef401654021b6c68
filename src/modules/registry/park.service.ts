/** Applying and exporting park definitions; looking up parks and meters. */
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import { parseDateOrInstant } from '../../lib/time.ts';
import { quantityUnitFor } from '../../lib/units.ts';
import { inTransaction } from '../../db/copy.ts';
import type { Meter, ParkDefinition } from './park-model.ts';
import * as repo from './park.repo.ts';
import type { MeterRow, ParkRow, UpsertCounts } from './park.repo.ts';

export type { MeterRow, ParkRow, UpsertCounts };

/** What `park apply` did. */
export interface ApplySummary {
  parkId: string;
  park: 'created' | 'updated' | 'unchanged';
  organisations: UpsertCounts;
  sites: UpsertCounts;
  meters: UpsertCounts;
  /**
   * Meters whose derivation settings changed while they hold readings (now or in an earlier apply whose
   * re-derivation did not finish): their quantities must be derived again.
   */
  metersToRederive: number[];
  /** Meters without a capacity: no spike detection for them. */
  metersWithoutCapacity: string[];
}

/** Fields that change how readings turn into quantities. */
const DERIVATION_FIELDS = [
  'readingKind',
  'unit',
  'multiplier',
  'intervalMinutes',
  'intervalStamp',
  'capacity',
  'rolloverAt',
  'replacements',
] as const satisfies readonly (keyof Meter)[];

function derivationKey(meter: Meter): string {
  return JSON.stringify(DERIVATION_FIELDS.map((f) => meter[f] ?? null));
}

function resolveInstant(text: string | undefined, timeZone: string, field: string): number | null {
  if (text === undefined) return null;
  const parsed = parseDateOrInstant(text, timeZone);
  if (!parsed.ok) throw new AppError('BAD_INPUT', `${field}: ${parsed.reason}`);
  return parsed.atMs;
}

/** Creates or updates a park from a validated definition, idempotently: applying the same file twice changes nothing. */
export async function applyParkDefinition(pool: pg.Pool, def: ParkDefinition): Promise<ApplySummary> {
  const tz = def.park.timezone;
  const writes: repo.MeterWrite[] = def.meters.map((m, i) => ({
    spec: m,
    quantityUnit: quantityUnitFor(m.unit) ?? m.unit,
    installedAtMs: resolveInstant(m.installedAt, tz, `meters[${i}].installedAt`),
    removedAtMs: resolveInstant(m.removedAt, tz, `meters[${i}].removedAt`),
    replacements: (m.replacements ?? []).map((r, j) => ({
      atMs: resolveInstant(r.at, tz, `meters[${i}].replacements[${j}].at`) ?? 0,
      oldFinalReading: r.oldFinalReading,
      newInitialReading: r.newInitialReading,
    })),
  }));
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(7300, hashtext($1))', [def.park.id]);
    const before = new Map((await repo.listMeters(client, def.park.id)).map((m) => [m.code, m]));
    const park = await repo.upsertPark(client, def.park);
    const organisations = await repo.syncOrganisations(client, def.park.id, def.organisations);
    const sites = await repo.syncSites(client, def.park.id, def.sites ?? []);
    const meters = await repo.syncMeters(client, def.park.id, writes);
    const changed = def.meters
      .map((m) => ({ m, old: before.get(m.id) }))
      .filter(({ m, old }) => old !== undefined && derivationKey(old.spec) !== derivationKey(m))
      .map(({ old }) => old!.id);
    if (changed.length > 0) {
      // Marked in the same transaction as the new settings, so an interrupted re-derivation is resumed next time.
      await client.query(
        `UPDATE meter m SET needs_rederive = true WHERE m.id = ANY($1::int[])
           AND EXISTS (SELECT 1 FROM reading r WHERE r.meter_id = m.id)`,
        [changed],
      );
    }
    const changedAnything =
      park !== 'unchanged' ||
      [organisations, sites, meters].some((c) => c.created + c.updated + c.archived > 0);
    // In the same transaction as the change: a process that sees the new version sees the new definition.
    if (changedAnything) await repo.bumpDefinitionVersion(client, def.park.id);
    const { rows } = await client.query<{ id: number }>(
      'SELECT id FROM meter WHERE park_id = $1 AND needs_rederive ORDER BY id',
      [def.park.id],
    );
    const metersToRederive = rows.map((r) => r.id);
    return {
      parkId: def.park.id,
      park,
      organisations,
      sites,
      meters,
      metersToRederive,
      metersWithoutCapacity: def.meters.filter((m) => m.capacity === undefined).map((m) => m.id),
    };
  });
}

/** The park's current definition, as `park apply` would accept it. */
export async function exportPark(pool: pg.Pool, parkId: string): Promise<ParkDefinition> {
  const park = await getPark(pool, parkId);
  const [organisations, sites, meters] = await Promise.all([
    repo.listOrganisations(pool, parkId),
    repo.listSites(pool, parkId),
    repo.listMeters(pool, parkId),
  ]);
  const def: ParkDefinition = {
    version: 1,
    park: park.spec,
    organisations,
    meters: meters.filter((m) => !m.archived).map((m) => m.spec),
  };
  if (sites.length > 0) def.sites = sites;
  return def;
}

export async function getPark(pool: pg.Pool | pg.PoolClient, parkId: string): Promise<ParkRow> {
  const park = await repo.findPark(pool, parkId);
  if (!park)
    throw new AppError(
      'NOT_FOUND',
      `no park "${parkId}"; apply a park definition first (lingtan park apply)`,
    );
  return park;
}

export const findPark = repo.findPark;
export const listParks = repo.listParks;
export const listMeters = repo.listMeters;
export const findMeter = repo.findMeter;
export const listMetersById = repo.listMetersById;
export const listOrganisations = repo.listOrganisations;
