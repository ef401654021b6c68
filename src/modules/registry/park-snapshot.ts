/**
 * A park's definition as the request path reads it — the park row, its meters and organisations — kept in memory
 * per process and per pool, and checked against the park's `definition_version` with one small query on every use,
 * so that an apply by any process (the CLI, another server) is seen at once (docs/adr/0008).
 */
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import type { Organisation } from './park-model.ts';
import * as repo from './park.repo.ts';
import type { MeterRow, ParkRow } from './park.repo.ts';

/** A park's definition at one version. Frozen and shared by every caller: read it, never change it. */
export interface ParkSnapshot {
  readonly definitionVersion: number;
  /** The park row as of this version (its `dataVersion` is left out: it moves with every commit). */
  readonly park: Readonly<Omit<ParkRow, 'dataVersion'>>;
  /** Every meter, archived ones included, in the order of `listMeters` (current ones in file order first). */
  readonly meters: readonly MeterRow[];
  readonly metersByCode: ReadonlyMap<string, MeterRow>;
  readonly metersById: ReadonlyMap<number, MeterRow>;
  /** The current organisations in file order (as `listOrganisations`). */
  readonly organisations: readonly Organisation[];
  /** The same with the archived ones (as `listOrganisations(…, true)`). */
  readonly allOrganisations: readonly Organisation[];
}

interface Entry {
  snapshot?: ParkSnapshot;
  /** A load under way, and the version that asked for it (concurrent callers share it). */
  loading?: { forVersion: number; promise: Promise<ParkSnapshot> };
}

const byPool = new WeakMap<pg.Pool, Map<string, Entry>>();

const noPark = (parkId: string) =>
  new AppError('NOT_FOUND', `no park "${parkId}"; apply a park definition first (lingtan park apply)`);

/**
 * The park's current definition: from memory when its version is still the park's, else loaded again (one load at a
 * time per park). One query per call when nothing changed; NOT_FOUND when there is no such park. A caller that has
 * just read the park's version (the server's gate reads the park row for every request) passes it as `knownVersion`
 * and saves that query.
 */
export async function parkSnapshot(
  pool: pg.Pool,
  parkId: string,
  knownVersion?: number,
): Promise<ParkSnapshot> {
  let parks = byPool.get(pool);
  if (!parks) byPool.set(pool, (parks = new Map<string, Entry>()));
  const known = knownVersion === undefined ? undefined : parks.get(parkId)?.snapshot;
  if (known && knownVersion !== undefined && known.definitionVersion >= knownVersion) return known;
  const version = knownVersion ?? (await repo.findDefinitionVersion(pool, parkId));
  if (version === undefined) {
    parks.delete(parkId);
    throw noPark(parkId);
  }
  let entry = parks.get(parkId);
  // A snapshot newer than the version read (loaded meanwhile) is as good: versions only grow.
  if (entry?.snapshot && entry.snapshot.definitionVersion >= version) return entry.snapshot;
  if (entry?.loading && entry.loading.forVersion >= version) return entry.loading.promise;
  if (!entry) parks.set(parkId, (entry = {}));
  const target = entry;
  const promise = loadSnapshot(pool, parkId).then(
    (snapshot) => {
      if (target.loading?.promise === promise) target.loading = undefined;
      if (!target.snapshot || target.snapshot.definitionVersion < snapshot.definitionVersion) {
        target.snapshot = snapshot;
      }
      return snapshot;
    },
    (error: unknown) => {
      if (target.loading?.promise === promise) target.loading = undefined;
      throw error;
    },
  );
  target.loading = { forVersion: version, promise };
  return promise;
}

/**
 * Reads the park row (with its version) first, then meters and organisations: they are at least as new as the
 * version they are filed under, so a change made meanwhile only makes the next call load again.
 */
async function loadSnapshot(pool: pg.Pool, parkId: string): Promise<ParkSnapshot> {
  const row = await repo.findPark(pool, parkId);
  if (!row) throw noPark(parkId);
  const [meters, organisationRows] = await Promise.all([
    repo.listMeters(pool, parkId),
    repo.listOrganisationRows(pool, parkId),
  ]);
  const park = {
    id: row.id,
    name: row.name,
    province: row.province,
    timezone: row.timezone,
    gridRegion: row.gridRegion,
    spec: row.spec,
    definitionVersion: row.definitionVersion,
  };
  for (const m of meters) deepFreeze(m);
  for (const o of organisationRows) deepFreeze(o.spec);
  return Object.freeze({
    definitionVersion: row.definitionVersion,
    park: deepFreeze(park),
    meters: Object.freeze(meters),
    metersByCode: new Map(meters.map((m) => [m.code, m])),
    metersById: new Map(meters.map((m) => [m.id, m])),
    organisations: Object.freeze(organisationRows.filter((o) => !o.archived).map((o) => o.spec)),
    allOrganisations: Object.freeze(organisationRows.map((o) => o.spec)),
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
