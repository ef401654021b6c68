/**
 * What keeps the dashboard fast without ever answering from stale data (ADR 0008): each meter's latest reading
 * (`meter_latest`) kept by the commit and backfilled by the migration; silent meters judged from it; the park's
 * definition and data versions; the in-memory park definition (`parkSnapshot`); and the server's answer cache —
 * scoped per caller, and invalidated by writes of another process (here: another pool on the same schema).
 * Expected values come from the test's own list of readings (a brute-force oracle), not from the code under test.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.ts';
import { createUser, login } from '../src/modules/access/index.ts';
import { parkOverview, SILENT_AFTER_MS } from '../src/modules/energy/index.ts';
import {
  applyParkDefinition,
  findPark,
  parkSnapshot,
  type ParkDefinition,
} from '../src/modules/registry/index.ts';
import {
  commitBatches,
  energyByCarrier,
  energyByCarrierOver,
  ingestBatch,
  lastReadingAt,
  loadParkMeters,
  parsePeriod,
  prepareBatch,
  rederiveMeters,
  type ReadingRecord,
} from '../src/modules/telemetry/index.ts';
import { buildApp, type LingtanApp } from '../src/server/app.ts';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from './helpers/db.ts';
import { NOW, smallPark, TZ } from './helpers/small-park.ts';

let db: TestDatabase;
/** A second pool on the same schema: "another process" (the CLI, an MQTT worker, another server). */
let other: Database;

const at = (local: string) => Date.parse(`${local}+08:00`);
const rec = (meter: string, local: string, value: number): ReadingRecord => ({
  meter,
  at: `${local}+08:00`,
  value,
});

/** Every reading the tests store, by meter (the oracle's data). */
const READINGS: ReadingRecord[] = [
  rec('E-MAIN', '2025-01-10T00:00:00', 1),
  rec('E-MAIN', '2025-01-10T00:15:00', 2),
  rec('E-MAIN', '2025-03-01T00:15:00', 3),
  rec('PV-1', '2025-01-31T12:00:00', 100),
  rec('PV-1', '2025-02-28T23:00:00', 100),
  rec('PV-1', '2025-03-05T00:00:00', 100),
  rec('G-1', '2025-02-19T00:00:00', 40),
  rec('G-1', '2025-02-20T00:00:00', 50),
  rec('G-1', '2025-02-27T10:00:00', 100),
];

/** Every reading stored so far: READINGS, and what the tests add. */
const stored: ReadingRecord[] = [...READINGS];

/** The oracle: the last reading of `meter` at or before `atMs` among `readings`. */
function lastAtOrBefore(readings: readonly ReadingRecord[], meter: string, atMs: number): number | undefined {
  const times = readings.filter((r) => r.meter === meter).map((r) => Date.parse(r.at));
  const before = times.filter((t) => t <= atMs);
  return before.length > 0 ? Math.max(...before) : undefined;
}

/** The oracle's silent meters at T (all five meters are in service from 2025-01-01): code → last reading or null. */
function silentAt(readings: readonly ReadingRecord[], T: number): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const code of ['E-MAIN', 'E-SUB1', 'E-SUB2', 'PV-1', 'G-1']) {
    const last = lastAtOrBefore(readings, code, T);
    if (last === undefined || last <= T - SILENT_AFTER_MS) out.set(code, last ?? null);
  }
  return out;
}

async function meterIds(): Promise<Map<string, number>> {
  const { rows } = await db.pool.query<{ code: string; id: number }>('SELECT code, id FROM meter');
  return new Map(rows.map((r) => [r.code, r.id]));
}

async function versions(pool = db.pool) {
  const park = await findPark(pool, 'p1');
  return { definition: park!.definitionVersion, data: park!.dataVersion };
}

