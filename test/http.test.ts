/**
 * The read API through `app.inject()` on the small park with a few readings: every endpoint answers what the library
 * answers (and the hand-computed numbers), and every error is JSON with a message, the right status and no stack.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, login } from '../src/modules/access/index.ts';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import {
  energyByCarrier,
  ingestBatch,
  loadParkMeters,
  meterSeries,
  parsePeriod,
  rejectedRecords,
  subMeterBalance,
} from '../src/modules/telemetry/index.ts';
import { buildApp } from '../src/server/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { NOW, reading, smallPark, TZ } from './helpers/small-park.ts';

let db: TestDatabase;
let app: FastifyInstance;

const r = (meter: string, hhmm: string, value: number | string, line?: number) =>
  reading(meter, hhmm, value, { line });

/** The library's answer as it looks after a trip through JSON. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

let token = '';

async function get(url: string) {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  return res;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, smallPark());
  const park = await loadParkMeters(db.pool, 'p1');
  await ingestBatch(
    db.pool,
    park,
    [
      // E-MAIN ×100, wraps at 10,000: 9,999 → 0.5 → 2 is 1.5 and 1.5 raw = 150 + 150 kWh.
      r('E-MAIN', '00:00', 9999),
      r('E-MAIN', '00:15', 0.5),
      r('E-MAIN', '00:30', 2),
      // E-SUB1: 1000 → 1040 → 1090 = 40 + 50 kWh.
      r('E-SUB1', '00:00', 1000),
      r('E-SUB1', '00:15', 1040),
      r('E-SUB1', '00:30', 1090),
      // E-SUB2 intervals: 30 + 25 kWh.
      r('E-SUB2', '00:15', 30),
      r('E-SUB2', '00:30', 25),
      // Two rejections.
      r('NO-SUCH', '00:15', 1, 10),
      r('E-SUB2', '00:45', 'abc', 11),
    ],
    { source: 'test', nowMs: NOW },
  );
  app = await buildApp({ pool: db.pool, now: () => NOW });
  await createUser(
    db.pool,
    { username: 'admin', role: 'park_admin', password: 'admin-password', parkId: 'p1' },
    't',
  );
  token = (await login(db.pool, 'admin', 'admin-password')).token;
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('the read API', () => {
  it('answers health', async () => {
    const res = await get('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: 'ok' });
  });

  it('lists the parks', async () => {
    const res = await get('/api/parks');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      parks: [
        {
          id: 'p1',
          name: '测试园区',
          province: 'yunnan',
          timezone: 'Asia/Shanghai',
          gridRegion: 'south',
          location: { latitude: 24.9, longitude: 102.5 },
        },
      ],
    });
  });

  it('lists the meters in file order with their rejected-record counts', async () => {
    const res = await get('/api/parks/p1/meters');
    expect(res.statusCode).toBe(200);
    const { meters } = res.json<{ meters: Record<string, unknown>[] }>();
    expect(meters.map((m) => [m.id, m.quantityUnit, m.archived, m.rejectedRecords])).toEqual([
      ['E-MAIN', 'kWh', false, 0],
      ['E-SUB1', 'kWh', false, 0],
      ['E-SUB2', 'kWh', false, 1], // the "abc" value
      ['PV-1', 'kWh', false, 0], // a kW meter: its quantities are kWh
      ['G-1', 'm3', false, 0],
    ]);
    expect(meters[0]).toMatchObject({
      multiplier: 100,
      rolloverAt: 10000,
      readingKind: 'cumulative',
      // E-MAIN's last reading was sent for 00:30 on 2025-01-01 (+08:00).
      lastReadingAtMs: Date.parse('2025-01-01T00:30:00+08:00'),
    });
  });

  it('gives a meter series equal to the library call', async () => {
    const res = await get('/api/parks/p1/meters/E-SUB1/series?period=2025-01-01&resolution=hour');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ points: { quantity: number | null }[]; resolution: string }>();
    const lib = await meterSeries(db.pool, 'p1', 'E-SUB1', parsePeriod('2025-01-01', TZ), 'hour', NOW);
    expect(body).toEqual(asJson(lib));
    // By hand: 24 hours; hour 00:00 = 40 + 50 = 90 kWh, two of four slots measured; then missing.
    expect(body.resolution).toBe('hour');
    expect(body.points).toHaveLength(24);
    expect(body.points[0]).toMatchObject({ quantity: 90, coverage: 0.5, status: 'partial' });
    expect(body.points[1]).toMatchObject({ quantity: null, status: 'missing' });
    // Without a resolution: days.
    const days = await get('/api/parks/p1/meters/E-SUB1/series?period=2025-01');
    expect(days.json<{ resolution: string; points: unknown[] }>()).toMatchObject({ resolution: 'day' });
    expect(days.json<{ points: unknown[] }>().points).toHaveLength(31);
  });

  it('gives energy by carrier equal to the library call', async () => {
    const res = await get('/api/parks/p1/energy?period=2025-01');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ park: { carrier: string; net: number }[] }>();
    expect(body).toEqual(asJson(await energyByCarrier(db.pool, 'p1', parsePeriod('2025-01', TZ), NOW)));
    // Park electricity: only the boundary meters count: E-MAIN 150 + 150; PV-1 has no readings.
    expect(body.park.find((g) => g.carrier === 'electricity')!.net).toBe(300);
  });

  it('gives the sub-meter balance equal to the library call', async () => {
    const res = await get('/api/parks/p1/balance?period=2025-01');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ balances: Record<string, unknown>[] }>();
    expect(body).toEqual(
      asJson({ balances: await subMeterBalance(db.pool, 'p1', parsePeriod('2025-01', TZ), undefined, NOW) }),
    );
    // E-MAIN 300; children 90 + 55 = 145; unmetered 155.
    expect(body.balances).toHaveLength(1);
    expect(body.balances[0]).toMatchObject({
      parent: 'E-MAIN',
      parentQuantity: 300,
      childrenQuantity: 145,
      unmetered: 155,
    });
  });

  it('lists the rejected records equal to the library call', async () => {
    const res = await get('/api/parks/p1/rejected');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ total: number; rows: { line: number; field: string }[] }>();
    expect(body).toEqual(asJson(await rejectedRecords(db.pool, 'p1', undefined, 100)));
    expect(body.total).toBe(2);
    expect(body.rows.map((x) => [x.line, x.field]).sort()).toEqual([
      [10, 'meter'],
      [11, 'value'],
    ]);
    const one = await get('/api/parks/p1/rejected?meter=E-SUB2&limit=1');
    expect(one.json()).toEqual(asJson(await rejectedRecords(db.pool, 'p1', 'E-SUB2', 1)));
  });
});

describe('errors', () => {
  const cases: [string, number, string][] = [
    ['/api/parks/nope/meters', 404, 'NOT_FOUND'],
    ['/api/parks/nope/energy?period=2025-01', 404, 'NOT_FOUND'],
    ['/api/parks/nope/meters/E-SUB1/series?period=2025-01', 404, 'NOT_FOUND'],
    ['/api/parks/p1/meters/NOPE/series?period=2025-01', 404, 'NOT_FOUND'],
    ['/api/parks/p1/balance?period=2025-01&meter=NOPE', 404, 'NOT_FOUND'],
    ['/api/parks/p1/energy?period=2025-13', 400, 'BAD_INPUT'],
    ['/api/parks/p1/energy?period=last-week', 400, 'BAD_INPUT'],
    ['/api/parks/p1/energy?period=2025-02-01..2025-01-01', 400, 'BAD_INPUT'],
    ['/api/parks/p1/energy', 400, 'BAD_INPUT'],
    ['/api/parks/p1/balance?period=2025-02-30', 400, 'BAD_INPUT'],
    ['/api/parks/p1/balance?period=2025-01&meter=E-SUB2', 400, 'BAD_INPUT'], // E-SUB2 has no sub-meters
    ['/api/parks/p1/meters/E-SUB1/series?period=2025-01-01&resolution=minute', 400, 'BAD_INPUT'],
    ['/api/parks/p1/meters/E-SUB1/series?period=2025-01-32&resolution=hour', 400, 'BAD_INPUT'],
    ['/api/parks/p1/rejected?limit=0', 400, 'BAD_INPUT'],
  ];

  it.for(cases)('%s → %i', async ([url, status, code]) => {
    const res = await get(url);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<Record<string, unknown>>();
    expect(body.error).toBe(code);
    expect(typeof body.message).toBe('string');
    expect((body.message as string).length).toBeGreaterThan(0);
    expect(body).not.toHaveProperty('stack');
    expect(res.body).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
  });

  it('names the unknown park in the message', async () => {
    const res = await get('/api/parks/nope/meters');
    expect(res.json<{ message: string }>().message).toContain('"nope"');
  });

  it('answers an unknown route with a 404 and no stack', async () => {
    const res = await get('/api/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json<{ message: string }>().message).toEqual(expect.any(String));
    expect(res.body).not.toMatch(/\n\s+at |\.ts:\d+|node_modules|"stack"/);
  });
});
