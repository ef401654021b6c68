/**
 * MQTT ingestion with the embedded broker: gateways publish to the aedes broker inside `lingtan serve`, and the
 * broker's publish hook hands each reading message to the group committer and lets aedes acknowledge it only after
 * the commit. No subscriber, no second hop: a PUBACK the gateway receives means the readings are in the database, so
 * even a hard crash of the whole process loses nothing that was acknowledged. See docs/mqtt.md and ADR 0006.
 */
import type pg from 'pg';
import { startEmbeddedBroker, type GatewayIdentity } from './broker.ts';
import {
  GroupCommitter,
  NotCommittedError,
  resultMessage,
  type GatewayCheck,
  type MqttIngestStats,
} from './group-committer.ts';

export interface EmbeddedIngestOptions {
  host: string;
  /** Listen port; 0 for any free one. */
  port: number;
  /** If the port is taken, listen on a free port instead (the actual one is `ingest.port`). */
  fallbackToFreePort?: boolean | undefined;
  pool: pg.Pool;
  /** The gateway whose token this is (the password), or undefined to refuse the login. */
  authenticate: (username: string | undefined, password: string) => Promise<GatewayIdentity | undefined>;
  /** Whether the gateway may write (it may have been revoked since it logged in), and which meters. */
  resolveGateway: (parkId: string, gatewayId: string) => Promise<GatewayCheck>;
  /** Publish a summary to `lingtan/<park>/<gateway>/results` (QoS 0) after each commit (default true). */
  publishResults?: boolean | undefined;
  /** Messages published and not yet committed, at most; beyond it the broker reads no more (default 2000). */
  maxQueuedMessages?: number | undefined;
  /** Messages in one group commit, at most (default 500). */
  maxGroupMessages?: number | undefined;
  /**
   * Failed attempts to commit a message before the broker gives up on it and drops the gateway's connection without
   * a PUBACK (default 5: retries after 0.5, 1, 2 and 4 s, so that a short database outage goes unnoticed).
   */
  maxAttempts?: number | undefined;
  /** Called after each group commit, before its messages are acknowledged (metrics, fault-injection tests). */
  onCommit?: ((info: { messages: number; readings: number }) => void) | undefined;
  /** The clock (tests pin it): future-timestamp check, lag. */
  nowMs?: (() => number) | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface EmbeddedIngest {
  readonly host: string;
  /** The port actually listened on. */
  readonly port: number;
  /** `mqtt://host:port` */
  readonly url: string;
  stats(): MqttIngestStats;
  /**
   * Graceful stop: refuses new connections, log-ins and publications (those get no PUBACK: the gateways send them
   * again to the next server), lets the commits in progress finish and their PUBACKs go out, then disconnects the
   * gateways. If the database stays down, gives up after `timeoutMs`: those messages are not acknowledged.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Closes the broker (after `stop`). */
  close(): Promise<void>;
}

/** Starts the embedded broker with ingestion in its publish hook. */
export async function startEmbeddedIngest(options: EmbeddedIngestOptions): Promise<EmbeddedIngest> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const committer = new GroupCommitter({
    pool: options.pool,
    resolveGateway: options.resolveGateway,
    maxQueuedMessages: options.maxQueuedMessages,
    maxGroupMessages: options.maxGroupMessages,
    maxAttempts: options.maxAttempts ?? 5,
    onCommit: options.onCommit,
    nowMs: options.nowMs,
    log,
  });
  let stopping = false;
  const broker = await startEmbeddedBroker({
    host: options.host,
    port: options.port,
    fallbackToFreePort: options.fallbackToFreePort,
    authenticate: options.authenticate,
    async ingest(gateway, payload) {
      // Back-pressure across connections: past maxQueuedMessages the hook waits, so aedes reads no further.
      if (!committer.hasRoom()) await committer.room();
      if (stopping) throw new NotCommittedError('not committed: shutting down');
      const outcome = await committer.submit(gateway.parkId, gateway.gatewayId, payload);
      return options.publishResults === false ? undefined : resultMessage(outcome);
    },
    onAcknowledged: () => committer.noteAcknowledged(),
    log,
  });
  let stopped: Promise<void> | undefined;
  return {
    host: broker.host,
    port: broker.port,
    url: broker.url,
    stats() {
      const gateways = broker.stats().gateways;
      return committer.stats({ connections: gateways, connected: gateways });
    },
    stop({ timeoutMs = 30_000 } = {}) {
      stopped ??= (async () => {
        stopping = true;
        broker.refuse();
        await committer.drain(timeoutMs);
        await broker.disconnectGateways({ timeoutMs: 5_000 });
      })();
      return stopped;
    },
    async close() {
      await broker.close();
    },
  };
}
