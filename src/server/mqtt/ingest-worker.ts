/**
 * The MQTT ingest worker for an external broker (Mosquitto, EMQX): subscribes to `lingtan/+/+/readings`, hands each
 * message to the group committer (validation on arrival, one transaction per park and round), and only after the
 * commit acknowledges it (PUBACK). An acknowledged message is committed; an unacknowledged one is re-delivered by the
 * broker on reconnect, and re-delivery is harmless because the pipeline stores identical readings once. (The
 * embedded broker needs no worker: it commits inside its publish hook, see embedded.ts.)
 * Why and how: docs/mqtt.md and docs/adr/0006-mqtt-ack-after-commit.md.
 */
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import {
  GroupCommitter,
  resultMessage,
  type CommitOutcome,
  type GatewayCheck,
  type MqttIngestStats,
} from './group-committer.ts';
import { parseTopic, READINGS_FILTER, resultsTopic } from './payload.ts';

export type { GatewayCheck, MqttIngestStats } from './group-committer.ts';

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

export interface MqttIngest {
  /** Stops taking messages, commits and acknowledges those already taken, then disconnects. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  stats(): MqttIngestStats;
}

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
  /** Messages taken on this connection, in arrival order, until acknowledged: PUBACKs go out in this order. */
  unacknowledged: Taken[];
}

/** A message the worker took, waiting for its commit (outcome undefined) or for earlier ones to be acknowledged. */
interface Taken {
  packet: IPublishPacket;
  epoch: number;
  parkId: string;
  gatewayId: string;
  /** Set once committed; 'not committed' when the committer gave up (shutdown): never acknowledged. */
  outcome: CommitOutcome | 'not committed' | undefined;
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
  private readonly committer: GroupCommitter;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: MqttIngestOptions) {
    this.committer = new GroupCommitter({
      pool: options.pool,
      resolveGateway: options.resolveGateway,
      maxQueuedMessages: options.maxQueuedMessages,
      maxGroupMessages: options.maxGroupMessages,
      // No limit: the broker keeps an unacknowledged message, so the worker retries until the database is back.
      maxAttempts: undefined,
      onCommit: options.onCommit,
      nowMs: options.nowMs,
      log: options.log,
    });
    this.log = this.committer.log;
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
    const maxQueued = Math.max(1, this.options.maxQueuedMessages ?? 2000);
    const receiveMaximum = Math.max(10, Math.ceil(maxQueued / count));
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
      const link: Link = {
        client,
        clientId,
        epoch: 0,
        subscribed: false,
        lastProblem: undefined,
        unacknowledged: [],
      };
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
            // What the previous connection took is re-delivered on this one; its PUBACKs must not go out here.
            link.unacknowledged = link.unacknowledged.filter((t) => t.epoch === link.epoch);
            if (link.lastProblem !== undefined) this.log(`mqtt: ${clientId} connected again`);
            link.lastProblem = undefined;
            client.subscribe(subscription, { qos: 1 }, (error, granted) => {
              const refused = granted?.some((g) => g.qos !== 0 && g.qos !== 1);
              if (error || refused) {
                const reason = error ? message(error) : `subscription to ${subscription} refused`;
                this.committer.noteError(`mqtt: ${clientId}: ${reason}`);
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
            this.committer.noteError(line, line === link.lastProblem);
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
    return this.committer.stats({
      connections: this.links.length,
      connected: this.links.filter((l) => l.client.connected).length,
    });
  }

  stop(timeoutMs = 30_000): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true; // new messages are neither committed nor acknowledged: the broker keeps them
      // Commits what was taken and acknowledges it; if the database stays down, gives up on the rest (unacknowledged,
      // the broker re-delivers them to the next worker).
      await this.committer.drain(timeoutMs);
      await Promise.all(this.links.map((l) => l.client.endAsync(false)));
    })();
    return this.stopped;
  }

  /** mqtt.js calls this for each PUBLISH, one at a time per connection; calling back lets the next one in. */
  private onMessage(link: Link, packet: IPublishPacket, callback: (error?: Error) => void): void {
    if (this.stopping) return callback(DEFERRED_ACK);
    const topic = parseTopic(packet.topic);
    if (!topic || topic.kind !== 'readings') {
      this.committer.noteUnroutable(packet.topic);
      return callback(); // acknowledged: re-delivery would not make it a readings topic
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const taken: Taken = {
      packet,
      epoch: link.epoch,
      parkId: topic.parkId,
      gatewayId: topic.gatewayId,
      outcome: undefined,
    };
    link.unacknowledged.push(taken);
    this.committer.submit(topic.parkId, topic.gatewayId, payload).then(
      (outcome) => {
        taken.outcome = outcome;
        this.acknowledgeInOrder(link);
      },
      () => {
        taken.outcome = 'not committed'; // shutdown gave up on it: unacknowledged, the broker re-delivers it
        this.acknowledgeInOrder(link);
      },
    );
    if (this.committer.hasRoom()) return callback(DEFERRED_ACK);
    // Back-pressure: stop reading from this connection until a commit makes room.
    void this.committer.room().then(() => callback(DEFERRED_ACK));
  }

  /**
   * Sends the PUBACKs of the committed messages at the head of the connection's arrival order (messages of different
   * parks commit independently; their PUBACKs still go out in the order the broker sent the messages), and their
   * results.
   */
  private acknowledgeInOrder(link: Link): void {
    while (link.unacknowledged[0]?.outcome !== undefined) {
      const taken = link.unacknowledged.shift()!;
      if (taken.outcome === 'not committed') continue;
      this.acknowledge(link, taken.epoch, taken.packet);
      this.publishResult(link, taken.parkId, taken.gatewayId, taken.outcome!);
    }
  }

  /** Sends the PUBACK, only on the connection that delivered the message: after a reconnect the broker re-delivers. */
  private acknowledge(link: Link, epoch: number, packet: IPublishPacket): void {
    if (packet.qos === 0 || packet.messageId === undefined) return;
    if (link.epoch !== epoch || !link.client.connected) return;
    (link.client as unknown as PacketSender)._sendPacket({ cmd: 'puback', messageId: packet.messageId });
    this.committer.noteAcknowledged();
  }

  private publishResult(link: Link, parkId: string, gatewayId: string, outcome: CommitOutcome): void {
    if (this.options.publishResults === false || !link.client.connected) return;
    link.client.publish(resultsTopic(parkId, gatewayId), resultMessage(outcome), { qos: 0 }, () => undefined);
  }
}
