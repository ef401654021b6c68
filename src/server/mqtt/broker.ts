/**
 * The embedded MQTT broker (aedes over TCP) that `lingtan serve` runs when no MQTT_URL is given, so that gateways
 * can publish with no extra server. Gateways log in with their token; each may publish only its own readings topic
 * and subscribe only its own results topic. The in-process ingest worker logs in with a random internal secret.
 * aedes speaks MQTT 3.1.1 (no shared subscriptions): the worker uses one connection; see docs/mqtt.md.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import { parseTopic, readingsTopic, resultsTopic } from './payload.ts';

/** A gateway as the broker knows it after login. */
export interface GatewayIdentity {
  parkId: string;
  gatewayId: string;
}

export interface EmbeddedBrokerOptions {
  host: string;
  /** Listen port; 0 for any free one. */
  port: number;
  /** If the port is taken, listen on a free port instead (the actual one is `broker.port`). */
  fallbackToFreePort?: boolean | undefined;
  /** The gateway whose token this is (the password), or undefined to refuse the login. */
  authenticate: (username: string | undefined, password: string) => Promise<GatewayIdentity | undefined>;
  /** Credentials of the in-process ingest worker, which may subscribe to everything and publish results. */
  internalUsername: string;
  internalPassword: string;
  log?: ((line: string) => void) | undefined;
}

export interface EmbeddedBroker {
  readonly host: string;
  /** The port actually listened on. */
  readonly port: number;
  /** `mqtt://host:port`, for the in-process worker. */
  readonly url: string;
  /**
   * Refuses new gateway logins and disconnects the gateways (the internal worker stays connected), then waits until
   * every reading message the gateways published has been acknowledged by the worker — committed — or `timeoutMs`.
   */
  closeGateways(options?: { timeoutMs?: number }): Promise<void>;
  /** Gateways connected, and reading messages published but not yet acknowledged by the worker. */
  stats(): { gateways: number; unacknowledged: number };
  close(): Promise<void>;
}

/** aedes's CONNACK return codes (its enum is a `const enum` in a .d.ts, not importable as a value). */
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;

function refusal(returnCode: number, text: string): Error & { returnCode: number } {
  return Object.assign(new Error(text), { returnCode });
}

function sameSecret(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}

/** Starts the broker and listens. */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = options.log ?? (() => undefined);
  const gateways = new WeakMap<Client, GatewayIdentity>();
  const internal = new WeakSet<Client>();
  const internalIds = new Set<string>();
  const connected = new Set<Client>();
  let acceptingGateways = true;
  let unacknowledged = 0;
  let drainWaiters: (() => void)[] = [];

  const brokerOptions: AedesOptions = {
    authenticate(client, username, password, done) {
      const secret = password?.toString('utf8') ?? '';
      if (username === options.internalUsername) {
        if (sameSecret(secret, options.internalPassword)) {
          internal.add(client);
          internalIds.add(client.id);
          return done(null, true);
        }
        return done(refusal(BAD_USERNAME_OR_PASSWORD, 'bad user name or password'), null);
      }
      if (!acceptingGateways) return done(refusal(SERVER_UNAVAILABLE, 'shutting down'), null);
      // A gateway must not take over the worker's session by reusing its client id.
      if (internalIds.has(client.id)) return done(refusal(2, 'client id reserved'), null);
      options.authenticate(username, secret).then(
        (identity) => {
          const named = username?.includes('/') ? username : undefined;
          if (!identity || (named !== undefined && named !== `${identity.parkId}/${identity.gatewayId}`)) {
            log(`mqtt broker: login refused for client "${client.id}" (user "${username ?? ''}")`);
            return done(refusal(BAD_USERNAME_OR_PASSWORD, 'bad user name or password'), null);
          }
          gateways.set(client, identity);
          done(null, true);
        },
        (error: unknown) => {
          log(`mqtt broker: cannot check a login: ${error instanceof Error ? error.message : String(error)}`);
          done(refusal(SERVER_UNAVAILABLE, 'server unavailable'), null);
        },
      );
    },
    authorizePublish(client, packet, done) {
      if (!client || internal.has(client)) return done(null);
      const gw = gateways.get(client);
      if (gw && packet.topic === readingsTopic(gw.parkId, gw.gatewayId)) {
        // Outstanding until the worker acknowledges it, i.e. until it is committed (counted here, before routing).
        if (packet.qos > 0) unacknowledged += 1;
        return done(null);
      }
      log(
        `mqtt broker: ${gw ? `gateway ${gw.parkId}/${gw.gatewayId}` : 'client'} may not publish to ${packet.topic}`,
      );
      // MQTT 3.1.1 has no negative PUBACK: aedes closes the connection, and the message goes nowhere.
      done(new Error(`not authorised to publish to ${packet.topic}`));
    },
    authorizeSubscribe(client, subscription, done) {
      if (internal.has(client)) return done(null, subscription);
      const gw = gateways.get(client);
      if (gw && subscription.topic === resultsTopic(gw.parkId, gw.gatewayId)) return done(null, subscription);
      done(null, null); // a refused subscription (SUBACK 0x80), not a disconnection
    },
  };
  const aedes = await Aedes.createBroker(brokerOptions);

  aedes.on('client', (client) => {
    if (!internal.has(client)) connected.add(client);
  });
  aedes.on('clientDisconnect', (client) => connected.delete(client));
  aedes.on('ack', (packet, client) => {
    if (!internal.has(client) || !('topic' in packet) || parseTopic(packet.topic)?.kind !== 'readings')
      return;
    unacknowledged = Math.max(0, unacknowledged - 1);
    if (unacknowledged === 0) for (const w of drainWaiters.splice(0)) w();
  });

  const server = net.createServer((socket) => {
    aedes.handle(socket);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(options.port);
  } catch (error) {
    if (!(options.fallbackToFreePort && (error as NodeJS.ErrnoException).code === 'EADDRINUSE')) {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      throw error;
    }
    await listen(0);
  }
  const address = server.address() as net.AddressInfo;
  const host = options.host;
  const port = address.port;

  return {
    host,
    port,
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
    stats: () => ({ gateways: connected.size, unacknowledged }),
    async closeGateways({ timeoutMs = 30_000 } = {}) {
      acceptingGateways = false;
      await Promise.all(
        [...connected].map((client) => new Promise<void>((resolve) => client.close(() => resolve()))),
      );
      if (unacknowledged === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        drainWaiters.push(resolve);
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      drainWaiters = [];
      if (unacknowledged > 0)
        log(`mqtt broker: closing with ${unacknowledged} reading message(s) not acknowledged by the worker`);
    },
    async close() {
      acceptingGateways = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await closed;
    },
  };
}
