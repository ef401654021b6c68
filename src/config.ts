/** The one configuration object: read from the environment by main.ts only, validated, frozen, passed in. */
import path from 'node:path';
import { AppError } from './lib/errors.ts';

export interface Config {
  /** Where Lingtan keeps its local state: the embedded PostgreSQL data directory, logs. */
  home: string;
  /** PostgreSQL ≥ 15 to use instead of the embedded server. */
  databaseUrl: string | undefined;
  /** Port of the embedded PostgreSQL. */
  embeddedPgPort: number;
  /** HTTP listen address. */
  host: string;
  port: number;
  /** Park that CLI commands act on when none is given and more than one exists. */
  defaultPark: string | undefined;
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new AppError('BAD_INPUT', `${name}="${value}" is not a port`);
  return n;
}

/** Builds the configuration from environment variables (see README, "Configuration"). */
export function loadConfig(env: Record<string, string | undefined>, cwd: string): Readonly<Config> {
  const home = path.resolve(cwd, env.LINGTAN_HOME || '.lingtan');
  return Object.freeze({
    home,
    databaseUrl: env.DATABASE_URL || undefined,
    embeddedPgPort: port(env.LINGTAN_PG_PORT, 54329, 'LINGTAN_PG_PORT'),
    host: env.HOST || '127.0.0.1',
    port: port(env.PORT, 3000, 'PORT'),
    defaultPark: env.LINGTAN_PARK || undefined,
  });
}
