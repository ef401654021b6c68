/**
 * The write API through `app.inject()`: readings as JSON and CSV go through the one pipeline (hand-computed
 * quantities), bad items become rejected records naming their field, an import job reports progress and its result,
 * and a bad park file is answered with every issue by line.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, createUser, login } from '../src/modules/access/index.ts';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import { buildApp, type LingtanApp } from '../src/server/app.ts';
import type { ImportJob, IngestResultView } from '../src/server/api-types.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { NOW, smallPark } from './helpers/small-park.ts';

let db: TestDatabase;
let app: LingtanApp;
let admin = '';
let gateway = '';

const P = '/api/parks/p1';
const at = (hhmm: string) => `2025-01-02T${hhmm}:00+08:00`;

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, smallPark());
  await createUser(
    db.pool,
    { username: 'admin', role: 'park_admin', password: 'admin-password', parkId: 'p1' },
    't',
  );
  admin = (await login(db.pool, 'admin', 'admin-password')).token;
  gateway = (await createGateway(db.pool, 'p1', { id: 'gw' }, 't')).token;
  app = await buildApp({ pool: db.pool, now: () => NOW });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

async function quantity(meter: string, fromHhmm: string, toHhmm: string): Promise<number> {
  const res = await app.inject({
    method: 'GET',
    url: `${P}/meters/${meter}/series?period=2025-01-02&resolution=15m`,
    headers: { authorization: `Bearer ${admin}` },
  });
  const { points } = res.json<{ points: { startMs: number; quantity: number | null }[] }>();
  const from = Date.parse(at(fromHhmm));
  const to = Date.parse(at(toHhmm));
  return points.filter((p) => p.startMs >= from && p.startMs < to).reduce((s, p) => s + (p.quantity ?? 0), 0);
}

describe('readings over HTTP', () => {
  it('stores a JSON batch from a gateway, and a re-send changes nothing', async () => {
    const body = {
      readings: [
        // E-SUB1 is a cumulative kWh register: 500 → 520 → 545 gives 20 and 25 kWh.
        { meter: 'E-SUB1', at: at('00:00'), value: 500 },
        { meter: 'E-SUB1', at: at('00:15'), value: 520 },
        { meter: 'E-SUB1', at: at('00:30'), value: 545 },
      ],
    };
    const send = () =>
      app.inject({
        method: 'POST',
        url: `${P}/readings`,
        headers: { authorization: `Bearer ${gateway}` },
        payload: body,
      });
    const first = (await send()).json<IngestResultView>();
    expect(first).toMatchObject({ received: 3, inserted: 3, unchanged: 0, revised: 0, rejected: 0 });
    const again = (await send()).json<IngestResultView>();
    expect(again).toMatchObject({ received: 3, inserted: 0, unchanged: 3, rejected: 0 });
    expect(await quantity('E-SUB1', '00:00', '00:30')).toBe(45);
    const { rows } = await db.pool.query<{ source: string; actor: string }>(
      'SELECT source, actor FROM ingest_batch WHERE id = $1',
      [first.batchId],
    );
    expect(rows[0]).toEqual({ source: 'http:gw', actor: 'gateway:gw' });
  });

  it('takes a CSV body, with line numbers on its rejections', async () => {
    const csv = [
      'meter,at,value',
      `E-SUB2,${at('00:15')},12.5`, // interval meter: 12.5 kWh
      `E-SUB2,${at('00:30')},7.5`, // 7.5 kWh
      `E-SUB2,${at('00:45')},lots`, // line 4: not a number
      'E-SUB2,only-two-fields', // line 5: wrong field count
    ].join('\n');
    const res = await app.inject({
      method: 'POST',
      url: `${P}/readings?fileName=sub2.csv`,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json<IngestResultView>();
    expect(r).toMatchObject({ received: 4, inserted: 2, rejected: 2 });
    expect(r.rejections.map((x) => [x.line, x.field])).toEqual([
      [4, 'value'],
      [5, 'line'],
    ]);
    expect(await quantity('E-SUB2', '00:00', '01:00')).toBe(20);
  });

  it('keeps JSON items that are not readings as rejected records naming the field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `${P}/readings`,
      headers: { authorization: `Bearer ${admin}` },
      payload: {
        readings: [{ meter: 'E-SUB2', at: at('01:00'), value: 3 }, { meter: 'E-SUB2', value: 1 }, 42],
      },
    });
    const r = res.json<IngestResultView>();
    expect(r).toMatchObject({ received: 3, inserted: 1, rejected: 2 });
    expect(r.rejections.map((x) => [x.line, x.field])).toEqual([
      [2, 'at'],
      [3, 'reading'],
    ]);
    expect(r.rejections[1]!.raw).toBe('42');
  });

  it('refuses a body that is not a batch, with a message', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `${P}/readings`,
      headers: { authorization: `Bearer ${admin}` },
      payload: { values: [] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain('"readings"');
  });
});

describe('import jobs', () => {
  it('stores the upload, imports it in the background and reports the result', async () => {
    // G-1 is a cumulative m3 register: 100 → 110 → 130 gives 10 and 20 m3.
    const csv = `meter,at,value\nG-1,${at('02:00')},100\nG-1,${at('02:15')},110\nG-1,${at('02:30')},130\nNOPE,${at('02:30')},1\n`;
    const res = await app.inject({
      method: 'POST',
      url: `${P}/imports?fileName=gas.csv`,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(202);
    const job = res.json<ImportJob>();
    expect(job).toMatchObject({ fileName: 'gas.csv', bytesTotal: Buffer.byteLength(csv) });
    await app.imports.drain();
    const done = (
      await app.inject({
        method: 'GET',
        url: `${P}/imports/${job.id}`,
        headers: { authorization: `Bearer ${admin}` },
      })
    ).json<ImportJob>();
    expect(done).toMatchObject({
      status: 'done',
      rowsDone: 5,
      result: { received: 4, inserted: 3, rejected: 1 },
      error: null,
    });
    expect(await quantity('G-1', '02:00', '03:00')).toBe(30);
  });
});

describe('the park definition', () => {
  it('round-trips: what GET gives, PUT applies with nothing changed', async () => {
    const headers = { authorization: `Bearer ${admin}` };
    const yaml = (await app.inject({ method: 'GET', url: `${P}/definition`, headers })).body;
    const res = await app.inject({
      method: 'PUT',
      url: `${P}/definition`,
      headers: { ...headers, 'content-type': 'application/yaml' },
      payload: yaml,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      park: 'unchanged',
      meters: { created: 0, updated: 0, archived: 0, unchanged: 5 },
    });
  });

  it('answers a bad file with every issue by line', async () => {
    const text = fs
      .readFileSync('test/fixtures/small-park.yaml', 'utf8')
      .replace('unit: m3', 'unit: parsecs');
    const line = text.split('\n').findIndex((l) => l.includes('parsecs')) + 1;
    const res = await app.inject({
      method: 'PUT',
      url: `${P}/definition`,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/yaml' },
      payload: text,
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ issues: { line: number; field: string }[] }>();
    expect(body.issues).toEqual([
      expect.objectContaining({ line, field: expect.stringContaining('unit') as unknown }),
    ]);
  });

  it('refuses a file for another park', async () => {
    const text = fs.readFileSync('test/fixtures/small-park.yaml', 'utf8').replace('id: p1', 'id: p9');
    const res = await app.inject({
      method: 'PUT',
      url: `${P}/definition`,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/yaml' },
      payload: text,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain('p9');
  });
});

describe('OpenAPI', () => {
  it('documents every API route from the same schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const routes = app.routeTable.filter((r) => r.url.startsWith('/api/')).map((r) => `${r.method} ${r.url}`);
    expect(documented.sort()).toEqual(routes.sort());
    // The period parameter carries its description from the TypeBox schema.
    const overview = doc.paths['/api/parks/{park}/overview']!.get as {
      parameters: { name: string; description?: string }[];
    };
    expect(overview.parameters.find((p) => p.name === 'period')?.description).toContain('2025-Q1');
  });
});
