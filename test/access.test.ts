/**
 * Access control, on every endpoint: the test walks the app's route table and fails when a route has no entry here,
 * so a new route cannot ship without its access rules being tested. For each route and each caller (nobody, park
 * admin, auditor, enterprise user of org-a, gateway, admin of another park) it checks the status, and for the
 * enterprise user that nothing of org-b (its id, name or meters) appears in any answer, and that asking for org-b's
 * data directly is answered as if it did not exist.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, createUser, login } from '../src/modules/access/index.ts';
import { importCertificatesCsv, importGridShareCsv, importTradesCsv } from '../src/modules/green/index.ts';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import { ingestBatch, loadParkMeters } from '../src/modules/telemetry/index.ts';
import { buildApp, type LingtanApp } from '../src/server/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { NOW, reading, smallPark } from './helpers/small-park.ts';

type Caller = 'anonymous' | 'admin' | 'auditor' | 'enterprise' | 'gateway' | 'stranger';
const CALLERS: Caller[] = ['anonymous', 'admin', 'auditor', 'enterprise', 'gateway', 'stranger'];

let db: TestDatabase;
let app: LingtanApp;
const tokens: Partial<Record<Caller, string>> = {};

/** What org-a's enterprise user must never see. */
const FOREIGN = ['org-b', '乙公司', 'PV-1', 'G-1'];
const P = '/api/parks/p1';
const PERIOD = 'period=2025-01';

interface Probe {
  /** Callers that get a 2xx; every other authenticated caller of park p1 gets 403, the stranger 404. */
  allowed: Caller[];
  /** Builds the request (a fresh one per caller: writes use unique names). */
  request: (caller: Caller) => {
    method: string;
    url: string;
    payload?: string | object;
    contentType?: string;
  };
  /** The same route aimed at org-b's data: the enterprise user must get 404 (or 403 for writes). */
  foreign?: { method: string; url: string; payload?: object; status: number };
  /** Public routes: anyone, logged in or not. */
  public?: boolean;
}

const get = (url: string) => () => ({ method: 'GET', url });
const csv = 'meter,at,value\nE-SUB2,2025-01-01T01:00:00+08:00,5\n';