beforeAll(async () => {
  db = await createTestDatabase();
  other = await openDatabase({
    databaseUrl: testDatabaseUrl(),
    dataDir: '',
    port: 0,
    schema: db.schema,
    poolSize: 2,
  });
  await applyParkDefinition(db.pool, smallPark());
  const park = await loadParkMeters(db.pool, 'p1');
  // Out of order and in pieces: the latest reading of a meter may come first.
  const late = READINGS.filter((r) => r.at.startsWith('2025-03'));
  const early = READINGS.filter((r) => !r.at.startsWith('2025-03'));
  await ingestBatch(db.pool, park, late, { source: 'test', nowMs: NOW });
  // The rest as one group commit of two batches (the MQTT path).
  await commitBatches(db.pool, park, [
    { prepared: prepareBatch(park, early.slice(0, 4), NOW), options: { source: 'test' } },
    { prepared: prepareBatch(park, early.slice(4), NOW), options: { source: 'test' } },
  ]);
});
afterAll(async () => {
  await other?.close();
  await db?.close();
});

describe("each meter's latest reading (meter_latest)", () => {
  async function latestTable(): Promise<Map<number, number>> {
    const { rows } = await db.pool.query<{ id: number; atMs: number }>(
      'SELECT meter_id AS id, last_at AS "atMs" FROM meter_latest',
    );
    return new Map(rows.map((r) => [r.id, r.atMs]));
  }

  it('is the time of the latest reading, whatever the order of arrival', async () => {
    const ids = await meterIds();
    const expected = new Map<number, number>();
    for (const code of ['E-MAIN', 'PV-1', 'G-1']) {
      expected.set(ids.get(code)!, lastAtOrBefore(READINGS, code, Infinity)!);
    }
    expect(await latestTable()).toEqual(expected);
    // The same as a scan of the readings.
    const { rows } = await db.pool.query<{ id: number; atMs: number }>(
      'SELECT meter_id AS id, max(at) AS "atMs" FROM reading GROUP BY meter_id',
    );
    expect(await latestTable()).toEqual(new Map(rows.map((r) => [r.id, r.atMs])));
  });

  it('does not move back for a late reading, nor for a repeated or revised one', async () => {
    const before = await latestTable();
    const park = await loadParkMeters(db.pool, 'p1');
    const late = rec('G-1', '2025-02-10T00:00:00', 10);
    await ingestBatch(db.pool, park, [late, rec('PV-1', '2025-03-05T00:00:00', 120)], {
      source: 'test',
      nowMs: NOW,
    });
    stored.push(late);
    expect(await latestTable()).toEqual(before);
    // Put PV-1's revised value back, so the other tests see READINGS as stored.
    await ingestBatch(db.pool, park, [rec('PV-1', '2025-03-05T00:00:00', 100)], {
      source: 'test',
      nowMs: NOW,
    });
  });

  it('is what the migration backfills from the readings', async () => {
    const kept = await latestTable();
    const migration = fs.readFileSync('src/db/migrations/0003_versions_and_latest.sql', 'utf8');
    const backfill = /INSERT INTO meter_latest[^;]+;/.exec(migration)?.[0];
    expect(backfill).toBeDefined();
    await db.pool.query('DELETE FROM meter_latest');
    await db.pool.query(backfill!);
    expect(await latestTable()).toEqual(kept);
  });

  it('answers lastReadingAt at any time as a probe of the readings would', async () => {
    const ids = await meterIds();
    const codes = ['E-MAIN', 'E-SUB1', 'E-SUB2', 'PV-1', 'G-1'];
    for (const T of [
      at('2025-01-01T00:00:00'),
      at('2025-01-10T00:15:00'),
      at('2025-02-20T00:00:00'),
      at('2025-02-28T23:59:59'),
      at('2025-03-01T00:15:00'),
      Infinity,
    ]) {
      const expected = new Map<number, number>();
      for (const code of codes) {
        const last = lastAtOrBefore(stored, code, T);
        if (last !== undefined) expected.set(ids.get(code)!, last);
      }
      expect(await lastReadingAt(db.pool, [...ids.values()], T), `T = ${T}`).toEqual(expected);
    }
  });
});

