/**
 * The MQTT ingest worker: subscribes to `lingtan/+/+/readings` on any broker (the embedded one, Mosquitto, EMQX),
 * validates each message, commits messages that arrive together in one transaction (a group commit), and only then
 * acknowledges them (PUBACK). An acknowledged message is committed; an unacknowledged one is re-delivered by the
 * broker on reconnect, and re-delivery is harmless because the pipeline stores identical readings once.
 * Why and how: docs/mqtt.md and docs/adr/0006-mqtt-ack-after-commit.md.
 */
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import {
  commitBatches,
  loadParkMeters,
  prepareBatch,
  type IngestResult,
  type ParkMeters,
  type PreparedBatch,
  type ReadingRecord,
} from '../../modules/telemetry/index.ts';
import {
  limitToScope,
  parseReadingsPayload,
  parseTopic,
  PAYLOAD_RAW_CAP,
  READINGS_FILTER,
  rejectAll,
  resultsTopic,
} from './payload.ts';

/** What the worker needs to know about the gateway named in a topic (meters null: the whole park). */
export type GatewayCheck = { ok: true; meters: ReadonlySet<string> | null } | { ok: false; reason: string };

export interface MqttIngestOptions {
  /** Broker URL: `mqtt://host:1883`, `mqtts://…`, `ws://…`. */
  url: string;
  pool: pg.Pool;
  /** Subscriber connections (default 8). Without a shared subscription there is always exactly one. */
  connections?: number | undefined;
  /** Subscribe as `$share/<group>/…` over MQTT 5 so that several workers split the messages (default false). */
  shared?: boolean | undefined;
  /** Shared-subscription group (default `lingtan-ingest`). */
  sharedGroup?: string | undefined;
  /** Topic filter (default `lingtan/+/+/readings`; e.g. `lingtan/park-a/+/readings` for a worker per park). */
  topicFilter?: string | undefined;
  /** Client ids are `<prefix>-<n>`: stable, so that a restarted worker takes over its broker session (default `lingtan-ingest`). */
  clientIdPrefix?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** Whether the gateway may write to this park, and which meters. */
  resolveGateway: (parkId: string, gatewayId: string) => Promise<GatewayCheck>;
  /** Publish a summary to `lingtan/<park>/<gateway>/results` (QoS 0) after each commit (default true). */
  publishResults?: boolean | undefined;
  /** Messages received but not yet committed, at most; beyond it the worker stops reading (default 2000). */
  maxQueuedMessages?: number | undefined;
  /** Messages in one group commit, at most (default 500). */
  maxGroupMessages?: number | undefined;
  /** MQTT 5 session expiry: how long the broker keeps messages for a worker that is down (default 1 day). */
  sessionExpirySeconds?: number | undefined;
  /** Called after each group commit, before its messages are acknowledged (metrics, logs, fault-injection tests). */
  onCommit?: ((info: { messages: number; readings: number }) => void) | undefined;
  /** The clock (tests pin it): future-timestamp check, lag. */
  nowMs?: (() => number) | undefined;
  log?: ((line: string) => void) | undefined;
}

/** Counters for `/api/metrics`. */
export interface MqttIngestStats {
  connections: number;
  connected: number;
  messagesReceived: number;
  /** Committed (and acknowledged, unless their connection dropped first: then the broker re-delivers them). */
  messagesCommitted: number;
  messagesAcknowledged: number;
  /** Could not be stored anywhere (a park that does not exist, a topic that is not a readings topic): logged. */
  messagesDropped: number;
  readingsReceived: number;
  readingsInserted: number;
  readingsUnchanged: number;
  readingsRevised: number;
  readingsRejected: number;
  /** Transactions committed (each holds one or more messages). */
  commits: number;
  lastCommitAtMs: number | null;
  /** Messages received and not yet committed. */
  queueLength: number;
  /** Now − arrival of the oldest message not yet committed (0 when none waits). */
  lagMs: number;
  errors: number;
  lastError: string | null;
}

