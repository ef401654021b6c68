/**
 * Dashboard API under load on a realistic volume: the demo park scaled to 1,020 meters with a year of 15-minute data
 * (35.7 million readings), built once into a persistent embedded PostgreSQL under `bench/out/dashboard-db/` (git-ignored) and reused by
 * later runs (`--quick`: 30 days, built in a minute or so). `lingtan serve` runs in a child process; 50 clients in this
 * process loop over the dashboard's requests with a session cookie; latency is from sending a request to the last
 * byte of its answer. The server's RSS is sampled from /proc while the load runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, startEmbeddedServer, type Database } from '../src/db/database.ts';
import { buildDemo, DEMO_PARK_ID } from '../src/modules/demo/index.ts';
import { DEMO_LOGINS, ensureDemoUsers } from '../src/server/demo-users.ts';
import {
  cpuSeconds,
  fmt,
  freePort,
  log,
  percentile,
  postgresCpu,
  postmasterPid,
  renderTable,
  rssSampler,
  sleep,
} from './common.ts';
import { keepAliveAgent, request } from './http-client.ts';
import { summariseProfile } from './profile.ts';
import { pageLoadBench, type PageLoadResult } from './server-page.ts';
import { startServer, type ServerProcess } from './server-process.ts';

export interface DashboardOptions {
  /** Days of demo data: 365 (the realistic volume) or 30 (--quick). */
  days: number;
  /** Meter scale of the demo park (3.4 ≈ 1,020 meters). */
  meterScale: number;
  clients: number;
  warmupS: number;
  durationS: number;
  /** Where the persistent bench database lives. */
  home: string;
  api: boolean;
  page: boolean;
  /** CPU profile of the server while it runs (printed as a summary at the end). */
  profile: boolean;
  /** The server's answer cache (LINGTAN_ANSWER_CACHE): false measures every answer computed afresh. */
  answerCache: boolean;
}