describe('silent meters', () => {
  // T = min(period end, now) with now = NOW (2026): the period's end.
  const cases: [period: string, T: string][] = [
    // T = 2025-03-01 00:00. E-MAIN's next reading is at 00:15, after T: judged from its readings up to T (2025-01-10
    // 00:15, silent). PV-1 read at 2025-02-28 23:00, within 24 h: not silent, though it has later readings too.
    // G-1's latest, 2025-02-27 10:00, is more than 24 h before T. E-SUB1 and E-SUB2 never sent a reading.
    ['2025-02', '2025-03-01T00:00:00'],
    // T = 2025-02-21 00:00: G-1's reading at 2025-02-20 00:00 is exactly 24 h before T: silent (at or before T − 24 h).
    ['2025-02-20', '2025-02-21T00:00:00'],
    // T = 2025-02-20 00:00: G-1 read at T itself: not silent.
    ['2025-02-19', '2025-02-20T00:00:00'],
    // T = 2025-01-11 00:00: E-MAIN read within 24 h; PV-1 had not started; G-1 neither.
    ['2025-01-10', '2025-01-11T00:00:00'],
    // T = 2025-01-12 00:00: E-MAIN's 2025-01-10 00:15 is more than 24 h before.
    ['2025-01-11', '2025-01-12T00:00:00'],
    // T = 2025-03-06 00:00: PV-1's latest reading of all, 2025-03-05 00:00, is exactly 24 h before T: silent.
    ['2025-03-05', '2025-03-06T00:00:00'],
    // T = 2025-03-05 00:00: PV-1 read at T.
    ['2025-03-04', '2025-03-05T00:00:00'],
  ];

  it.for(cases)('%s: the alarms name exactly the meters the readings say (T = %s)', async ([label, T]) => {
    const o = await parkOverview(db.pool, 'p1', parsePeriod(label, TZ), { nowMs: NOW });
    const silent = o.alarms.filter((a) => a.kind === 'silent_meter');
    const expected = silentAt(stored, at(T));
    expect(new Map(silent.map((a) => [a.meter, a.sinceMs]))).toEqual(expected);
    // E-MAIN, PV-1 and G-1 are boundary meters (errors); E-SUB1 and E-SUB2 sub-meters (warnings).
    const boundary = [...expected.keys()].filter((m) => !m.startsWith('E-SUB'));
    expect(o.completeness.silentMeters).toBe(boundary.length);
    for (const a of silent) expect(a.severity).toBe(a.meter!.startsWith('E-SUB') ? 'warning' : 'error');
  });

  it('2025-02 by hand: E-MAIN since 2025-01-10 00:15, G-1 since 2025-02-27 10:00, the sub-meters never', () => {
    expect(silentAt(READINGS, at('2025-03-01T00:00:00'))).toEqual(
      new Map([
        ['E-MAIN', at('2025-01-10T00:15:00')],
        ['E-SUB1', null],
        ['E-SUB2', null],
        ['G-1', at('2025-02-27T10:00:00')],
      ]),
    );
  });
});

describe('energy by carrier of several periods in one statement', () => {
  it('equals energyByCarrier of each period, whatever rollup level (or none) tiles it', async () => {
    // A year (month rollups), a day (day rollups), a range of hours (hour rollups) and one in 15-minute slots.
    const periods = [
      '2025',
      '2025-02-27',
      '2025-02-27T08:00:00+08:00..2025-02-28T13:00:00+08:00',
      '2025-02-27T09:45:00+08:00..2025-02-28T12:15:00+08:00',
    ].map((p) => parsePeriod(p, TZ));
    const together = await energyByCarrierOver(db.pool, 'p1', periods, NOW);
    const one = await Promise.all(periods.map((p) => energyByCarrier(db.pool, 'p1', p, NOW)));
    expect(together).toEqual(one);
    // G-1's gas is in every one of them (its readings of 2025-02-27 10:00 and after).
    for (const r of together) expect(r.park.find((g) => g.carrier === 'natural_gas')?.net).toBeGreaterThan(0);
  });
});