const PROBES: Record<string, Probe> = {
  'GET /api/health': { allowed: CALLERS, public: true, request: get('/api/health') },
  'GET /api/metrics': { allowed: CALLERS, public: true, request: get('/api/metrics') },
  'POST /api/auth/login': {
    allowed: CALLERS,
    public: true,
    request: () => ({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ua', password: 'ua-password-1' },
    }),
  },
  'POST /api/auth/logout': {
    allowed: CALLERS,
    public: true,
    request: () => ({ method: 'POST', url: '/api/auth/logout' }),
  },
  'GET /api/auth/me': {
    allowed: ['admin', 'auditor', 'enterprise', 'stranger'],
    request: get('/api/auth/me'),
  },
  'GET /api/parks': { allowed: ['admin', 'auditor', 'enterprise', 'stranger'], request: get('/api/parks') },
  'POST /api/parks': {
    allowed: ['admin', 'stranger'],
    request: (c) => ({
      method: 'POST',
      url: '/api/parks',
      contentType: 'application/yaml',
      payload: fs.readFileSync('test/fixtures/small-park.yaml', 'utf8').replace('id: p1', `id: new-${c}`),
    }),
  },
  'GET /api/parks/:park': { allowed: ['admin', 'auditor', 'enterprise'], request: get(P) },
  'GET /api/parks/:park/overview': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/overview?${PERIOD}`),
    foreign: { method: 'GET', url: `${P}/overview?${PERIOD}&organisation=org-b`, status: 404 },
  },
  'GET /api/parks/:park/trend': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/trend?${PERIOD}&resolution=day`),
    foreign: { method: 'GET', url: `${P}/trend?${PERIOD}&resolution=day&organisation=org-b`, status: 404 },
  },
  'GET /api/parks/:park/flow': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/flow?${PERIOD}`),
    foreign: { method: 'GET', url: `${P}/flow?${PERIOD}&organisation=org-b`, status: 404 },
  },
  'GET /api/parks/:park/organisations': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/organisations?${PERIOD}`),
  },
  'GET /api/parks/:park/organisations/:org': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/organisations/org-a?${PERIOD}`),
    foreign: { method: 'GET', url: `${P}/organisations/org-b?${PERIOD}`, status: 404 },
  },
  'GET /api/parks/:park/meters': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/meters`),
    foreign: { method: 'GET', url: `${P}/meters?organisation=org-b`, status: 404 },
  },
  'GET /api/parks/:park/meters/:meter/series': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/meters/E-MAIN/series?${PERIOD}&resolution=hour`),
    foreign: { method: 'GET', url: `${P}/meters/PV-1/series?${PERIOD}`, status: 404 },
  },
  'GET /api/parks/:park/energy': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/energy?${PERIOD}`),
  },
  'GET /api/parks/:park/balance': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/balance?${PERIOD}`),
    foreign: { method: 'GET', url: `${P}/balance?${PERIOD}&meter=G-1`, status: 404 },
  },
  'GET /api/parks/:park/rejected': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/rejected`),
    foreign: { method: 'GET', url: `${P}/rejected?meter=PV-1`, status: 404 },
  },
  'POST /api/parks/:park/readings': {
    allowed: ['admin', 'enterprise', 'gateway'],
    request: () => ({
      method: 'POST',
      url: `${P}/readings`,
      payload: { readings: [reading('E-SUB2', '01:00', 5)] },
    }),
    foreign: {
      method: 'POST',
      url: `${P}/readings`,
      payload: { readings: [reading('G-1', '01:00', 5)] },
      status: 403,
    },
  },
  'POST /api/parks/:park/imports': {
    allowed: ['admin'],
    request: () => ({
      method: 'POST',
      url: `${P}/imports?fileName=a.csv`,
      payload: csv,
      contentType: 'text/csv',
    }),
  },
  'GET /api/parks/:park/imports': { allowed: ['admin'], request: get(`${P}/imports`) },
  'GET /api/parks/:park/imports/:id': {
    allowed: ['admin'],
    request: (c) => ({ method: 'GET', url: `${P}/imports/${c === 'admin' ? importId : 'none'}` }),
  },
  'GET /api/parks/:park/definition': { allowed: ['admin', 'auditor'], request: get(`${P}/definition`) },
  'PUT /api/parks/:park/definition': {
    allowed: ['admin'],
    request: () => ({
      method: 'PUT',
      url: `${P}/definition`,
      contentType: 'application/yaml',
      payload: fs.readFileSync('test/fixtures/small-park.yaml', 'utf8'),
    }),
  },
  'GET /api/parks/:park/users': { allowed: ['admin'], request: get(`${P}/users`) },
  'POST /api/parks/:park/users': {
    allowed: ['admin'],
    request: (c) => ({
      method: 'POST',
      url: `${P}/users`,
      payload: { username: `new-${c}`, role: 'auditor', password: 'a-long-password' },
    }),
  },
  'DELETE /api/parks/:park/users/:username': {
    allowed: ['admin'],
    request: () => ({ method: 'DELETE', url: `${P}/users/victim` }),
  },
  'GET /api/parks/:park/gateways': { allowed: ['admin'], request: get(`${P}/gateways`) },
  'POST /api/parks/:park/gateways': {
    allowed: ['admin'],
    request: (c) => ({ method: 'POST', url: `${P}/gateways`, payload: { id: `gw-${c}` } }),
  },
  'DELETE /api/parks/:park/gateways/:id': {
    allowed: ['admin'],
    request: () => ({ method: 'DELETE', url: `${P}/gateways/gw-victim` }),
  },
  'GET /api/parks/:park/audit': { allowed: ['admin', 'auditor'], request: get(`${P}/audit`) },
  'GET /api/parks/:park/account': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/account?${PERIOD}`),
    foreign: { method: 'GET', url: `${P}/account?${PERIOD}&organisation=org-b`, status: 404 },
  },
  'GET /api/parks/:park/account/explain': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/account/explain?${PERIOD}&format=text`),
    foreign: { method: 'GET', url: `${P}/account/explain?${PERIOD}&organisation=org-b`, status: 404 },
  },
  'GET /api/parks/:park/account/closes': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/account/closes`),
  },
  'POST /api/parks/:park/account/closes': {
    allowed: ['admin'],
    request: () => ({
      method: 'POST',
      url: `${P}/account/closes`,
      payload: { period: '2025-01', organisation: 'org-a', reason: 'probe' },
    }),
  },
  'GET /api/parks/:park/factors': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/factors`),
  },
  'POST /api/parks/:park/factors': {
    allowed: ['admin'],
    request: () => ({
      method: 'POST',
      url: `${P}/factors`,
      payload: {
        key: 'fuel.natural_gas.ncv',
        value: 0.0372,
        unit: 'GJ/m3',
        validFrom: '2025-07-01',
        source: 'supplier certificate',
        status: 'measured',
        evidence: 'probe',
      },
    }),
  },
  'GET /api/parks/:park/profiles': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/profiles`),
  },
  'POST /api/parks/:park/profiles': {
    allowed: ['admin'],
    request: (c) => ({
      method: 'POST',
      url: `${P}/profiles`,
      payload: {
        from: 'cn-zero-carbon-park-2025',
        id: `probe-${c}`,
        name: 'probe',
        changes: { electricityTce: 'equivalent' },
      },
    }),
  },
  'GET /api/parks/:park/statistics': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/statistics?${PERIOD}`),
    foreign: { method: 'GET', url: `${P}/statistics?${PERIOD}&organisation=org-b`, status: 404 },
  },
  'POST /api/parks/:park/statistics': {
    allowed: ['admin', 'enterprise'],
    request: (c) => ({
      method: 'POST',
      url: `${P}/statistics`,
      payload: {
        rows: [{ organisation: 'org-a', month: '2025-01', kind: 'water_reused', value: c.length, unit: 't' }],
      },
    }),
  },
  'POST /api/parks/:park/statistics.csv': {
    allowed: ['admin', 'enterprise'],
    request: (c) => ({
      method: 'POST',
      url: `${P}/statistics.csv`,
      contentType: 'text/csv',
      payload: `organisation,month,kind,item,value,unit\norg-a,2025-01,water_used,,${c.length * 10},t\n`,
    }),
  },
  'GET /api/parks/:park/statistics/batches': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/statistics/batches`),
  },
  'GET /api/parks/:park/indicators': {
    allowed: ['admin', 'auditor'],
    request: get(`${P}/indicators?year=2025`),
  },
  'GET /api/parks/:park/indicator-sets': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/indicator-sets`),
  },
  'POST /api/parks/:park/indicator-sets/:id': {
    allowed: ['admin'],
    request: () => ({
      method: 'POST',
      url: `${P}/indicator-sets/yn-2025`,
      payload: {
        thresholds: [
          { indicator: 'co2-per-energy', threshold: { bandMaxTce: 200_000 }, value: 0.5, source: 'probe' },
        ],
      },
    }),
  },
  'GET /api/parks/:park/microgrid/scenarios': {
    allowed: ['admin', 'auditor'],
    request: get(`${P}/microgrid/scenarios`),
  },
  'GET /api/parks/:park/microgrid/scenarios/:id': {
    allowed: ['admin', 'auditor'],
    request: get(`${P}/microgrid/scenarios/day-plan`),
  },
  'PUT /api/parks/:park/microgrid/scenarios/:id': {
    allowed: ['admin'],
    request: () => ({
      method: 'PUT',
      url: `${P}/microgrid/scenarios/day-plan`,
      contentType: 'application/yaml',
      payload: DAY_PLAN,
    }),
  },
  'POST /api/parks/:park/microgrid/scenarios/:id/runs': {
    allowed: ['admin'],
    request: () => ({ method: 'POST', url: `${P}/microgrid/scenarios/day-plan/runs` }),
  },
  'GET /api/parks/:park/microgrid/runs/:run': {
    allowed: ['admin', 'auditor'],
    request: get(`${P}/microgrid/runs/1`),
  },
  'GET /api/parks/:park/green/ledger': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/green/ledger`),
    foreign: { method: 'GET', url: `${P}/green/ledger?organisation=org-b`, status: 404 },
  },
  'POST /api/parks/:park/green/ledger/operations': {
    allowed: ['admin', 'enterprise'],
    request: () => ({
      method: 'POST',
      url: `${P}/green/ledger/operations`,
      payload: {
        kind: 'claim',
        amountMwh: 1,
        consumer: 'org-a',
        period: { from: '2025-01', to: '2025-01' },
        evidence: 'probe',
      },
    }),
    foreign: {
      method: 'POST',
      url: `${P}/green/ledger/operations`,
      payload: {
        kind: 'claim',
        amountMwh: 1,
        consumer: 'org-b',
        period: { from: '2025-01', to: '2025-01' },
        evidence: 'probe',
      },
      status: 404,
    },
  },
  'POST /api/parks/:park/green/certificates.csv': {
    allowed: ['admin'],
    request: (c) => ({
      method: 'POST',
      url: `${P}/green/certificates.csv`,
      contentType: 'text/csv',
      payload: `series,first_serial,last_serial,project_id,technology,production_month\nC-${c},1,5,P,pv,2025-02\n`,
    }),
  },
  'GET /api/parks/:park/green/trades': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/green/trades`),
  },
  'POST /api/parks/:park/green/trades.csv': {
    allowed: ['admin'],
    request: (c) => ({
      method: 'POST',
      url: `${P}/green/trades.csv`,
      contentType: 'text/csv',
      payload: `id,buyer,counterparty,technology,from,to,contracted_mwh,evidence\nT-${c},org-a,某风电场,wind,2025-01,2025-12,10,合同\n`,
    }),
  },
  'POST /api/parks/:park/green/settlements.csv': {
    allowed: ['admin'],
    request: () => ({
      method: 'POST',
      url: `${P}/green/settlements.csv`,
      contentType: 'text/csv',
      payload: 'trade_id,at,mwh\nT-seed,2025-01,3\n',
    }),
  },
  'GET /api/parks/:park/green/grid-shares': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/green/grid-shares`),
  },
  'GET /api/parks/:park/green/grid-shares/:id': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/green/grid-shares/grid-seed`),
  },
  'POST /api/parks/:park/green/grid-shares.csv': {
    allowed: ['admin'],
    request: (c) => ({
      method: 'POST',
      url: `${P}/green/grid-shares.csv?id=probe-${c}&source=probe&status=unverified`,
      contentType: 'text/csv',
      payload: 'at,green_share\n2025-01,0.4\n',
    }),
  },
  'GET /api/parks/:park/green/matching': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/green/matching?${PERIOD}`),
  },
  'POST /api/parks/:park/green/trace': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: () => ({
      method: 'POST',
      url: `${P}/green/trace`,
      payload: {
        buses: [{ id: 'b1' }, { id: 'b2' }],
        generators: [{ id: 'g1', bus: 'b1', technology: 'hydro', mw: 10 }],
        loads: [{ id: 'l1', bus: 'b2', mw: 10 }],
        lines: [{ id: 'x', from: 'b1', to: 'b2', fromMw: 10, toMw: 10 }],
      },
    }),
  },
  'GET /api/parks/:park/green/statement': {
    allowed: ['admin', 'auditor', 'enterprise'],
    request: get(`${P}/green/statement?${PERIOD}&organisation=org-a`),
    foreign: { method: 'GET', url: `${P}/green/statement?${PERIOD}&organisation=org-b`, status: 404 },
  },
};

let importId = '';

/** A day plan for 2025-01-02, when the test park has a whole day of electricity data (seeded below). */
const DAY_PLAN = `id: day-plan
kind: dispatch
name: day plan
date: '2025-01-02'
load: { source: metered, stepMinutes: 15 }
tariff: yunnan-2025-demo
objective: cost
`;

async function call(caller: Caller, req: ReturnType<Probe['request']>) {
  const headers: Record<string, string> = {};
  const token = tokens[caller];
  if (token) headers.authorization = `Bearer ${token}`;
  if (req.contentType) headers['content-type'] = req.contentType;
  return app.inject({
    method: req.method as 'GET',
    url: req.url,
    headers,
    ...(req.payload === undefined ? {} : { payload: req.payload }),
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, smallPark());
  const other = smallPark();
  other.park.id = 'p2';
  await applyParkDefinition(db.pool, other);
  const park = await loadParkMeters(db.pool, 'p1');
  await ingestBatch(
    db.pool,
    park,
    [
      reading('E-MAIN', '00:00', 10),
      reading('E-MAIN', '00:15', 11),
      reading('E-SUB2', '00:15', 30),
      reading('PV-1', '00:00', 100),
      reading('PV-1', '00:15', 120),
      reading('G-1', '00:00', 10),
      reading('G-1', '00:15', 12),
      reading('PV-1', '00:30', 'bad value of org-b'),
      reading('NO-SUCH', '00:30', 1),
    ],
    { source: 'test', nowMs: NOW },
  );
  const make = async (
    username: string,
    role: 'park_admin' | 'auditor' | 'enterprise_user',
    parkId: string,
    org?: string,
  ) => {
    await createUser(
      db.pool,
      { username, role, password: `${username}-password-1`, parkId, organisation: org },
      'test',
    );
    return (await login(db.pool, username, `${username}-password-1`)).token;
  };
  tokens.admin = await make('admin', 'park_admin', 'p1');
  tokens.auditor = await make('auditor', 'auditor', 'p1');
  tokens.enterprise = await make('ua', 'enterprise_user', 'p1', 'org-a');
  tokens.stranger = await make('stranger', 'park_admin', 'p2');
  await createUser(
    db.pool,
    { username: 'victim', role: 'auditor', password: 'victim-password', parkId: 'p1' },
    'test',
  );
  tokens.gateway = (await createGateway(db.pool, 'p1', { id: 'gw-1' }, 'test')).token;
  await createGateway(db.pool, 'p1', { id: 'gw-victim' }, 'test');
  // A whole day of electricity (2025-01-02) for the dispatch probes: E-MAIN +1 raw (×100 = 100 kWh) a slot, PV-1 at 50 kW.
  const day = Array.from({ length: 97 }, (_, i) =>
    new Date(Date.parse('2025-01-01T16:00:00Z') + i * 900_000).toISOString(),
  );
  await ingestBatch(
    db.pool,
    park,
    [
      ...day.map((at, i) => ({ meter: 'E-MAIN', at, value: 20 + i })),
      ...day.map((at) => ({ meter: 'PV-1', at, value: 50 })),
    ],
    { source: 'test', nowMs: NOW },
  );
  // Green electricity: certificates of the park, of org-a and of org-b; a trade of org-a; a grid green share.
  await importCertificatesCsv(
    db.pool,
    'p1',
    'series,first_serial,last_serial,project_id,technology,production_month,holder,state,trade_id\n' +
      'S-PARK,1,100,P,hydro,2025-01,,held,\nS-A,1,100,P,hydro,2025-01,org-a,transferred,T-seed\n' +
      'S-B,1,10,P,wind,2025-01,org-b,transferred,\n',
    { file: 'certs.csv', actor: 'test', nowMs: NOW },
  );
  await importTradesCsv(
    db.pool,
    'p1',
    'id,buyer,counterparty,technology,from,to,contracted_mwh,evidence\nT-seed,org-a,某水电站,hydro,2025-01,2025-12,100,合同\n',
    { file: 'trades.csv', actor: 'test' },
  );
  await importGridShareCsv(db.pool, 'p1', 'at,green_share\n2025-01,0.5\n', {
    file: 'g.csv',
    actor: 'test',
    id: 'grid-seed',
    label: 'seed',
    source: 'test',
    status: 'unverified',
  });
  app = await buildApp({ pool: db.pool, now: () => NOW });
  for (const probe of [
    'PUT /api/parks/:park/microgrid/scenarios/:id',
    'POST /api/parks/:park/microgrid/scenarios/:id/runs',
  ]) {
    const r = await call('admin', PROBES[probe]!.request('admin'));
    if (r.statusCode >= 300) throw new Error(`${probe}: ${r.body}`);
  }
  const res = await call('admin', PROBES['POST /api/parks/:park/imports']!.request('admin'));
  importId = res.json<{ id: string }>().id;
  await app.imports.drain();
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('access control on every endpoint', () => {
  it('has a probe for every API route (a new route needs its access rules here)', () => {
    const routes = app.routeTable
      .filter((r) => r.url.startsWith('/api/'))
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(routes).toEqual(Object.keys(PROBES).sort());
  });

  for (const [route, probe] of Object.entries(PROBES)) {
    // Logging out would end the caller's session for the probes after it: it is checked on its own below.
    if (route === 'POST /api/auth/logout') continue;
    it(`${route}: each caller gets what its role allows`, async () => {
      for (const caller of CALLERS) {
        const res = await call(caller, probe.request(caller));
        const allowed = probe.allowed.includes(caller);
        const expected = allowed
          ? 'success'
          : caller === 'anonymous'
            ? 401
            : caller === 'stranger'
              ? 404
              : 403;
        const label = `${route} as ${caller}: ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (expected === 'success') expect(res.statusCode, label).toBeLessThan(300);
        else expect(res.statusCode, label).toBe(expected);
        // Errors are JSON with a message, never a stack trace.
        if (res.statusCode >= 400) {
          expect(res.json<Record<string, unknown>>(), label).toMatchObject({
            error: expect.any(String) as unknown,
            message: expect.any(String) as unknown,
          });
          expect(res.body, label).not.toMatch(/at .*\.ts:\d+/);
        }
        if (caller === 'enterprise' && res.statusCode < 300) {
          for (const word of FOREIGN) expect(res.body, `${label} leaks "${word}"`).not.toContain(word);
        }
      }
    });
    if (probe.foreign) {
      const foreign = probe.foreign;
      it(`${route}: org-a's user asking for org-b's data gets ${foreign.status}, and nothing of it`, async () => {
        const res = await call('enterprise', foreign);
        expect(res.statusCode, res.body).toBe(foreign.status);
        // The park admin gets another answer: the refusal is about scope, not a malformed request.
        const admin = await call('admin', foreign);
        expect(admin.statusCode, admin.body).not.toBe(foreign.status);
      });
    }
  }

  it("the enterprise user's write of its own meter is stored with its name as the actor", async () => {
    const res = await call('enterprise', {
      method: 'POST',
      url: `${P}/readings`,
      payload: { readings: [reading('E-SUB2', '02:00', 7)] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { rows } = await db.pool.query<{ actor: string; source: string }>(
      'SELECT actor, source FROM ingest_batch WHERE id = $1',
      [res.json<{ batchId: number }>().batchId],
    );
    expect(rows[0]).toEqual({ actor: 'ua', source: 'http' });
  });

  it('a refused foreign write stores nothing', async () => {
    const before = await db.pool.query('SELECT count(*)::int AS n FROM reading');
    const res = await call('enterprise', {
      method: 'POST',
      url: `${P}/readings`,
      payload: { readings: [reading('E-SUB2', '03:00', 7), reading('PV-1', '03:00', 7)] },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ message: string }>().message).toContain('PV-1');
    const after = await db.pool.query('SELECT count(*)::int AS n FROM reading');
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('a gateway limited to listed meters cannot write others', async () => {
    const g = await createGateway(db.pool, 'p1', { id: 'gw-pv', meters: ['PV-1'] }, 'test');
    const headers = { authorization: `Bearer ${g.token}` };
    const ok = await app.inject({
      method: 'POST',
      url: `${P}/readings`,
      headers,
      payload: { readings: [reading('PV-1', '04:00', 50)] },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const refused = await app.inject({
      method: 'POST',
      url: `${P}/readings`,
      headers,
      payload: { readings: [reading('E-MAIN', '04:00', 50)] },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('a revoked gateway token and a logged-out session are refused at once', async () => {
    const g = await createGateway(db.pool, 'p1', { id: 'gw-temp' }, 'test');
    const send = () =>
      app.inject({
        method: 'POST',
        url: `${P}/readings`,
        headers: { authorization: `Bearer ${g.token}` },
        payload: { readings: [reading('PV-1', '05:00', 50)] },
      });
    expect((await send()).statusCode).toBe(200);
    const revoke = await call('admin', { method: 'DELETE', url: `${P}/gateways/gw-temp` });
    expect(revoke.statusCode).toBe(204);
    expect((await send()).statusCode).toBe(401);

    const session = await login(db.pool, 'auditor', 'auditor-password-1');
    const me = () =>
      app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${session.token}` },
      });
    expect((await me()).statusCode).toBe(200);
    const out = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(out.statusCode).toBe(204);
    expect((await me()).statusCode).toBe(401);
  });

  it('every write is in the audit log with who did it', async () => {
    const res = await call('admin', { method: 'GET', url: `${P}/audit?limit=500` });
    const { events } = res.json<{ events: { actor: string; action: string; target: string }[] }>();
    const seen = new Set(events.map((e) => `${e.actor} ${e.action} ${e.target}`));
    expect(seen).toContain('admin gateway.revoke gw-temp');
    expect(seen).toContain('admin readings.import a.csv');
    expect(seen).toContain('admin park.apply p1');
    expect(seen).toContain('admin user.revoke victim');
    expect(seen).toContain('test user.create ua');
  });

  it('logs in through the API with a session cookie, and refuses a wrong password without saying which part was wrong', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'auditor', password: 'auditor-password-1' },
    });
    expect(ok.statusCode).toBe(200);
    const cookie = ok.cookies.find((c) => c.name === 'lingtan_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const me = await app.inject({
      method: 'GET',
      url: '/api/auth/me',
      cookies: { lingtan_session: cookie.value },
    });
    expect(me.json()).toMatchObject({ username: 'auditor', role: 'auditor', parks: ['p1'] });
    for (const payload of [
      { username: 'auditor', password: 'wrong-password' },
      { username: 'nobody', password: 'wrong-password' },
    ]) {
      const bad = await app.inject({ method: 'POST', url: '/api/auth/login', payload });
      expect(bad.statusCode).toBe(401);
      expect(bad.json<{ message: string }>().message).toBe('wrong user name or password');
    }
  });
});

describe('microgrid through the API', () => {
  it('plans the seeded day: with no storage or PV the whole metered load is imported', async () => {
    // E-MAIN: 100 kWh per 15 min = 400 kW; PV-1 (generation, counted in the park's net load): 50 kW → 450 kW for
    // 96 steps: 10,800 kWh imported, peak 450 kW.
    const res = await call('admin', { method: 'POST', url: `${P}/microgrid/scenarios/day-plan/runs` });
    expect(res.statusCode, res.body).toBe(200);
    const { outcome } = res.json<{
      outcome: { status: string; totals: { gridImportKwh: number; peakKw: number } };
    }>();
    expect(outcome.status).toBe('optimal');
    expect(outcome.totals.gridImportKwh).toBeCloseTo(10_800, 6);
    expect(outcome.totals.peakKw).toBeCloseTo(450, 6);
  });
});

describe('microgrid rolling plan with an inline load profile, as CSV', () => {
  it('rolls the day, faces the actual load, and exports the run as CSV', async () => {
    // Load 100 kW each hour (inline profile), no storage or PV, month peak so far 1,000 kW (no demand charge).
    // Demo tariff: valley 0–8 h 0.24, peak 9–12 h and 18–23 h 0.72, flat otherwise 0.48 CNY/kWh: 8 hours of each.
    // Actual load 120 kW at 10:00: 100 × (8 × 0.24 + 8 × 0.72 + 8 × 0.48) + 20 × 0.72 = 1,152 + 14.4 = 1,166.4 CNY.
    // Windows of 6 h carried out 3 h at a time: 8 re-plans.
    const load = new Array<number>(24).fill(100);
    const actual = load.map((v, h) => (h === 10 ? 120 : v));
    const yaml = `id: rolling-day
kind: dispatch
name: rolling day
date: '2025-01-02'
load: { source: csv, start: '2025-01-02 00:00', stepMinutes: 60, values: [${load.join(', ')}] }
tariff: yunnan-2025-demo
monthPeakSoFarKw: 1000
objective: cost
rolling: { windowSteps: 6, commitSteps: 3 }
actual: { load: { start: '2025-01-02 00:00', stepMinutes: 60, values: [${actual.join(', ')}] } }
`;
    const put = await call('admin', {
      method: 'PUT',
      url: `${P}/microgrid/scenarios/rolling-day`,
      contentType: 'application/yaml',
      payload: yaml,
    });
    expect(put.statusCode, put.body).toBe(200);
    const res = await call('admin', { method: 'POST', url: `${P}/microgrid/scenarios/rolling-day/runs` });
    expect(res.statusCode, res.body).toBe(200);
    const { runId, outcome } = res.json<{
      runId: number;
      outcome: { status: string; totals: { costCny: number }; rolling: { replans: number } };
    }>();
    expect(outcome.status).toBe('optimal');
    expect(outcome.rolling.replans).toBe(8);
    expect(outcome.totals.costCny).toBeCloseTo(1166.4, 6);
    const csv = await call('auditor', { method: 'GET', url: `${P}/microgrid/runs/${runId}?format=csv` });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines).toHaveLength(25);
    expect(lines[0]!.split(',')).toContain('grid_import_kw');
    expect(lines[11]).toMatch(/^10,2025-01-02T10:00:00\+08:00,120,/);
    expect(lines[11]!.split(',').at(-1)).toBe('0.72');
    const denied = await call('enterprise', {
      method: 'GET',
      url: `${P}/microgrid/runs/${runId}?format=csv`,
    });
    expect(denied.statusCode).toBe(403);
  });
});

describe('microgrid sizing through the API', () => {
  it('builds nothing when building costs more than buying, and imports the whole metered load', async () => {
    // The seeded day again (450 kW for 24 h = 10,800 kWh). PV at 100,000 CNY/kW can never pay back at these prices,
    // and there is no target: the optimum builds nothing and buys everything.
    const yaml = `id: no-build
kind: sizing
name: no build
period: '2025-01-02'
load: { source: metered, stepMinutes: 60 }
pv: { tiltDeg: 25, azimuthDeg: 180, cost: { capexPerUnit: 100000, lifetimeYears: 25, omShare: 0.01 } }
tariff: yunnan-2025-demo
discountRate: 0.06
target: { kind: none }
`;
    const put = await call('admin', {
      method: 'PUT',
      url: `${P}/microgrid/scenarios/no-build`,
      contentType: 'application/yaml',
      payload: yaml,
    });
    expect(put.statusCode, put.body).toBe(200);
    const res = await call('admin', { method: 'POST', url: `${P}/microgrid/scenarios/no-build/runs` });
    expect(res.statusCode, res.body).toBe(200);
    const { outcome } = res.json<{
      outcome: { status: string; capacities: { pv: { added: number } }; energy: { gridImportKwh: number } };
    }>();
    expect(outcome.status).toBe('optimal');
    expect(outcome.capacities.pv.added).toBeCloseTo(0, 6);
    expect(outcome.energy.gridImportKwh).toBeCloseTo(10_800, 6);
  });
});

describe('schema errors name their field', () => {
  it('a body that fails its schema is a 400 whose issues name the field and the reason', async () => {
    const res = await call('admin', {
      method: 'POST',
      url: `${P}/factors`,
      payload: {
        key: 'fuel.natural_gas.ncv',
        value: 0.037,
        unit: 'GJ/m3',
        validFrom: '1 July 2025',
        source: 'x',
        status: 'secondary',
      },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: string; issues: { field: string; reason: string }[] }>();
    expect(body.error).toBe('BAD_INPUT');
    expect(body.issues.map((i) => i.field)).toEqual(['validFrom']);
    const missing = await call('admin', {
      method: 'POST',
      url: `${P}/factors`,
      payload: { key: 'heat.co2' },
    });
    expect(missing.json<{ issues: { field: string }[] }>().issues[0]!.field).toBe('value');
  });
});
