/** `lingtan import readings <file.csv>`: back-fill from CSV through the one pipeline; resumable and idempotent. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { splitCsvLine } from '../../lib/csv.ts';
import { AppError } from '../../lib/errors.ts';
import {
  commitBatch,
  loadParkMeters,
  prepareBatch,
  type IngestResult,
  type ReadingRecord,
} from './ingest.service.ts';

export interface CsvImportProgress {
  linesDone: number;
  bytesDone: number;
  bytesTotal: number;
  inserted: number;
  rejected: number;
}

export interface CsvImportResult {
  file: string;
  sha256: string;
  alreadyImported: boolean;
  resumedFromLine: number;
  lines: number;
  received: number;
  inserted: number;
  unchanged: number;
  revised: number;
  rejected: number;
  batches: number;
  firstRejections: { line: number | null; field: string; reason: string }[];
}

export interface CsvImportOptions {
  /** Rows per batch (one transaction each). */
  batchRows?: number;
  /** Import again even if this exact file was imported before (it changes nothing if the data is the same). */
  force?: boolean;
  onProgress?: (p: CsvImportProgress) => void;
  nowMs?: number;
  /** Who imports (kept on each batch). */
  actor?: string | undefined;
  /** The name to record instead of the file's own (an upload stored under a generated name). */
  displayName?: string | undefined;
}

const COLUMN_ALIASES: Record<string, 'meter' | 'at' | 'value' | 'unit'> = {
  meter: 'meter',
  meter_id: 'meter',
  meter_code: 'meter',
  at: 'at',
  timestamp: 'at',
  time: 'at',
  value: 'value',
  reading: 'value',
  unit: 'unit',
};

async function fileHash(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Positions of the reading columns in a CSV file. */
export interface CsvColumns {
  meter: number;
  at: number;
  value: number;
  unit: number;
}

/** Reads the header line (meter, at, value[, unit], with aliases); a missing column is a BAD_INPUT naming it. */
export function parseCsvHeader(text: string, fileName: string): { columns: CsvColumns; width: number } {
  const header = splitCsvLine(text.replace(/^\uFEFF/, '')).map((h) => COLUMN_ALIASES[h.trim().toLowerCase()]);
  const find = (name: 'meter' | 'at' | 'value' | 'unit') => header.indexOf(name);
  const missing = (['meter', 'at', 'value'] as const).filter((c) => find(c) < 0);
  if (missing.length > 0) {
    throw new AppError('BAD_INPUT', `${fileName}:1: the header lacks column(s) ${missing.join(', ')}`, {
      issues: missing.map((c) => ({ file: fileName, line: 1, field: c, reason: `column "${c}" is missing` })),
    });
  }
  return {
    columns: { meter: find('meter'), at: find('at'), value: find('value'), unit: find('unit') },
    width: header.length,
  };
}

/** One data line as a reading record; a line with the wrong number of fields becomes a malformed record (kept). */
export function csvRecord(text: string, lineNo: number, c: CsvColumns, width: number): ReadingRecord {
  const f = splitCsvLine(text);
  if (f.length !== width) {
    return {
      meter: f[c.meter]?.trim() ?? '',
      at: '',
      value: '',
      line: lineNo,
      raw: text,
      malformed: { field: 'line', reason: `expected ${width} fields, found ${f.length}` },
    };
  }
  return {
    meter: f[c.meter]!.trim(),
    at: f[c.at]!.trim(),
    value: f[c.value]!,
    unit: c.unit >= 0 ? f[c.unit] : undefined,
    line: lineNo,
    raw: text,
  };
}

/** Parses a whole CSV text (an HTTP body) into reading records with their line numbers. */
export function parseReadingsCsv(text: string, fileName: string): ReadingRecord[] {
  const all = text.split('\n');
  if (all.length === 0 || all[0]!.trim() === '')
    throw new AppError('BAD_INPUT', `${fileName}:1: empty CSV: the header meter,at,value[,unit] is missing`);
  const { columns, width } = parseCsvHeader(all[0]!.replace(/\r$/, ''), fileName);
  const records: ReadingRecord[] = [];
  for (let i = 1; i < all.length; i++) {
    const line = all[i]!.replace(/\r$/, '');
    if (line.trim() !== '') records.push(csvRecord(line, i + 1, columns, width));
  }
  return records;
}

/** Lines of a file, streamed, with 1-based numbers and byte offsets. */
async function* lines(file: string): AsyncGenerator<{ text: string; bytes: number }> {
  let rest = '';
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts)
      yield { text: p.endsWith('\r') ? p.slice(0, -1) : p, bytes: Buffer.byteLength(p) + 1 };
  }
  if (rest !== '')
    yield { text: rest.endsWith('\r') ? rest.slice(0, -1) : rest, bytes: Buffer.byteLength(rest) };
}

