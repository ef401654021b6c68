/**
 * A worker process for the kill test (test/mqtt-crash.test.ts): `node --import tsx mqtt-worker-child.ts '<json>'`
 * runs startMqttIngest against the test's broker and database until it is killed. It prints `ready` once subscribed.
 */
import { openDatabase } from '../../src/db/database.ts';
import { startMqttIngest } from '../../src/server/mqtt/ingest-worker.ts';

interface ChildOptions {
  databaseUrl: string;
  schema: string;
  brokerUrl: string;
  username: string;
  password: string;
  clientIdPrefix: string;
  nowMs: number;
  maxGroupMessages: number;
  /** Fault injection: SIGKILL itself after this many group commits, before acknowledging the last one. */
  killAfterCommits?: number;
}

const options = JSON.parse(process.argv[2]!) as ChildOptions;
let commits = 0;
const db = await openDatabase({
  databaseUrl: options.databaseUrl,
  dataDir: '',
  port: 0,
  schema: options.schema,
  poolSize: 4,
});
const worker = await startMqttIngest({
  url: options.brokerUrl,
  pool: db.pool,
  username: options.username,
  password: options.password,
  clientIdPrefix: options.clientIdPrefix,
  resolveGateway: () => Promise.resolve({ ok: true, meters: null }),
  publishResults: false,
  maxGroupMessages: options.maxGroupMessages,
  onCommit: () => {
    commits += 1;
    if (commits === options.killAfterCommits) process.kill(process.pid, 'SIGKILL');
  },
  nowMs: () => options.nowMs,
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker
    .stop()
    .then(() => db.close())
    .then(() => process.exit(0));
});
