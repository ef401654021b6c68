/**
 * The embedded MQTT broker (aedes over TCP) that `lingtan serve` runs when no MQTT_URL is given, so that gateways
 * can publish with no extra server. Gateways log in with their token; each may publish only its own readings topic
 * and subscribe only its own results topic.
 *
 * A reading message is stored INSIDE aedes's `authorizePublish` hook, which aedes runs before it writes the PUBACK
 * (QoS 1) or PUBREC (QoS 2): the hook calls back only once the message is committed, so the gateway's PUBACK means
 * "committed". If it cannot be committed the hook calls back with an error: aedes then closes the gateway's
 * connection without a PUBACK, and the gateway sends the message again when it reconnects. See docs/mqtt.md.
 */
import net from 'node:net';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import { readingsTopic, resultsTopic } from './payload.ts';

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
  /**
   * Stores a message a gateway published on its own readings topic; called from `authorizePublish`, before aedes
   * acknowledges it. Resolves once the message is committed, with the text to publish on the gateway's results topic
   * afterwards (undefined: none); rejects if it was not committed (the broker then drops the connection, no PUBACK).
   */
  ingest: (gateway: GatewayIdentity, payload: Buffer) => Promise<string | undefined>;
  /** Called for each committed QoS 1/2 message whose PUBACK (PUBREC) aedes is about to write. */
  onAcknowledged?: (() => void) | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface EmbeddedBroker {
  readonly host: string;
  /** The port actually listened on. */
  readonly port: number;
  /** `mqtt://host:port` */
  readonly url: string;
  /** Gateways connected, and reading messages inside the hook (published, not yet committed and acknowledged). */
  stats(): { gateways: number; inFlight: number };
  /**
   * Refuses new connections, log-ins and publications from now on (a publication is refused by closing the
   * connection, without a PUBACK: the gateway sends it again later). Messages already inside the hook go on.
   */
  refuse(): void;
  /**
   * Waits (at most `timeoutMs`) until no message is inside the hook any more — committed and acknowledged, or failed
   * — and the acknowledgements are written out, then disconnects the gateways.
   */
  disconnectGateways(options?: { timeoutMs?: number }): Promise<void>;
  close(): Promise<void>;
}

/** aedes's CONNACK return codes (its enum is a `const enum` in a .d.ts, not importable as a value). */
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;

/**
 * Socket buffer size. aedes reads a gateway's socket one chunk at a time and reads the next chunk only after every
 * packet of the current one has been handled — for a reading message, committed. A large chunk lets one connection
 * put a whole group commit's worth of messages in flight (a 100-reading message is about 7 KB); it also bounds what
 * one connection holds in memory.
 */
const SOCKET_BUFFER_BYTES = 1 << 20;