/** The persistent bench database: an embedded PostgreSQL on `<home>/pg`, one schema per data volume. */
async function benchDatabase(
  options: DashboardOptions,
): Promise<{ db: Database; url: string; schema: string; pgPid: number | undefined; stop(): Promise<void> }> {
  const dataDir = path.resolve(options.home, 'pg');
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.chmodSync(path.dirname(dataDir), 0o777); // the embedded server runs as user postgres when we are root
  let { url, handle } = await startEmbeddedServer(dataDir, await freePort());
  // pg_stat_statements says which queries the dashboard's time goes to (a setting of this bench server only).
  const preload = await oneValue(url, 'SHOW shared_preload_libraries');
  if (handle && !preload.includes('pg_stat_statements')) {
    await oneValue(url, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
    await handle.stop();
    ({ url, handle } = await startEmbeddedServer(dataDir, await freePort()));
  }
  if ((await oneValue(url, 'SHOW shared_preload_libraries')).includes('pg_stat_statements'))
    await oneValue(url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA public');
  const schema = `demo_${String(options.meterScale).replace('.', '_')}x_${options.days}d`;
  const db = await openDatabase({ databaseUrl: url, dataDir: '', port: 0, schema, poolSize: 4 });
  return {
    db,
    url,
    schema,
    pgPid: postmasterPid(dataDir),
    async stop() {
      await db.close();
      await handle?.stop();
    },
  };
}

/** The first column of the first row of a statement, as text ('' if none), on a connection of its own. */
async function oneValue(url: string, sql: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(sql);
    const first = rows[0];
    const value = first ? Object.values(first)[0] : undefined;
    return typeof value === 'string' ? value : '';
  } finally {
    await client.end();
  }
}

/** The statements that took the most database time since the last reset (pg_stat_statements), as table rows. */
async function topStatements(db: Database, limit = 10): Promise<string[][] | undefined> {
  try {
    const { rows } = await db.pool.query<{
      query: string;
      calls: number;
      total: number;
      mean: number;
      rows: number;
    }>(
      `SELECT query, calls, total_exec_time AS total, mean_exec_time AS mean, rows
         FROM public.pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => [
      r.query.replace(/\s+/g, ' ').slice(0, 90),
      fmt(r.calls),
      fmt(r.total / 1000, 1),
      fmt(r.mean, 2),
      fmt(r.rows / Math.max(1, r.calls), 0),
    ]);
  } catch {
    return undefined;
  }
}

async function resetStatements(db: Database): Promise<void> {
  await db.pool.query('SELECT public.pg_stat_statements_reset()').catch(() => undefined);
}

/** Builds the demo park into the schema unless a complete build is recorded there. */
async function ensureDemoData(db: Database, options: DashboardOptions): Promise<string> {
  await db.pool.query(
    'CREATE TABLE IF NOT EXISTS bench_build (days int, meters int, readings bigint, seconds float8, built_at timestamptz DEFAULT now())',
  );
  const { rows } = await db.pool.query<{
    days: number;
    meters: number;
    readings: number;
    seconds: number;
    built: number;
  }>(
    'SELECT days, meters, readings, seconds, built_at AS built FROM bench_build ORDER BY built_at DESC LIMIT 1',
  );
  const done = rows[0];
  if (done && done.days === options.days) {
    return `reusing the bench database: ${fmt(done.meters)} meters × ${done.days} days, ${fmt(done.readings)} readings (built ${new Date(done.built).toISOString().slice(0, 16)} in ${fmt(done.seconds)} s)`;
  }
  log(
    `building the demo park (${options.meterScale}× meters, ${options.days} days) into ${options.home} — once; later runs reuse it …`,
  );
  let decile = -1;
  const built = await buildDemo(db.pool, {
    days: options.days,
    meterScale: options.meterScale,
    force: true,
    onProgress: (share, label) => {
      if (Math.floor(share * 10) > decile) {
        decile = Math.floor(share * 10);
        log(`  ${(share * 100).toFixed(0)} % ${label}`);
      }
    },
  });
  await db.pool.query('VACUUM ANALYZE');
  await db.pool.query('INSERT INTO bench_build (days, meters, readings, seconds) VALUES ($1, $2, $3, $4)', [
    options.days,
    built.meters,
    built.readings,
    built.seconds,
  ]);
  return `built the bench database: ${fmt(built.meters)} meters × ${options.days} days, ${fmt(built.readings)} readings in ${fmt(built.seconds)} s`;
}

interface Endpoint {
  name: string;
  path: string;
}

/** The dashboard mix every client loops over (a meter series picks its meter per iteration). */
function dashboardMix(
  parkId: string,
  latestDay: string,
  meters: readonly string[],
): (i: number) => Endpoint[] {
  const year = latestDay.slice(0, 4);
  const month = latestDay.slice(0, 7);
  const p = `/api/parks/${parkId}`;
  return (i) => [
    { name: `overview year (${year})`, path: `${p}/overview?period=${year}` },
    { name: `overview month (${month})`, path: `${p}/overview?period=${month}` },
    { name: `overview day (${latestDay})`, path: `${p}/overview?period=${latestDay}` },
    { name: 'trend month by day', path: `${p}/trend?period=${month}&resolution=day` },
    { name: 'flow month', path: `${p}/flow?period=${month}` },
    { name: 'organisations month', path: `${p}/organisations?period=${month}` },
    {
      name: 'meter series month by hour',
      path: `${p}/meters/${encodeURIComponent(meters[i % meters.length]!)}/series?period=${month}&resolution=hour`,
    },
  ];
}

interface Sample {
  name: string;
  ms: number;
  ok: boolean;
}

/** `clients` loops over the mix until `untilMs`; returns every request's latency. */
async function load(
  baseUrl: string,
  cookie: string,
  mix: (i: number) => Endpoint[],
  clients: number,
  untilMs: number,
): Promise<Sample[]> {
  const agent = keepAliveAgent(clients);
  const samples: Sample[] = [];
  const headers = { cookie };
  let errors = 0;
  let firstError = '';
  const client = async (c: number) => {
    await sleep(Math.random() * 200); // not all in lockstep
    for (let i = c; performance.now() < untilMs; i += clients) {
      const list = mix(i);
      // Each client starts the mix at its own place, so that every endpoint is busy all the time.
      for (let k = 0; k < list.length && performance.now() < untilMs; k++) {
        const e = list[(k + c) % list.length]!;
        const res = await request(agent, 'GET', baseUrl + e.path, headers);
        const ok = res.status === 200;
        if (!ok && errors++ === 0) firstError = `${e.path}: HTTP ${res.status} ${res.body.slice(0, 200)}`;
        samples.push({ name: e.name, ms: res.ms, ok });
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  agent.destroy();
  if (errors > 0) log(`  ${errors} request(s) failed; the first: ${firstError}`);
  return samples;
}

interface LatencyRow {
  name: string;
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function latencyRows(samples: readonly Sample[], seconds: number): LatencyRow[] {
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const g = groups.get(s.name) ?? [];
    g.push(s);
    groups.set(s.name, g);
  }
  const row = (name: string, list: readonly Sample[]): LatencyRow => {
    const ms = list.map((s) => s.ms).sort((a, b) => a - b);
    return {
      name,
      requests: list.length,
      errors: list.filter((s) => !s.ok).length,
      perSecond: list.length / seconds,
      p50: percentile(ms, 50),
      p95: percentile(ms, 95),
      p99: percentile(ms, 99),
      max: ms[ms.length - 1] ?? NaN,
    };
  };
  return [...[...groups.entries()].map(([name, list]) => row(name, list)), row('all', samples)];
}

function printLatency(title: string, rows: readonly LatencyRow[]): void {
  log(
    `\n${title}\n` +
      renderTable(
        ['endpoint', 'requests', 'errors', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        rows.map((r) => [
          r.name,
          fmt(r.requests),
          fmt(r.errors),
          fmt(r.perSecond, 1),
          fmt(r.p50, 1),
          fmt(r.p95, 1),
          fmt(r.p99, 1),
          fmt(r.max, 0),
        ]),
      ),
  );
}

async function login(server: ServerProcess): Promise<string> {
  const admin = DEMO_LOGINS.find((l) => l.username === 'admin')!;
  const agent = keepAliveAgent(1);
  const res = await request(
    agent,
    'POST',
    `${server.httpUrl}/api/auth/login`,
    { 'content-type': 'application/json' },
    JSON.stringify({ username: admin.username, password: admin.password }),
  );
  agent.destroy();
  if (res.status !== 200) throw new Error(`log-in failed: HTTP ${res.status} ${res.body}`);
  return `lingtan_session=${(JSON.parse(res.body) as { token: string }).token}`;
}

async function getJson<T>(server: ServerProcess, cookie: string, p: string): Promise<T> {
  const agent = keepAliveAgent(1);
  const res = await request(agent, 'GET', server.httpUrl + p, { cookie });
  agent.destroy();
  if (res.status !== 200) throw new Error(`GET ${p}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as T;
}

/** One client, one request at a time: the first (cold) call of each endpoint and the median of 5 more. */
async function singleClient(
  server: ServerProcess,
  cookie: string,
  endpoints: readonly Endpoint[],
): Promise<string[][]> {
  const agent = keepAliveAgent(1);
  const rows: string[][] = [];
  for (const e of endpoints) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 6; i++) {
      const res = await request(agent, 'GET', server.httpUrl + e.path, { cookie });
      if (res.status !== 200) throw new Error(`GET ${e.path}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      times.push(res.ms);
      bytes = res.body.length;
    }
    const rest = times.slice(1).sort((a, b) => a - b);
    rows.push([e.name, fmt(times[0]!, 1), fmt(rest[2]!, 1), fmt(bytes / 1024, 1)]);
  }
  agent.destroy();
  return rows;
}

/** The dashboard benchmark: API latency at `clients` concurrent clients, server RSS, and the first page load. */
export async function dashboardBench(options: DashboardOptions): Promise<Record<string, unknown>[]> {
  log(
    `\n[dashboard] demo park ×${options.meterScale} meters, ${options.days} days, persistent database in ${options.home}`,
  );
  const bench = await benchDatabase(options);
  let server: ServerProcess | undefined;
  const results: Record<string, unknown>[] = [];
  try {
    log(await ensureDemoData(bench.db, options));
    await ensureDemoUsers(bench.db.pool, DEMO_PARK_ID);
    const sizes = await bench.db.pool.query<{ readings: number; bytes: number }>(
      `SELECT (SELECT count(*) FROM reading)::bigint AS readings, pg_database_size(current_database())::bigint AS bytes`,
    );
    const { readings, bytes } = sizes.rows[0]!;
    log(`[dashboard] ${fmt(readings)} reading rows, database ${fmt(bytes / 1024 ** 3, 1)} GiB on disk`);

    const profileDir = path.resolve('bench/out/profiles', `dashboard-${Date.now()}`);
    server = await startServer({
      databaseUrl: bench.url,
      schema: bench.schema,
      nodeOptions: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      env: { LINGTAN_ANSWER_CACHE: options.answerCache ? '1' : '0' },
    });
    const idleRss = rssSampler(server.pid).stop();
    log(
      `[dashboard] server pid ${server.pid} on ${server.httpUrl}; RSS after start ${fmt(idleRss.maxRssMiB)} MiB; answer cache ${options.answerCache ? 'on' : 'off'}`,
    );
    const cookie = await login(server);
    const info = await getJson<{ latestDay: string | null; meters: number }>(
      server,
      cookie,
      `/api/parks/${DEMO_PARK_ID}`,
    );
    const latestDay = info.latestDay ?? '2025-01-31';
    const meterList = await getJson<{ meters: { id: string; archived: boolean }[] }>(
      server,
      cookie,
      `/api/parks/${DEMO_PARK_ID}/meters`,
    );
    // 60 meters spread over the park for the series requests.
    const live = meterList.meters.filter((m) => !m.archived).map((m) => m.id);
    const meters = Array.from({ length: 60 }, (_, i) => live[Math.floor((i * live.length) / 60)]!);
    const mix = dashboardMix(DEMO_PARK_ID, latestDay, meters);
    const p = `/api/parks/${DEMO_PARK_ID}`;

    if (options.api) {
      const single = await singleClient(server, cookie, [
        { name: 'park info', path: p },
        { name: 'meters list', path: `${p}/meters` },
        ...mix(0),
        { name: 'trend year by month', path: `${p}/trend?period=${latestDay.slice(0, 4)}&resolution=month` },
        { name: 'trend day by hour', path: `${p}/trend?period=${latestDay}&resolution=hour` },
      ]);
      log(
        `\n[dashboard] one client, one request at a time (${fmt(info.meters)} meters, latest day ${latestDay}):\n` +
          renderTable(['endpoint', 'first ms', 'median of 5 ms', 'KiB'], single),
      );
      results.push({ part: 'api', bench: 'dashboard single client', days: options.days, rows: single });

      log(`\n[dashboard] warm-up: ${options.clients} clients for ${options.warmupS} s …`);
      await load(server.httpUrl, cookie, mix, options.clients, performance.now() + options.warmupS * 1000);
      log(`[dashboard] measuring: ${options.clients} clients for ${options.durationS} s …`);
      await resetStatements(bench.db);
      const serverCpu0 = cpuSeconds(server.pid);
      const pgCpu = postgresCpu(bench.pgPid);
      const clientCpu0 = process.cpuUsage();
      const rss = rssSampler(server.pid);
      const started = performance.now();
      const samples = await load(
        server.httpUrl,
        cookie,
        mix,
        options.clients,
        started + options.durationS * 1000,
      );
      const seconds = (performance.now() - started) / 1000;
      const memory = rss.stop();
      const cpu = {
        server: cpuSeconds(server.pid) - serverCpu0,
        postgres: pgCpu(),
        client: (process.cpuUsage(clientCpu0).user + process.cpuUsage(clientCpu0).system) / 1e6,
      };
      const rows = latencyRows(samples, seconds);
      printLatency(
        `[dashboard] ${options.clients} concurrent clients for ${seconds.toFixed(1)} s (target: p95 < 150 ms):`,
        rows,
      );
      const all = rows[rows.length - 1]!;
      log(
        `[dashboard] overall p95 ${fmt(all.p95, 1)} ms (${all.p95 < 150 ? 'met' : `missed by ${fmt(all.p95 - 150, 0)} ms`}); ` +
          `${fmt(all.perSecond, 0)} req/s; CPU s in ${seconds.toFixed(0)} s: server ${cpu.server.toFixed(1)}, PostgreSQL ${cpu.postgres.toFixed(1)}, load generator ${cpu.client.toFixed(1)}`,
      );
      log(
        `[dashboard] server RSS: ${fmt(idleRss.maxRssMiB)} MiB idle, max ${fmt(memory.maxRssMiB)} MiB under load, peak (VmHWM) ${fmt(memory.peakMiB)} MiB (target < 500 MiB)`,
      );
      const statements = await topStatements(bench.db);
      if (statements)
        log(
          `[dashboard] database time by statement during the load (pg_stat_statements):\n` +
            renderTable(['statement', 'calls', 'total s', 'mean ms', 'rows/call'], statements),
        );
      results.push({
        part: 'api',
        bench: 'dashboard API',
        statements,
        days: options.days,
        meters: info.meters,
        readings,
        databaseBytes: bytes,
        clients: options.clients,
        answerCache: options.answerCache,
        seconds,
        endpoints: rows,
        cpuSeconds: cpu,
        serverRssMiB: { idle: idleRss.maxRssMiB, maxUnderLoad: memory.maxRssMiB, peak: memory.peakMiB },
      });
    }

    if (options.page) {
      let page: PageLoadResult | undefined;
      try {
        page = await pageLoadBench(server.httpUrl, DEMO_PARK_ID, latestDay.slice(0, 7));
      } catch (error) {
        log(
          `[page] could not measure the first page load: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (page)
        results.push({
          part: 'page',
          bench: 'first page load',
          days: options.days,
          ...page,
          serverRssMiB: rssSampler(server.pid).stop(),
        });
    }
    await server.stop();
    server = undefined;
    if (options.profile) {
      const main = fs.readdirSync(profileDir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
      if (main)
        log(`\n[dashboard] ${path.join(profileDir, main)}\n${summariseProfile(path.join(profileDir, main))}`);
    }
  } finally {
    await server?.stop();
    await bench.stop();
  }
  return results;
}