describe("the park's versions", () => {
  it('a commit gives the park a new data version, even one that only rejects', async () => {
    const park = await loadParkMeters(db.pool, 'p1');
    const v0 = await versions();
    await ingestBatch(db.pool, park, [rec('NO-SUCH', '2025-01-01T00:00:00', 1)], {
      source: 'test',
      nowMs: NOW,
    });
    const v1 = await versions();
    expect(v1.data).not.toBe(v0.data);
    expect(v1.definition).toBe(v0.definition);
  });

  it('an apply that changes nothing keeps the definition version; one that changes something does not', async () => {
    const v0 = await versions();
    const same = await applyParkDefinition(other.pool, smallPark());
    expect(same.park).toBe('unchanged');
    expect(await versions()).toEqual(v0);
    const def = smallPark();
    def.organisations[1]!.name = '乙公司（改）';
    await applyParkDefinition(other.pool, def);
    const v1 = await versions();
    expect(v1.definition).not.toBe(v0.definition);
    expect(v1.data).toBe(v0.data);
    await applyParkDefinition(other.pool, smallPark());
  });

  it('a re-derivation gives the park a new data version', async () => {
    const def = smallPark();
    def.meters.find((m) => m.id === 'G-1')!.multiplier = 2;
    const summary = await applyParkDefinition(db.pool, def);
    expect(summary.metersToRederive).toHaveLength(1);
    const v0 = await versions();
    await rederiveMeters(db.pool, summary.metersToRederive);
    expect((await versions()).data).not.toBe(v0.data);
    await rederiveMeters(db.pool, (await applyParkDefinition(db.pool, smallPark())).metersToRederive);
  });
});