function refusal(returnCode: number, text: string): Error & { returnCode: number } {
  return Object.assign(new Error(text), { returnCode });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Starts the broker and listens. */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = options.log ?? (() => undefined);
  const gateways = new WeakMap<Client, GatewayIdentity>();
  const connected = new Set<Client>();
  let accepting = true;
  let inFlight = 0;
  let settledWaiters: (() => void)[] = [];

  const settled = () => {
    inFlight -= 1;
    if (inFlight === 0) for (const w of settledWaiters.splice(0)) w();
  };

  const brokerOptions: AedesOptions = {
    authenticate(client, username, password, done) {
      if (!accepting) return done(refusal(SERVER_UNAVAILABLE, 'shutting down'), null);
      const secret = password?.toString('utf8') ?? '';
      options.authenticate(username, secret).then(
        (identity) => {
          const named = username?.includes('/') ? username : undefined;
          if (!identity || (named !== undefined && named !== `${identity.parkId}/${identity.gatewayId}`)) {
            log(`mqtt broker: login refused for client "${client.id}" (user "${username ?? ''}")`);
            return done(refusal(BAD_USERNAME_OR_PASSWORD, 'bad user name or password'), null);
          }
          if (!accepting) return done(refusal(SERVER_UNAVAILABLE, 'shutting down'), null);
          gateways.set(client, identity);
          done(null, true);
        },
        (error: unknown) => {
          log(`mqtt broker: cannot check a login: ${message(error)}`);
          done(refusal(SERVER_UNAVAILABLE, 'server unavailable'), null);
        },
      );
    },
    // aedes runs this for every PUBLISH before it acknowledges it (lib/handlers/publish.js: authorizePublish, then
    // enqueuePublish, which writes the PUBACK). The packets of one socket read are handled concurrently, so many
    // messages of one connection wait here together and commit in one group.
    authorizePublish(client, packet, done) {
      const gw = client ? gateways.get(client) : undefined;
      if (!client || !gw || packet.topic !== readingsTopic(gw.parkId, gw.gatewayId)) {
        log(
          `mqtt broker: ${gw ? `gateway ${gw.parkId}/${gw.gatewayId}` : 'client'} may not publish to ${packet.topic}`,
        );
        // MQTT 3.1.1 has no negative PUBACK: aedes closes the connection, and the message goes nowhere.
        return done(new Error(`not authorised to publish to ${packet.topic}`));
      }
      if (!accepting) return done(new Error('shutting down: not accepting messages'));
      // Nobody subscribes to readings topics, and a retained copy would only hold memory.
      packet.retain = false;
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      inFlight += 1;
      options.ingest(gw, payload).then(
        (results) => {
          if (packet.qos > 0 && client.connected && !client.closed) options.onAcknowledged?.();
          try {
            done(null); // aedes writes the PUBACK now, synchronously: the message is committed
          } finally {
            settled();
          }
          if (results !== undefined && !broker.closed)
            broker.publish(
              {
                cmd: 'publish',
                topic: resultsTopic(gw.parkId, gw.gatewayId),
                payload: Buffer.from(results),
                qos: 0,
                retain: false,
                dup: false,
              },
              () => undefined,
            );
        },
        (error: unknown) => {
          // Logged once per connection: the first error closes it (synchronously, in done), the others find it closed.
          if (!client.closed)
            log(
              `mqtt broker: message from ${gw.parkId}/${gw.gatewayId} not committed, not acknowledged; closing its connection: ${message(error)}`,
            );
          try {
            done(error instanceof Error ? error : new Error(String(error)));
          } finally {
            settled();
          }
        },
      );
    },
    authorizeSubscribe(client, subscription, done) {
      const gw = gateways.get(client);
      if (gw && subscription.topic === resultsTopic(gw.parkId, gw.gatewayId)) return done(null, subscription);
      done(null, null); // a refused subscription (SUBACK 0x80), not a disconnection
    },
  };
  const broker = await Aedes.createBroker(brokerOptions);

  broker.on('client', (client) => connected.add(client));
  broker.on('clientDisconnect', (client) => connected.delete(client));
  broker.on('clientError', (client) => connected.delete(client));

  const server = net.createServer({ highWaterMark: SOCKET_BUFFER_BYTES }, (socket) => {
    if (!accepting) return socket.destroy();
    broker.handle(socket);
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
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      throw error;
    }
    await listen(0);
  }
  const address = server.address() as net.AddressInfo;
  const host = options.host;
  const port = address.port;
  const serverClosed = new Promise<void>((resolve) => server.once('close', () => resolve()));

  return {
    host,
    port,
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
    stats: () => ({ gateways: connected.size, inFlight }),
    refuse() {
      if (!accepting) return;
      accepting = false;
      server.close(); // no new connections; 'close' once the open ones are gone
    },
    async disconnectGateways({ timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      if (inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          settledWaiters.push(resolve);
          timer = setTimeout(resolve, timeoutMs);
        });
        clearTimeout(timer);
        settledWaiters = [];
        if (inFlight > 0) log(`mqtt broker: disconnecting with ${inFlight} message(s) not committed`);
      }
      // Let the PUBACKs just written reach the gateways before the connections close.
      await Promise.all(
        [...connected].map(async (client) => {
          const socket = client.conn as net.Socket;
          while (socket.writableLength > 0 && !socket.destroyed && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 10));
          await new Promise<void>((resolve) => client.close(() => resolve()));
        }),
      );
    },
    async close() {
      accepting = false;
      if (server.listening) server.close();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await serverClosed;
    },
  };
}