export interface MqttIngest {
  /** Stops taking messages, commits and acknowledges those already taken, then disconnects. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  stats(): MqttIngestStats;
}

/** Park meters are reloaded this often (new meters, archived ones) … */
const PARK_REFRESH_MS = 30_000;
/** … and at most this often when a message names a meter the cache does not know. */
const PARK_FORCED_REFRESH_MS = 5_000;
/** How long a gateway check is reused: a revoked gateway is refused within this time. */
const GATEWAY_CACHE_MS = 5_000;
/** A single message whose commit fails this often while the database answers is stored as a rejection instead. */
const POISON_ATTEMPTS = 3;

/** Passed to mqtt.js's handleMessage callback so that it does NOT send the PUBACK: the worker sends it after commit. */
const DEFERRED_ACK = new Error('PUBACK deferred until the message is committed');

/** The one mqtt.js internal the worker uses: the same call its own publish handler makes to send a PUBACK. */
interface PacketSender {
  _sendPacket(packet: { cmd: 'puback'; messageId: number }, cb?: (error?: Error) => void): void;
}

interface Link {
  client: MqttClient;
  clientId: string;
  /** Incremented on every (re)connection: a PUBACK goes out only on the connection that received the message. */
  epoch: number;
  subscribed: boolean;
  /** The last problem logged for this connection: a broker that stays away is logged once, not every second. */
  lastProblem: string | undefined;
}

type Prepared = { kind: 'batch'; park: ParkMeters; batch: PreparedBatch } | { kind: 'drop'; reason: string };

interface Pending {
  link: Link;
  epoch: number;
  messageId: number | undefined;
  qos: number;
  parkId: string;
  gatewayId: string;
  payload: Buffer;
  records: ReadingRecord[];
  receivedAtMs: number;
  prep: Promise<Prepared> | undefined;
  prepared: Prepared | undefined;
  /** Set when the message itself (not the database) makes the commit fail: it is stored as a rejection. */
  poison: string | undefined;
  result: IngestResult | undefined;
  done: boolean;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/**
 * Connects to the broker, subscribes, and ingests until `stop()`. Resolves once every connection has subscribed;
 * rejects (UNAVAILABLE) if the broker cannot be reached or refuses the connection the first time.
 *
 * @example
 * const ingest = await startMqttIngest({ url: 'mqtt://127.0.0.1:1883', pool, shared: true, resolveGateway });
 * …
 * await ingest.stop();
 */
export async function startMqttIngest(options: MqttIngestOptions): Promise<MqttIngest> {
  const worker = new IngestWorker(options);
  await worker.start();
  return { stop: (o) => worker.stop(o?.timeoutMs), stats: () => worker.stats() };
}

class IngestWorker {
  private readonly links: Link[] = [];
  private readonly queue: Pending[] = [];
  private round: Pending[] = [];
  private running = false;
  private stopping = false;
  private abandoned = false;
  private stopped: Promise<void> | undefined;
  private readonly roomWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private wakeSleep: (() => void) | undefined;
  private readonly parks = new Map<
    string,
    { meters: Promise<ParkMeters>; loadedAtMs: number; forcedAtMs: number }
  >();
  private readonly gateways = new Map<string, { check: Promise<GatewayCheck>; atMs: number }>();
  private readonly counters = {
    messagesReceived: 0,
    messagesCommitted: 0,
    messagesAcknowledged: 0,
    messagesDropped: 0,
    readingsReceived: 0,
    readingsInserted: 0,
    readingsUnchanged: 0,
    readingsRevised: 0,
    readingsRejected: 0,
    commits: 0,
    lastCommitAtMs: null as number | null,
    errors: 0,
    lastError: null as string | null,
  };
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly maxQueued: number;
  private readonly maxGroup: number;

  constructor(private readonly options: MqttIngestOptions) {
    this.now = options.nowMs ?? Date.now;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.maxQueued = Math.max(1, options.maxQueuedMessages ?? 2000);
    this.maxGroup = Math.max(1, options.maxGroupMessages ?? 500);
  }

