/**
 * `lingtan serve` in a child process, as it runs in production: its own Node process, HTTP and MQTT, talking to a
 * database schema the benchmark prepared. Also a private Mosquitto (the system binary and its defaults) so that the
 * benchmark neither disturbs nor is disturbed by other users of the shared broker on port 1883.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, urlWithSchema } from './common.ts';

export interface ServerProcess {
  pid: number;
  /** http://127.0.0.1:<port> */
  httpUrl: string;
  /** The embedded broker's URL (undefined when the server ingests from an external broker). */
  brokerUrl: string | undefined;
  /** The last lines the server wrote to stderr (for error messages). */
  tail(): string;
  /** SIGTERM (graceful shutdown: commit what MQTT delivered), then SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface ServerOptions {
  /** PostgreSQL server and schema the server uses (DATABASE_URL with search_path). */
  databaseUrl: string;
  schema: string;
  /** External broker to ingest from (MQTT_URL); undefined: the embedded broker. */
  mqttUrl?: string | undefined;
  /** Extra Node options, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  nodeOptions?: readonly string[];
  /** Extra environment. */
  env?: Record<string, string>;
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Starts `node bin/lingtan.js serve` and resolves once it listens (and its MQTT worker has subscribed). */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const mqttPort = await freePort();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lingtan-bench-home-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The benchmark decides these; nothing leaks in from the shell that ran it.
    if (v !== undefined && !/^(LINGTAN_|MQTT_URL$|DATABASE_URL$|PORT$|HOST$)/.test(k)) env[k] = v;
  }
  Object.assign(env, {
    DATABASE_URL: urlWithSchema(options.databaseUrl, options.schema),
    LINGTAN_HOME: home,
    HOST: '127.0.0.1',
    PORT: String(port),
    LINGTAN_MQTT_PORT: String(mqttPort),
    ...(options.mqttUrl ? { MQTT_URL: options.mqttUrl } : {}),
    ...options.env,
  });
  const child = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), path.join(ROOT, 'bin/lingtan.js'), 'serve'],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  let brokerUrl: string | undefined;
  let exited: { code: number | null; signal: string | null } | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        if (lines.length > 200) lines.shift();
        const broker = /MQTT: embedded broker on (mqtt:\/\/\S+)/.exec(line);
        if (broker) brokerUrl = broker[1];
        if (line.startsWith('Lingtan is serving on')) resolve();
      }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
    void exit.then(() =>
      reject(new Error(`lingtan serve exited (${JSON.stringify(exited)}):\n${lines.slice(-20).join('\n')}`)),
    );
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 120_000);
  try {
    await ready;
  } finally {
    clearTimeout(timeout);
  }
  return {
    pid: child.pid!,
    httpUrl: `http://127.0.0.1:${port}`,
    brokerUrl,
    tail: () => lines.slice(-20).join('\n'),
    async stop(timeoutMs = 60_000) {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await exit;
        clearTimeout(timer);
      }
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

export { startMosquitto, type Mosquitto } from '../test/helpers/net.ts';
