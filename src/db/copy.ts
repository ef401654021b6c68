/** Bulk writes with COPY … FROM STDIN in PostgreSQL's text format. */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A value as COPY text: null → \N; strings escaped; numbers as is; epoch-ms timestamps must be passed as ISO strings. */
export function copyField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

const isoCache = new Map<number, string>();

/** Epoch ms as a timestamptz literal (cached: a batch repeats the same instants across meters). */
export function isoAt(ms: number): string {
  if (!Number.isFinite(ms)) return ms > 0 ? 'infinity' : '-infinity';
  let text = isoCache.get(ms);
  if (text === undefined) {
    if (isoCache.size > 200_000) isoCache.clear();
    text = new Date(ms).toISOString();
    isoCache.set(ms, text);
  }
  return text;
}

/** Streams rows (already COPY-encoded lines without the newline) into `table (columns)`. */
export async function copyLines(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: readonly string[],
  lines: readonly string[],
): Promise<void> {
  if (lines.length === 0) return;
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  const chunkSize = 2000;
  await pipeline(
    Readable.from(
      (function* () {
        for (let i = 0; i < lines.length; i += chunkSize) {
          yield lines.slice(i, i + chunkSize).join('\n') + '\n';
        }
      })(),
    ),
    stream,
  );
}

/** Runs `fn` in a transaction on one pooled client. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Column types the binary COPY encoder writes. */
export type BinaryType = 'int4' | 'int8' | 'float8' | 'timestamptz' | 'float4' | 'int2';

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const SIZE: Record<BinaryType, number> = { int2: 2, int4: 4, int8: 8, float4: 4, float8: 8, timestamptz: 8 };

/** Writes a safe integer as a big-endian int64 without BigInt (which allocates). */
function writeInt64(buf: Buffer, v: number, o: number): void {
  const hi = Math.floor(v / 4294967296);
  buf.writeInt32BE(hi, o);
  buf.writeUInt32BE(v - hi * 4294967296, o + 4);
}

/**
 * Streams rows into `table (columns)` with COPY … (FORMAT binary): no text to parse on the server, the fastest bulk
 * path. Values are numbers (timestamps as epoch ms) or null.
 */
export async function copyBinary(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: readonly string[],
  types: readonly BinaryType[],
  rows: readonly (readonly (number | null)[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const rowBytes = 2 + types.reduce((a, t) => a + 4 + SIZE[t], 0);
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT binary)`));
  const chunkRows = 4096;
  await pipeline(
    Readable.from(
      (function* () {
        const header = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
        yield Buffer.concat([header, Buffer.alloc(8)]);
        for (let start = 0; start < rows.length; start += chunkRows) {
          const end = Math.min(rows.length, start + chunkRows);
          const buf = Buffer.allocUnsafe((end - start) * rowBytes + (end === rows.length ? 2 : 0));
          let o = 0;
          for (let i = start; i < end; i++) {
            const row = rows[i]!;
            buf.writeInt16BE(types.length, o);
            o += 2;
            for (let c = 0; c < types.length; c++) {
              const v = row[c];
              const t = types[c]!;
              if (v === null || v === undefined || Number.isNaN(v)) {
                buf.writeInt32BE(-1, o);
                o += 4;
                continue;
              }
              buf.writeInt32BE(SIZE[t], o);
              o += 4;
              switch (t) {
                case 'int2':
                  buf.writeInt16BE(v, o);
                  break;
                case 'int4':
                  buf.writeInt32BE(v, o);
                  break;
                case 'int8':
                  writeInt64(buf, Math.round(v), o);
                  break;
                case 'float4':
                  buf.writeFloatBE(v, o);
                  break;
                case 'float8':
                  buf.writeDoubleBE(v, o);
                  break;
                case 'timestamptz':
                  writeInt64(buf, Math.round((v - PG_EPOCH_MS) * 1000), o);
                  break;
              }
              o += SIZE[t];
            }
          }
          if (end === rows.length) {
            buf.writeInt16BE(-1, o);
            o += 2;
          }
          yield buf.subarray(0, o);
        }
      })(),
    ),
    stream,
  );
}
