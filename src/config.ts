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
  /** External MQTT broker (Mosquitto, EMQX …) to ingest from; undefined: run the embedded broker. */
  mqttUrl: string | undefined;
  /** Listen port of the embedded MQTT broker (a free port is used instead if it is taken). */
  mqttPort: number;
  /** Subscriber connections of the MQTT ingest worker (with a shared subscription). */
  mqttWorkers: number;
  /** Use an MQTT 5 shared subscription (`$share/lingtan-ingest/…`), so that several workers split the messages. */
  mqttShared: boolean;
  /** Log every HTTP request (LINGTAN_LOG_REQUESTS=1); errors are always logged. */
  logRequests: boolean;
  /** Keep dashboard answers in memory until the park's data or definition changes (LINGTAN_ANSWER_CACHE, default on). */
  answerCache: boolean;
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new AppError('BAD_INPUT', `${name}="${value}" is not a port`);
  return n;
}

function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new AppError('BAD_INPUT', `${name}="${value}" is not a whole number from 1 to 1000`);
  return n;
}

function flag(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new AppError('BAD_INPUT', `${name}="${value}" is not true or false`);
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
    mqttUrl: env.MQTT_URL || undefined,
    mqttPort: port(env.LINGTAN_MQTT_PORT, 1883, 'LINGTAN_MQTT_PORT'),
    mqttWorkers: positiveInteger(env.LINGTAN_MQTT_CONNECTIONS, 8, 'LINGTAN_MQTT_CONNECTIONS'),
    // The embedded broker (aedes) has no shared subscriptions; an external one is assumed to speak MQTT 5.
    mqttShared: flag(env.LINGTAN_MQTT_SHARED, Boolean(env.MQTT_URL), 'LINGTAN_MQTT_SHARED'),
    logRequests: env.LINGTAN_LOG_REQUESTS === '1' || env.LINGTAN_LOG_REQUESTS === 'true',
    answerCache: flag(env.LINGTAN_ANSWER_CACHE, true, 'LINGTAN_ANSWER_CACHE'),
  });
}
