/**
 * A plain MQTT broker for the worker tests: aedes with none of Lingtan's hooks, a stand-in for an external broker
 * such as Mosquitto. Like one, it acknowledges a publisher on receipt, keeps persistent sessions (in memory) and
 * re-delivers to a subscriber what the subscriber did not acknowledge. It counts the reading messages published and
 * not yet acknowledged by a subscriber (the worker).
 */
import net from 'node:net';
import { Aedes } from 'aedes';
import { parseTopic } from '../../src/server/mqtt/payload.ts';

export interface PlainBroker {
  readonly port: number;
  readonly url: string;
  /** Reading messages published (QoS 1) and not yet acknowledged by a subscriber. */
  stats(): { unacknowledged: number };
  close(): Promise<void>;
}

export async function startPlainBroker(): Promise<PlainBroker> {
  let unacknowledged = 0;
  const isReadings = (topic: string) => parseTopic(topic)?.kind === 'readings';
  const aedes = await Aedes.createBroker({
    authorizePublish(_client, packet, done) {
      if (packet.qos > 0 && isReadings(packet.topic)) unacknowledged += 1;
      done(null);
    },
  });
  aedes.on('ack', (packet) => {
    if ('topic' in packet && isReadings(packet.topic)) unacknowledged = Math.max(0, unacknowledged - 1);
  });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    stats: () => ({ unacknowledged }),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