describe("the park's definition in memory (parkSnapshot)", () => {
  it('is loaded once, shared, and frozen', async () => {
    const a = await parkSnapshot(db.pool, 'p1');
    const b = await parkSnapshot(db.pool, 'p1');
    expect(b).toBe(a);
    expect(a.meters.map((m) => m.code)).toEqual(['E-MAIN', 'E-SUB1', 'E-SUB2', 'PV-1', 'G-1']);
    expect(a.metersByCode.get('G-1')?.spec.carrier).toBe('natural_gas');
    expect(() => {
      (a.meters[0] as { code: string }).code = 'X';
    }).toThrow(TypeError);
    expect(() => {
      (a.meters[0]!.spec as { carrier: string }).carrier = 'X';
    }).toThrow(TypeError);
    expect(() => (a.meters as unknown[]).push(1)).toThrow(TypeError);
  });

  it('sees an apply by another process at once, and a deleted park as not found', async () => {
    const before = await parkSnapshot(db.pool, 'p1');
    const def: ParkDefinition = smallPark();
    def.meters.push({
      id: 'W-1',
      organisation: 'org-b',
      carrier: 'water',
      role: 'import',
      readingKind: 'interval',
      unit: 'm3',
    });
    await applyParkDefinition(other.pool, def);
    const after = await parkSnapshot(db.pool, 'p1');
    expect(after).not.toBe(before);
    expect(after.metersByCode.has('W-1')).toBe(true);
    // Taken out of the definition: archived, still listed (its history stays).
    await applyParkDefinition(other.pool, smallPark());
    const archived = await parkSnapshot(db.pool, 'p1');
    expect(archived.metersByCode.get('W-1')?.archived).toBe(true);
    await expect(parkSnapshot(db.pool, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('the answer cache of the dashboard API', () => {
  let app: LingtanApp;
  let plain: LingtanApp;
  const tokens = { admin: '', enterprise: '' };
  let nowMs = NOW;

  beforeAll(async () => {
    app = await buildApp({ pool: db.pool, now: () => nowMs });
    // The same server without the cache: every answer computed afresh.
    plain = await buildApp({ pool: db.pool, now: () => nowMs, answerCache: false });
    await createUser(
      db.pool,
      { username: 'adm', role: 'park_admin', password: 'adm-password', parkId: 'p1' },
      't',
    );
    await createUser(
      db.pool,
      {
        username: 'ent',
        role: 'enterprise_user',
        password: 'ent-password',
        parkId: 'p1',
        organisation: 'org-a',
      },
      't',
    );
    tokens.admin = (await login(db.pool, 'adm', 'adm-password')).token;
    tokens.enterprise = (await login(db.pool, 'ent', 'ent-password')).token;
  });
  afterAll(async () => {
    await app?.close();
    await plain?.close();
  });

  const get = async (who: keyof typeof tokens, url: string, server = app) => {
    const res = await server.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${tokens[who]}` },
    });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    return res.body;
  };
  const hits = async () =>
    (await app.inject({ method: 'GET', url: '/api/metrics' })).json<{ answerCache: { hits: number } }>()
      .answerCache.hits;

  const URLS = [
    '/api/parks/p1',
    '/api/parks/p1/overview?period=2025-02',
    '/api/parks/p1/trend?period=2025-02&resolution=day',
    '/api/parks/p1/flow?period=2025-02',
    '/api/parks/p1/organisations?period=2025-02',
    '/api/parks/p1/organisations/org-a?period=2025-02',
    '/api/parks/p1/meters',
    '/api/parks/p1/meters/E-MAIN/series?period=2025-01&resolution=day',
  ];

  it('gives an enterprise user and a park admin asking the same URL their own answers from a warm cache', async () => {
    for (const url of URLS) {
      // Warm: each caller asks twice, alternately; the second answers come from the cache.
      const admin1 = await get('admin', url);
      const ent1 = await get('enterprise', url);
      const before = await hits();
      const admin2 = await get('admin', url);
      const ent2 = await get('enterprise', url);
      expect(await hits(), url).toBe(before + 2);
      expect(admin2).toBe(admin1);
      expect(ent2).toBe(ent1);
      // The same answers as a server without the cache gives each of them.
      expect(admin1).toBe(await get('admin', url, plain));
      expect(ent1).toBe(await get('enterprise', url, plain));
      // Nothing of org-b in the enterprise user's answer; the admin's whole-park answers name it (the organisation
      // page and the series are org-a's for both).
      for (const word of ['org-b', '乙公司', 'PV-1', 'G-1']) expect(ent1, url).not.toContain(word);
      if (!url.includes('org-a') && !url.includes('series')) expect(admin1, url).not.toBe(ent1);
    }
  });

  it('answers a new reading committed by another process at once', async () => {
    const url = '/api/parks/p1/overview?period=2025-02';
    const cached = JSON.parse(await get('admin', url)) as {
      completeness: { silentMeters: number };
      alarms: { kind: string; meter: string | null }[];
    };
    await get('admin', url);
    const silentBefore = cached.alarms.filter((a) => a.kind === 'silent_meter').map((a) => a.meter);
    expect(silentBefore).toContain('G-1');
    // An MQTT worker elsewhere commits a G-1 reading within the last 24 h of February.
    const park = await loadParkMeters(other.pool, 'p1');
    const added = rec('G-1', '2025-02-28T12:00:00', 130);
    await ingestBatch(other.pool, park, [added], { source: 'mqtt:gw', nowMs: NOW });
    const fresh = JSON.parse(await get('admin', url)) as typeof cached;
    stored.push(added);
    const expected = silentAt(stored, at('2025-03-01T00:00:00'));
    expect(new Set(fresh.alarms.filter((a) => a.kind === 'silent_meter').map((a) => a.meter))).toEqual(
      new Set(expected.keys()),
    );
    expect(expected.has('G-1')).toBe(false);
    expect(fresh.completeness.silentMeters).toBe(cached.completeness.silentMeters - 1);
    expect(JSON.stringify(fresh)).toBe(await get('admin', url, plain));
  });

  it('answers a definition applied by another process at once', async () => {
    const url = '/api/parks/p1/organisations?period=2025-02';
    expect(await get('admin', url)).toContain('乙公司');
    const def = smallPark();
    def.organisations[1]!.name = '乙新公司';
    await applyParkDefinition(other.pool, def);
    const fresh = await get('admin', url);
    expect(fresh).toContain('乙新公司');
    expect(fresh).toBe(await get('admin', url, plain));
    await applyParkDefinition(other.pool, smallPark());
  });

  it('never keeps an overview of a period that is still running (it depends on the instant)', async () => {
    const url = '/api/parks/p1/overview?period=2025-03';
    type Overview = { alarms: { kind: string; meter: string | null }[] };
    const silentMeters = (body: string) =>
      (JSON.parse(body) as Overview).alarms.filter((a) => a.kind === 'silent_meter').map((a) => a.meter);
    try {
      // PV-1 read at 2025-03-05 00:00: not silent at 12:00 that day, silent from 2025-03-06 00:00 on.
      nowMs = at('2025-03-05T12:00:00');
      expect(silentMeters(await get('admin', url))).not.toContain('PV-1');
      nowMs = at('2025-03-06T00:00:00');
      expect(silentMeters(await get('admin', url))).toContain('PV-1');
      expect(await get('admin', url)).toBe(await get('admin', url, plain));
    } finally {
      nowMs = NOW;
    }
  });
});
