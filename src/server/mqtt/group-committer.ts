/**
 * The group committer both MQTT paths share: the subscriber worker on an external broker (ingest-worker.ts) and the
 * embedded broker, which ingests inside its publish hook (embedded.ts). A message is submitted with its park,
 * gateway and payload; it is parsed and validated at once (outside any transaction), queued per park, and committed
 * with the messages of its park that queued up while the previous commit ran: one `commitBatches` transaction per
 * round. `submit()` resolves only after that transaction has committed; the caller acknowledges then, never before.
 * Why and how: docs/mqtt.md and docs/adr/0006-mqtt-ack-after-commit.md.
 */
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
import { limitToScope, parseReadingsPayload, PAYLOAD_RAW_CAP, rejectAll } from './payload.ts';

/** What the committer needs to know about the gateway named in a topic (meters null: the whole park). */
export type GatewayCheck = { ok: true; meters: ReadonlySet<string> | null } | { ok: false; reason: string };

/** Counters for `/api/metrics`: the same shape with an external broker and with the embedded one. */
export interface MqttIngestStats {
  /** Worker: its broker connections. Embedded broker: the gateway connections open. */
  connections: number;
  /** Worker: those of its connections that are up. Embedded broker: the gateway connections open. */
  connected: number;
  messagesReceived: number;
  /** Committed (and acknowledged, unless their connection dropped first: then the message is delivered again). */
  messagesCommitted: number;
  /** PUBACKs sent: by the worker to the broker, or by the embedded broker to the gateways. */
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

export interface GroupCommitterOptions {
  pool: pg.Pool;
  /** Whether the gateway may write to this park, and which meters. */
  resolveGateway: (parkId: string, gatewayId: string) => Promise<GatewayCheck>;
  /** Messages submitted and not yet committed, at most, before `hasRoom()` turns false (default 2000). */
  maxQueuedMessages?: number | undefined;
  /** Messages in one group commit, at most (default 500). */
  maxGroupMessages?: number | undefined;
  /**
   * A commit that fails is retried with back-off (0.5 s doubling to 30 s). Without a limit it is retried until it
   * succeeds or `drain()` gives up (the worker: its broker keeps the messages meanwhile). With one, after that many
   * failed attempts `submit()` rejects with a NotCommittedError (the embedded broker: the gateway must re-send).
   */
  maxAttempts?: number | undefined;
  /** Called after each group commit, before its messages' `submit()` promises resolve (metrics, fault injection). */
  onCommit?: ((info: { messages: number; readings: number }) => void) | undefined;
  /** The clock (tests pin it): future-timestamp check, lag. */
  nowMs?: (() => number) | undefined;
  log?: ((line: string) => void) | undefined;
}

/** What became of a committed message. */
export type CommitOutcome =
  | { kind: 'stored'; result: IngestResult }
  /** Nothing could be stored (the park does not exist): logged and counted; acknowledged all the same. */
  | { kind: 'dropped'; received: number; reason: string };

/** `submit()` rejects with this when a message was not committed: it must not be acknowledged. */
export class NotCommittedError extends Error {
  override readonly name = 'NotCommittedError';
}

/** Park meters are reloaded this often (new meters, archived ones) … */
const PARK_REFRESH_MS = 30_000;
/** … and at most this often when a message names a meter the cache does not know. */
const PARK_FORCED_REFRESH_MS = 5_000;
/** How long a gateway check is reused: a revoked gateway is refused within this time. */
const GATEWAY_CACHE_MS = 5_000;
/** A single message whose commit fails this often while the database answers is stored as a rejection instead. */
export const POISON_ATTEMPTS = 3;

type Prepared = { kind: 'batch'; park: ParkMeters; batch: PreparedBatch } | { kind: 'drop'; reason: string };

interface Pending {
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
  /** Committed (or dropped): its outcome is final. */
  done: boolean;
  /** Set when the committer gave up on it. */
  failure: Error | undefined;
  resolve: (outcome: CommitOutcome) => void;
  reject: (error: Error) => void;
}

/** One park's messages: those waiting, and the round being committed. */
interface ParkQueue {
  parkId: string;
  queue: Pending[];
  round: Pending[];
  running: boolean;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class GroupCommitter {
  private readonly queues = new Map<string, ParkQueue>();
  /** Submitted, not yet committed or failed (waiting and in a round). */
  private pending = 0;
  private draining = false;
  private abandoned = false;
  private readonly roomWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly sleepers = new Set<() => void>();
  private readonly parkCache = new Map<
    string,
    { meters: Promise<ParkMeters>; loadedAtMs: number; forcedAtMs: number }
  >();
  private readonly gatewayCache = new Map<string, { check: Promise<GatewayCheck>; atMs: number }>();
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
  readonly log: (line: string) => void;
  private readonly maxQueued: number;
  private readonly maxGroup: number;
  private readonly maxAttempts: number | undefined;

  constructor(private readonly options: GroupCommitterOptions) {
    this.now = options.nowMs ?? Date.now;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.maxQueued = Math.max(1, options.maxQueuedMessages ?? 2000);
    this.maxGroup = Math.max(1, options.maxGroupMessages ?? 500);
    this.maxAttempts =
      options.maxAttempts === undefined ? undefined : Math.max(POISON_ATTEMPTS + 1, options.maxAttempts);
  }

  /**
   * Takes a reading message: parses and validates it now, commits it with the next round of its park. Resolves once
   * it is committed (or dropped: nothing to store); rejects with a NotCommittedError if the committer gave up on it.
   */
  submit(parkId: string, gatewayId: string, payload: Buffer): Promise<CommitOutcome> {
    const counters = this.counters;
    counters.messagesReceived += 1;
    const records = parseReadingsPayload(payload);
    counters.readingsReceived += records.length;
    return new Promise<CommitOutcome>((resolve, reject) => {
      if (this.abandoned) return reject(new NotCommittedError('not committed: shutting down'));
      const item: Pending = {
        parkId,
        gatewayId,
        payload,
        records,
        receivedAtMs: this.now(),
        prep: undefined,
        prepared: undefined,
        poison: undefined,
        result: undefined,
        done: false,
        failure: undefined,
        resolve,
        reject,
      };
      // Validation starts now, while earlier messages commit; its failures are handled when the item commits.
      item.prep = this.prepare(item);
      item.prep.catch(() => undefined);
      let pq = this.queues.get(parkId);
      if (!pq) this.queues.set(parkId, (pq = { parkId, queue: [], round: [], running: false }));
      pq.queue.push(item);
      this.pending += 1;
      this.kick(pq);
    });
  }

  /** Whether fewer than `maxQueuedMessages` wait: a caller that gets false should stop reading until `room()`. */
  hasRoom(): boolean {
    return this.pending < this.maxQueued || this.draining;
  }

  /** Resolves when there is room again (or the committer drains). */
  room(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Counts a message that was received but cannot be stored anywhere (not a readings topic). */
  noteUnroutable(topic: string): void {
    this.counters.messagesReceived += 1;
    this.counters.messagesDropped += 1;
    this.log(`mqtt: message on ${topic} ignored: not a lingtan/<park>/<gateway>/readings topic`);
  }

  /** Counts a PUBACK sent for a committed message. */
  noteAcknowledged(): void {
    this.counters.messagesAcknowledged += 1;
  }

  /** Counts an error; logs it unless `quiet` (a broker that stays away is logged once, not every second). */
  noteError(line: string, quiet = false): void {
    this.counters.errors += 1;
    this.counters.lastError = line;
    if (!quiet) this.log(line);
  }

  /** The counters; the caller adds its connections. */
  stats(connections: { connections: number; connected: number }): MqttIngestStats {
    let oldest: number | undefined;
    for (const pq of this.queues.values()) {
      const first = pq.round[0] ?? pq.queue[0];
      if (first && (oldest === undefined || first.receivedAtMs < oldest)) oldest = first.receivedAtMs;
    }
    return {
      ...this.counters,
      ...connections,
      queueLength: this.pending,
      lagMs: oldest === undefined ? 0 : Math.max(0, this.now() - oldest),
    };
  }

  /**
   * Waits until every submitted message is committed. After `timeoutMs` (commits still failing: database down) it
   * stops retrying; the messages left reject with a NotCommittedError. Later submissions are refused.
   */
  async drain(timeoutMs = 30_000): Promise<void> {
    this.draining = true;
    for (const w of this.roomWaiters.splice(0)) w();
    if (this.pending > 0) {
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      if ((await Promise.race([idle, late])) === 'late') {
        this.abandoned = true;
        for (const wake of [...this.sleepers]) wake();
        this.log(`mqtt: stopping with ${this.pending} message(s) uncommitted and unacknowledged`);
        await idle;
      }
      clearTimeout(timer);
    }
    this.abandoned = true;
  }

  private gatewayCheck(parkId: string, gatewayId: string): Promise<GatewayCheck> {
    const key = `${parkId}/${gatewayId}`;
    const hit = this.gatewayCache.get(key);
    const now = this.now();
    if (hit && now - hit.atMs < GATEWAY_CACHE_MS) return hit.check;
    const check = this.options.resolveGateway(parkId, gatewayId);
    this.gatewayCache.set(key, { check, atMs: now });
    check.catch(() => this.gatewayCache.delete(key));
    return check;
  }

  private parkMeters(parkId: string, force: boolean): Promise<ParkMeters> {
    const now = this.now();
    const hit = this.parkCache.get(parkId);
    if (
      hit &&
      now - hit.loadedAtMs < PARK_REFRESH_MS &&
      !(force && now - hit.forcedAtMs >= PARK_FORCED_REFRESH_MS)
    )
      return hit.meters;
    const meters = loadParkMeters(this.options.pool, parkId);
    this.parkCache.set(parkId, {
      meters,
      loadedAtMs: now,
      forcedAtMs: force ? now : (hit?.forcedAtMs ?? now),
    });
    meters.catch(() => this.parkCache.delete(parkId));
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

  /**
   * Runs the park's commit loop unless it runs already: each round commits what queued up during the last one. The
   * first round starts on the next turn of the event loop, so that it takes every message that came in with the
   * same socket reads (aedes hands a whole read's packets over at once), not only the first.
   */
  private kick(pq: ParkQueue): void {
    if (pq.running) return;
    pq.running = true;
    setImmediate(() => void this.loop(pq));
  }

  private async loop(pq: ParkQueue): Promise<void> {
    try {
      while (pq.queue.length > 0 && !this.abandoned) {
        pq.round = pq.queue.splice(0, this.maxGroup);
        try {
          await this.commitWithRetry(pq.round);
        } catch (error) {
          // Only a bug gets here (commitWithRetry records database failures on the items): none is acknowledged.
          const failure = new NotCommittedError(`not committed: ${message(error)}`);
          for (const item of pq.round) if (!item.done) item.failure ??= failure;
          this.noteError(
            `mqtt: unexpected error, ${pq.round.length} message(s) not committed: ${message(error)}`,
          );
        }
        this.finish(pq.round);
        pq.round = [];
      }
    } finally {
      pq.running = false;
      if (this.abandoned) {
        const left = pq.queue.splice(0);
        this.pending -= left.length;
        for (const item of left) item.reject(new NotCommittedError('not committed: shutting down'));
      }
      if (pq.queue.length > 0) this.kick(pq);
      else this.queues.delete(pq.parkId);
      if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Commits the items, retrying with back-off; an item it gives up on gets `failure` set. Never throws for a failed commit. */
  private async commitWithRetry(items: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const todo = items.filter((i) => !i.done);
      if (todo.length === 0) return;
      if (this.abandoned) {
        for (const item of todo) item.failure ??= new NotCommittedError('not committed: shutting down');
        return;
      }
      try {
        await this.commitGroup(todo);
        return;
      } catch (error) {
        this.noteError(
          `mqtt: commit of ${todo.length} message(s) failed (attempt ${attempt}), not acknowledged: ${message(error)}`,
        );
        if (attempt >= POISON_ATTEMPTS && (await this.databaseAnswers())) {
          if (todo.length > 1) {
            // Maybe one message is to blame: commit them one by one, so that the others are not held back.
            for (const item of todo) await this.commitWithRetry([item]);
            return;
          }
          // The database is up, yet this message cannot be stored: keep it as a rejection rather than block.
          todo[0]!.poison = `message could not be stored: ${message(error)}`;
        }
        if (this.maxAttempts !== undefined && attempt >= this.maxAttempts) {
          const failure = new NotCommittedError(`not committed: ${message(error)}`);
          for (const item of todo) item.failure = failure;
          return;
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
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** One transaction for the items (all of one park) not yet committed; marks each committed item done. */
  private async commitGroup(items: Pending[]): Promise<void> {
    for (const item of items) {
      if (item.prepared) continue;
      try {
        item.prepared = await (item.prep ?? this.prepare(item));
      } finally {
        item.prep = undefined; // on failure, prepared again on the next attempt
      }
    }
    const batches: { item: Pending; park: ParkMeters; batch: PreparedBatch }[] = [];
    for (const item of items) {
      const p = item.prepared!;
      if (p.kind === 'drop') item.done = true;
      else batches.push({ item, park: p.park, batch: p.batch });
    }
    if (batches.length === 0) return;
    const park = batches[0]!.park;
    const nowMs = this.now();
    const results = await commitBatches(
      this.options.pool,
      park,
      batches.map(({ item, batch }) => ({
        prepared: item.poison ? this.poisonBatch(park, item, item.poison) : batch,
        options: { source: `mqtt:${item.gatewayId}`, actor: `gateway:${item.gatewayId}`, nowMs },
      })),
    );
    batches.forEach(({ item }, i) => {
      item.result = results[i];
      item.done = true;
    });
    this.counters.commits += 1;
    this.counters.lastCommitAtMs = this.now();
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

  /** After the round: count, then settle each message's promise in arrival order (callers acknowledge on it). */
  private finish(items: Pending[]): void {
    const counters = this.counters;
    const committed = items.filter((i) => i.done && i.result);
    if (committed.length > 0)
      this.options.onCommit?.({
        messages: committed.length,
        readings: committed.reduce((n, i) => n + i.result!.received, 0),
      });
    this.pending -= items.length;
    for (const item of items) {
      if (!item.done) {
        item.reject(item.failure ?? new NotCommittedError('not committed'));
        continue;
      }
      const prepared = item.prepared!;
      if (prepared.kind === 'drop') {
        counters.messagesDropped += 1;
        this.log(
          `mqtt: message from ${item.parkId}/${item.gatewayId} dropped (${item.records.length} readings): ${prepared.reason}`,
        );
        item.resolve({ kind: 'dropped', received: item.records.length, reason: prepared.reason });
        continue;
      }
      const r = item.result!;
      counters.messagesCommitted += 1;
      counters.readingsInserted += r.inserted;
      counters.readingsUnchanged += r.unchanged;
      counters.readingsRevised += r.revised;
      counters.readingsRejected += r.rejected;
      item.resolve({ kind: 'stored', result: r });
    }
    if (this.hasRoom()) for (const w of this.roomWaiters.splice(0)) w();
  }
}

/** The summary published on `lingtan/<park>/<gateway>/results` after a message is committed (JSON). */
export function resultMessage(outcome: CommitOutcome): string {
  if (outcome.kind === 'dropped')
    return JSON.stringify({ received: outcome.received, stored: false, reason: outcome.reason });
  const r = outcome.result;
  return JSON.stringify({
    batch: r.batchId,
    received: r.received,
    inserted: r.inserted,
    unchanged: r.unchanged,
    revised: r.revised,
    rejected: r.rejected,
    rejections: r.rejections
      .slice(0, 10)
      .map((x) => ({ meter: x.meterCode, field: x.field, reason: x.reason })),
  });
}