/**
 * Imports a CSV file of readings (header: meter, at, value[, unit]) into a park. Each batch commits together with
 * the import's progress, so an interrupted import resumes after the last committed line; a file already imported
 * whole is recognised by its hash and skipped.
 */
export async function importReadingsCsv(
  pool: pg.Pool,
  parkId: string,
  file: string,
  options: CsvImportOptions = {},
): Promise<CsvImportResult> {
  if (!fs.existsSync(file)) throw new AppError('NOT_FOUND', `${file}: no such file`);
  const fileName = options.displayName ?? path.basename(file);
  const size = fs.statSync(file).size;
  const sha256 = await fileHash(file);
  const park = await loadParkMeters(pool, parkId);
  const result: CsvImportResult = {
    file,
    sha256,
    alreadyImported: false,
    resumedFromLine: 0,
    lines: 0,
    received: 0,
    inserted: 0,
    unchanged: 0,
    revised: 0,
    rejected: 0,
    batches: 0,
    firstRejections: [],
  };
  const { rows } = await pool.query<{ lines_done: number; complete: boolean }>(
    'SELECT lines_done, complete FROM import_file WHERE park_id = $1 AND sha256 = $2',
    [parkId, sha256],
  );
  const known = rows[0];
  if (known?.complete && !options.force) return { ...result, alreadyImported: true, lines: known.lines_done };
  const resumeAfter = known && !known.complete ? known.lines_done : 0;
  result.resumedFromLine = resumeAfter;
  await pool.query(
    `INSERT INTO import_file (park_id, sha256, file_name, size_bytes) VALUES ($1, $2, $3, $4)
     ON CONFLICT (park_id, sha256) DO UPDATE SET complete = false, lines_done = CASE WHEN $5 THEN 0 ELSE import_file.lines_done END`,
    [parkId, sha256, fileName, size, Boolean(options.force && known?.complete)],
  );

  const batchRows = options.batchRows ?? 50_000;
  let columns: CsvColumns | undefined;
  let width = 0;
  let lineNo = 0;
  let bytesDone = 0;
  let batch: ReadingRecord[] = [];
  const nowMs = options.nowMs ?? Date.now();
  // While one batch commits, the next is read and validated: the database and the CPU work at the same time.
  let pending: Promise<void> = Promise.resolve();
  const record = (r: IngestResult, upTo: number, bytes: number) => {
    result.batches += 1;
    result.received += r.received;
    result.inserted += r.inserted;
    result.unchanged += r.unchanged;
    result.revised += r.revised;
    result.rejected += r.rejected;
    for (const rej of r.rejections) {
      if (result.firstRejections.length < 20) result.firstRejections.push(rej);
    }
    options.onProgress?.({
      linesDone: upTo,
      bytesDone: bytes,
      bytesTotal: size,
      inserted: result.inserted,
      rejected: result.rejected,
    });
  };
  const flush = async () => {
    const upTo = lineNo;
    const bytes = bytesDone;
    const prepared = prepareBatch(park, batch, nowMs);
    batch = [];
    await pending;
    pending = commitBatch(pool, park, prepared, {
      source: 'csv',
      fileName,
      nowMs,
      actor: options.actor,
      beforeCommit: async (client) => {
        await client.query('UPDATE import_file SET lines_done = $3 WHERE park_id = $1 AND sha256 = $2', [
          parkId,
          sha256,
          upTo,
        ]);
      },
    }).then((r) => record(r, upTo, bytes));
    pending.catch(() => undefined); // awaited on the next flush; this only keeps Node from calling it unhandled
  };

  for await (const { text, bytes } of lines(file)) {
    lineNo += 1;
    bytesDone += bytes;
    if (lineNo === 1) {
      ({ columns, width } = parseCsvHeader(text, fileName));
      continue;
    }
    if (lineNo <= resumeAfter || text.trim() === '') continue;
    batch.push(csvRecord(text, lineNo, columns!, width));
    if (batch.length >= batchRows) await flush();
  }
  if (batch.length > 0 || result.batches === 0) await flush();
  await pending;
  await pool.query(
    'UPDATE import_file SET complete = true, lines_done = $3, finished_at = now() WHERE park_id = $1 AND sha256 = $2',
    [parkId, sha256, lineNo],
  );
  result.lines = lineNo;
  return result;
}