  async start(): Promise<void> {
    const shared = this.options.shared ?? false;
    const requested = Math.max(1, Math.floor(this.options.connections ?? 8));
    // Without a shared subscription every connection would receive every message: one connection, then. It still
    // has many messages in flight, because acknowledgements are sent after the commit, not by the mqtt.js loop.
    const count = shared ? requested : 1;
    const filter = this.options.topicFilter ?? READINGS_FILTER;
    const subscription = shared ? `$share/${this.options.sharedGroup ?? 'lingtan-ingest'}/${filter}` : filter;
    const prefix = this.options.clientIdPrefix ?? 'lingtan-ingest';
    const protocolVersion = shared ? 5 : 4;
    const receiveMaximum = Math.max(10, Math.ceil(this.maxQueued / count));
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = `${prefix}-${i}`;
      const clientOptions: IClientOptions = {
        clientId,
        protocolVersion,
        // A persistent session: the broker keeps unacknowledged and newly arriving messages while the worker is
        // down and re-delivers them when the same client id connects again.
        clean: false,
        keepalive: 30,
        reconnectPeriod: 1000,
        connectTimeout: 10_000,
        resubscribe: false,
        ...(this.options.username === undefined ? {} : { username: this.options.username }),
        ...(this.options.password === undefined ? {} : { password: this.options.password }),
        ...(protocolVersion === 5
          ? {
              properties: {
                sessionExpiryInterval: this.options.sessionExpirySeconds ?? 86_400,
                receiveMaximum,
              },
            }
          : {}),
      };
      const client = connect(this.options.url, clientOptions);
      if (typeof (client as unknown as Partial<PacketSender>)._sendPacket !== 'function') {
        client.end(true);
        throw new AppError(
          'INTERNAL',
          'this mqtt.js version has no _sendPacket: cannot acknowledge after commit',
        );
      }
      const link: Link = { client, clientId, epoch: 0, subscribed: false, lastProblem: undefined };
      this.links.push(link);
      client.handleMessage = (packet, callback) => this.onMessage(link, packet, callback);
      ready.push(
        new Promise<void>((resolve, reject) => {
          let first = true;
          const fail = (reason: string) => {
            if (!first) return;
            first = false;
            reject(new AppError('UNAVAILABLE', `MQTT broker ${redactUrl(this.options.url)}: ${reason}`));
          };
          client.on('connect', () => {
            link.epoch += 1;
            if (link.lastProblem !== undefined) this.log(`mqtt: ${clientId} connected again`);
            link.lastProblem = undefined;
            client.subscribe(subscription, { qos: 1 }, (error, granted) => {
              const refused = granted?.some((g) => g.qos !== 0 && g.qos !== 1);
              if (error || refused) {
                const reason = error ? message(error) : `subscription to ${subscription} refused`;
                this.noteError(`mqtt: ${clientId}: ${reason}`);
                fail(reason);
                return;
              }
              if (!link.subscribed) this.log(`mqtt: ${clientId} subscribed to ${subscription}`);
              link.subscribed = true;
              if (first) {
                first = false;
                resolve();
              }
            });
          });
          client.on('error', (error) => {
            const line = `mqtt: ${clientId}: ${message(error)}`;
            this.counters.errors += 1;
            this.counters.lastError = line;
            if (line !== link.lastProblem) this.log(line);
            link.lastProblem = line;
            fail(message(error));
          });
          client.on('close', () => {
            if (first) return fail('connection closed before it was established');
            if (this.stopping || link.lastProblem !== undefined) return;
            link.lastProblem = `mqtt: ${clientId} disconnected`;
            this.log(`${link.lastProblem}; reconnecting (unacknowledged messages will be re-delivered)`);
          });
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(this.links.map((l) => l.client.endAsync(true)));
      throw error;
    }
  }

  stats(): MqttIngestStats {
    const oldest = this.round[0] ?? this.queue[0];
    return {
      ...this.counters,
      connections: this.links.length,
      connected: this.links.filter((l) => l.client.connected).length,
      queueLength: this.queue.length + this.round.length,
      lagMs: oldest ? Math.max(0, this.now() - oldest.receivedAtMs) : 0,
    };
  }

  stop(timeoutMs = 30_000): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true; // new messages are neither committed nor acknowledged: the broker keeps them
      for (const w of this.roomWaiters.splice(0)) w();
      if (this.running || this.queue.length > 0) {
        const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), timeoutMs);
        });
        if ((await Promise.race([idle, late])) === 'late') {
          // Still failing to commit (database down): give up on these; unacknowledged, the broker re-delivers them.
          this.abandoned = true;
          this.wakeSleep?.();
          this.log(
            `mqtt: stopping with ${this.stats().queueLength} message(s) uncommitted and unacknowledged`,
          );
          await idle;
        }
        clearTimeout(timer);
      }
      await Promise.all(this.links.map((l) => l.client.endAsync(false)));
    })();
    return this.stopped;
  }

  private noteError(line: string): void {
    this.counters.errors += 1;
    this.counters.lastError = line;
    this.log(line);
  }

  /** mqtt.js calls this for each PUBLISH, one at a time per connection; calling back lets the next one in. */
  private onMessage(link: Link, packet: IPublishPacket, callback: (error?: Error) => void): void {
    if (this.stopping) return callback(DEFERRED_ACK);
    const counters = this.counters;
    counters.messagesReceived += 1;
    const topic = parseTopic(packet.topic);
    if (!topic || topic.kind !== 'readings') {
      counters.messagesDropped += 1;
      this.log(`mqtt: message on ${packet.topic} ignored: not a lingtan/<park>/<gateway>/readings topic`);
      return callback(); // acknowledged: re-delivery would not make it a readings topic
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const records = parseReadingsPayload(payload);
    counters.readingsReceived += records.length;
    const item: Pending = {
      link,
      epoch: link.epoch,
      messageId: packet.messageId,
      qos: packet.qos,
      parkId: topic.parkId,
      gatewayId: topic.gatewayId,
      payload,
      records,
      receivedAtMs: this.now(),
      prep: undefined,
      prepared: undefined,
      poison: undefined,
      result: undefined,
      done: false,
    };
    // Validation starts now, while earlier messages commit; its failures are handled when the item commits.
    item.prep = this.prepare(item);
    item.prep.catch(() => undefined);
    this.queue.push(item);
    this.kick();
    if (this.queue.length < this.maxQueued) return callback(DEFERRED_ACK);
    // Back-pressure: stop reading from this connection until a commit makes room.
    this.roomWaiters.push(() => callback(DEFERRED_ACK));
  }

  private gatewayCheck(parkId: string, gatewayId: string): Promise<GatewayCheck> {
    const key = `${parkId}/${gatewayId}`;
    const hit = this.gateways.get(key);
    const now = this.now();
    if (hit && now - hit.atMs < GATEWAY_CACHE_MS) return hit.check;
    const check = this.options.resolveGateway(parkId, gatewayId);
    this.gateways.set(key, { check, atMs: now });
    check.catch(() => this.gateways.delete(key));
    return check;
  }

  private parkMeters(parkId: string, force: boolean): Promise<ParkMeters> {
    const now = this.now();
    const hit = this.parks.get(parkId);
    if (
      hit &&
      now - hit.loadedAtMs < PARK_REFRESH_MS &&
      !(force && now - hit.forcedAtMs >= PARK_FORCED_REFRESH_MS)
    )
      return hit.meters;
    const meters = loadParkMeters(this.options.pool, parkId);
    this.parks.set(parkId, { meters, loadedAtMs: now, forcedAtMs: force ? now : (hit?.forcedAtMs ?? now) });
    meters.catch(() => this.parks.delete(parkId));
    return meters;
  }

  /** Gateway check, park meters, validation: everything but the transaction. */
  private async prepare(item: Pending): Promise<Prepared> {
    const check = await this.gatewayCheck(item.parkId, item.gatewayId);
    let park: ParkMeters;
    try {
      park = await this.parkMeters(item.parkId, false);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND')
        return { kind: 'drop', reason: error.message };
      throw error;
    }
    const records = check.ok
      ? limitToScope(item.records, item.gatewayId, check.meters)
      : rejectAll(item.records, 'gateway', check.reason);
    let batch = prepareBatch(park, records, this.now());
    if (batch.rejected.some((r) => r.reason.startsWith('unknown meter'))) {
      const fresh = await this.parkMeters(item.parkId, true);
      if (fresh !== park) {
        park = fresh;
        batch = prepareBatch(park, records, this.now());
      }
    }
    return { kind: 'batch', park, batch };
  }

  /** Runs the group committer unless it runs already: each round commits what queued up during the previous one. */
  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.abandoned) {
        this.round = this.queue.splice(0, this.maxGroup);
        if (!this.stopping && this.queue.length < this.maxQueued)
          for (const w of this.roomWaiters.splice(0)) w();
        try {
          await this.commitWithRetry(this.round);
          this.finish(this.round);
        } catch (error) {
          // Only a bug gets here (commitWithRetry handles database failures); the messages stay unacknowledged.
          this.noteError(
            `mqtt: unexpected error, ${this.round.length} message(s) left unacknowledged: ${message(error)}`,
          );
        }
        this.round = [];
      }
    } finally {
      this.running = false;
      if (this.abandoned) this.queue.length = 0;
      for (const w of this.idleWaiters.splice(0)) w();
      if (this.queue.length > 0 && !this.abandoned) this.kick();
    }
  }

  private async commitWithRetry(items: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const todo = items.filter((i) => !i.done);
      if (todo.length === 0 || this.abandoned) return;
      try {
        await this.commitGroup(todo);
        return;
      } catch (error) {
        this.noteError(
          `mqtt: commit of ${todo.length} message(s) failed (attempt ${attempt}), not acknowledged: ${message(error)}`,
        );
        if (attempt >= POISON_ATTEMPTS) {
          if (todo.length > 1) {
            // Maybe one message is to blame: commit them one by one, so that the others are not held back.
            for (const item of todo) await this.commitWithRetry([item]);
            return;
          }
          if (await this.databaseAnswers()) {
            // The database is up, yet this message cannot be stored: keep it as a rejection rather than block.
            todo[0]!.poison = `message could not be stored: ${message(error)}`;
          }
        }
        await this.sleep(Math.min(30_000, 250 * 2 ** attempt));
      }
    }
  }

  private async databaseAnswers(): Promise<boolean> {
    try {
      await this.options.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleep = done;
    });
  }

  /** One transaction per park for the items not yet committed; marks each committed item done. */
  private async commitGroup(items: Pending[]): Promise<void> {
    for (const item of items) {
      if (item.prepared) continue;
      try {
        item.prepared = await (item.prep ?? this.prepare(item));
      } finally {
        item.prep = undefined; // on failure, prepared again on the next attempt
      }
    }
    const byPark = new Map<string, { park: ParkMeters; items: Pending[] }>();
    for (const item of items) {
      const p = item.prepared!;
      if (p.kind === 'drop') {
        item.done = true;
        continue;
      }
      let group = byPark.get(p.park.parkId);
      if (!group) byPark.set(p.park.parkId, (group = { park: p.park, items: [] }));
      group.items.push(item);
    }
    const nowMs = this.now();
    const outcomes = await Promise.allSettled(
      [...byPark.values()].map(async ({ park, items: group }) => {
        const results = await commitBatches(
          this.options.pool,
          park,
          group.map((item) => ({
            prepared: item.poison
              ? this.poisonBatch(park, item, item.poison)
              : (item.prepared as { batch: PreparedBatch }).batch,
            options: { source: `mqtt:${item.gatewayId}`, actor: `gateway:${item.gatewayId}`, nowMs },
          })),
        );
        group.forEach((item, i) => {
          item.result = results[i];
          item.done = true;
        });
        this.counters.commits += 1;
        this.counters.lastCommitAtMs = this.now();
      }),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private poisonBatch(park: ParkMeters, item: Pending, reason: string): PreparedBatch {
    const raw = item.payload.toString('utf8');
    return prepareBatch(
      park,
      [
        {
          meter: '',
          at: '',
          value: '',
          raw: raw.length > PAYLOAD_RAW_CAP ? `${raw.slice(0, PAYLOAD_RAW_CAP)}…` : raw,
          malformed: { field: 'payload', reason },
        },
      ],
      this.now(),
    );
  }

  /** After the commit: acknowledge in arrival order, count, tell the gateways. */
  private finish(items: Pending[]): void {
    const counters = this.counters;
    const committed = items.filter((i) => i.done && i.result);
    if (committed.length > 0)
      this.options.onCommit?.({
        messages: committed.length,
        readings: committed.reduce((n, i) => n + i.result!.received, 0),
      });
    for (const item of items) {
      if (!item.done) continue; // abandoned at shutdown: unacknowledged, re-delivered later
      const prepared = item.prepared!;
      if (prepared.kind === 'drop') {
        counters.messagesDropped += 1;
        this.log(
          `mqtt: message from ${item.parkId}/${item.gatewayId} dropped (${item.records.length} readings): ${prepared.reason}`,
        );
      } else {
        counters.messagesCommitted += 1;
        const r = item.result!;
        counters.readingsInserted += r.inserted;
        counters.readingsUnchanged += r.unchanged;
        counters.readingsRevised += r.revised;
        counters.readingsRejected += r.rejected;
      }
      this.acknowledge(item);
      this.publishResult(item);
    }
  }

  private acknowledge(item: Pending): void {
    const { link } = item;
    if (item.qos === 0 || item.messageId === undefined) return;
    // Only on the connection that delivered it: after a reconnect the broker re-delivers it instead.
    if (link.epoch !== item.epoch || !link.client.connected) return;
    (link.client as unknown as PacketSender)._sendPacket({ cmd: 'puback', messageId: item.messageId });
    this.counters.messagesAcknowledged += 1;
  }

  private publishResult(item: Pending): void {
    if (this.options.publishResults === false || !item.link.client.connected) return;
    const r = item.result;
    const body = r
      ? {
          batch: r.batchId,
          received: r.received,
          inserted: r.inserted,
          unchanged: r.unchanged,
          revised: r.revised,
          rejected: r.rejected,
          rejections: r.rejections
            .slice(0, 10)
            .map((x) => ({ meter: x.meterCode, field: x.field, reason: x.reason })),
        }
      : {
          received: item.records.length,
          stored: false,
          reason: (item.prepared as { reason?: string }).reason,
        };
    item.link.client.publish(
      resultsTopic(item.parkId, item.gatewayId),
      JSON.stringify(body),
      { qos: 0 },
      () => undefined,
    );
  }
}
