/**
 * A lean HTTP/1.1 client for load generation: node:http over keep-alive connections, the whole body read, the time
 * from sending to the last byte. Lighter than fetch, so that the load generator takes less of the 2 cores it shares
 * with the server it measures.
 */
import http from 'node:http';

export interface Response {
  status: number;
  body: string;
  /** Sending the request → last byte of the body, milliseconds. */
  ms: number;
  headers: http.IncomingHttpHeaders;
}

export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

export function request(
  agent: http.Agent,
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      url,
      {
        method,
        agent,
        headers:
          body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
