/**
 * CSV import of readings on the small park: counts and series of a clean file, recognising a file imported before,
 * resuming an interrupted import after its last committed line, a header without `value`, malformed lines (wrong
 * field counts, quoted commas, CRLF, a BOM, blank lines) and naive local timestamps. Each test imports into its own
 * copy of the park (same definition, another park id), so no test sees another's readings.
 * Expected numbers are worked out by hand in the comments (times +08:00; a reading at t covers [t − 15 min, t)).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/lib/errors.ts';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import {
  importReadingsCsv,
  meterSeries,
  parsePeriod,
  rejectedRecords,
  type CsvImportProgress,
  type Resolution,
} from '../src/modules/telemetry/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { NOW, smallPark, TZ } from './helpers/small-park.ts';

const fixture = smallPark();
let db: TestDatabase;
let dir: string;

/** Applies the small park under another id: a fresh, empty park. */
async function createPark(id: string): Promise<string> {
  await applyParkDefinition(db.pool, { ...fixture, park: { ...fixture.park, id } });
  return id;
}

function writeCsv(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const at = (hhmm: string) => `2025-01-01T${hhmm}:00+08:00`;
const csv = (rows: string[]) => `${rows.join('\n')}\n`;

async function series(parkId: string, meter: string, period: string, resolution: Resolution) {
  return meterSeries(db.pool, parkId, meter, parsePeriod(period, TZ), resolution, NOW);
}

/** Every rollup row of a park's meters, by meter code, rounded so that float noise does not count. */
async function rollups(parkId: string) {
  const out: Record<string, unknown[]> = {};
  for (const level of ['hour', 'day', 'month']) {
    const { rows } = await db.pool.query<Record<string, number | string>>(
      `SELECT m.code, r.bucket_at, r.measured, r.estimated, r.quarantined, r.measured_slots, r.estimated_slots,
              r.quarantined_slots
       FROM rollup_${level} r JOIN meter m ON m.id = r.meter_id WHERE m.park_id = $1 ORDER BY m.code, r.bucket_at`,
      [parkId],
    );
    out[level] = rows.map((r) =>
      Object.values(r).map((v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v)),
    );
  }
  return out;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lingtan-csv-test-'));
});
afterAll(async () => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await db?.close();
});

describe('a clean file', () => {
  // E-SUB1 (register, ×1): 1000, 1040, 1090, 1120, 1180 → slots 40, 50, 30, 60; hour 00:00 = 180.
  // E-SUB2 (interval kWh): 12, 0.018 MWh = 18, 20 (empty unit = the meter's), 25 → hour 00:00 = 75.
  const rows = [
    'meter,at,value,unit',
    `E-SUB1,${at('00:00')},1000,kWh`,
    `E-SUB1,${at('00:15')},1040,kWh`,
    `E-SUB1,${at('00:30')},1090,kWh`,
    `E-SUB1,${at('00:45')},1120,kWh`,
    `E-SUB1,${at('01:00')},1180,kWh`,
    `E-SUB2,${at('00:15')},12,kWh`,
    `E-SUB2,${at('00:30')},0.018,MWh`,
    `E-SUB2,${at('00:45')},20,`,
    `E-SUB2,${at('01:00')},25,kWh`,
  ];
  let file: string;
  let park: string;

  beforeAll(async () => {
    park = await createPark('csv-clean');
    file = writeCsv('clean.csv', csv(rows));
  });

  it('imports every row and derives the series by hand', async () => {
    const res = await importReadingsCsv(db.pool, park, file, { nowMs: NOW });
    // 10 lines: the header and 9 readings, all valid, in one batch.
    expect(res).toMatchObject({
      alreadyImported: false,
      resumedFromLine: 0,
      lines: 10,
      received: 9,
      inserted: 9,
      unchanged: 0,
      revised: 0,
      rejected: 0,
      batches: 1,
      firstRejections: [],
    });
    const sub1 = await series(park, 'E-SUB1', `${at('00:00')}..${at('01:00')}`, '15m');
    expect(sub1.points.map((p) => [p.quantity, p.status])).toEqual([
      [40, 'measured'], // 1040 − 1000
      [50, 'measured'], // 1090 − 1040
      [30, 'measured'], // 1120 − 1090
      [60, 'measured'], // 1180 − 1120
    ]);
    const sub2 = await series(park, 'E-SUB2', `${at('00:00')}..${at('01:00')}`, '15m');
    expect(sub2.points.map((p) => p.quantity)).toEqual([12, 18, 20, 25]);
    const hours1 = await series(park, 'E-SUB1', '2025-01-01', 'hour');
    expect(hours1.points[0]).toMatchObject({ quantity: 180, coverage: 1, status: 'measured' });
    const day2 = await series(park, 'E-SUB2', '2025-01', 'day');
    expect(day2.points[0]).toMatchObject({ quantity: 75, estimated: 0, quarantined: 0 });
  });

  it('recognises the same file imported again and stores nothing', async () => {
    const before = await rollups(park);
    const res = await importReadingsCsv(db.pool, park, file, { nowMs: NOW });
    expect(res).toMatchObject({ alreadyImported: true, lines: 10, received: 0, inserted: 0, batches: 0 });
    expect(await rollups(park)).toEqual(before);
  });

  it('re-runs the file with force: every row unchanged, rollups untouched', async () => {
    const before = await rollups(park);
    const res = await importReadingsCsv(db.pool, park, file, { nowMs: NOW, force: true });
    expect(res).toMatchObject({
      alreadyImported: false,
      resumedFromLine: 0,
      lines: 10,
      received: 9,
      inserted: 0,
      unchanged: 9,
      revised: 0,
      rejected: 0,
    });
    expect(await rollups(park)).toEqual(before);
    // Complete again: a third plain import is recognised.
    expect(await importReadingsCsv(db.pool, park, file, { nowMs: NOW })).toMatchObject({
      alreadyImported: true,
    });
  });
});

describe('an interrupted import', () => {
  // Batches of 2 data lines: [2, 3], [4, 5], [6, 7], [8, 9]. The run is cut after batch 2 has committed (the progress
  // callback throws), so lines 2–5 are stored, line 5 (an unknown meter) is rejected once, and the run resumes at 6.
  const rows = [
    'meter,at,value',
    `E-SUB1,${at('00:00')},1000`, // 2
    `E-SUB1,${at('00:15')},1040`, // 3
    `E-SUB2,${at('00:15')},12`, // 4
    `NO-SUCH,${at('00:15')},1`, // 5: rejected
    `E-SUB1,${at('00:30')},1090`, // 6: its slot needs 1040 from batch 1
    `E-SUB2,${at('00:30')},18`, // 7
    `E-SUB1,${at('00:45')},1120`, // 8
    `E-SUB1,${at('01:00')},1180`, // 9
  ];
  let file: string;

  beforeAll(() => {
    file = writeCsv('resume.csv', csv(rows));
  });

  it('resumes after the last committed line and ends as a clean import does', async () => {
    const park = await createPark('csv-resume');
    const progress: CsvImportProgress[] = [];
    const crash = await caught(
      importReadingsCsv(db.pool, park, file, {
        nowMs: NOW,
        batchRows: 2,
        onProgress: (p) => {
          progress.push(p);
          if (progress.length === 2) throw new Error('simulated crash');
        },
      }),
    );
    expect(crash).toBeInstanceOf(Error);
    expect((crash as Error).message).toBe('simulated crash');
    expect(progress.map((p) => [p.linesDone, p.inserted, p.rejected])).toEqual([
      [3, 2, 0],
      [5, 3, 1],
    ]);
    // What the two committed batches left: 1040 − 1000 = 40 in slot 00:00; E-SUB2 12.
    const partial = await series(park, 'E-SUB1', `${at('00:00')}..${at('01:00')}`, '15m');
    expect(partial.points.map((p) => p.quantity)).toEqual([40, null, null, null]);

    const res = await importReadingsCsv(db.pool, park, file, { nowMs: NOW, batchRows: 2 });
    // Lines 6–9 remain: four readings, all new, in two batches.
    expect(res).toMatchObject({
      alreadyImported: false,
      resumedFromLine: 5,
      lines: 9,
      received: 4,
      inserted: 4,
      unchanged: 0,
      rejected: 0,
      batches: 2,
    });

    const reference = await createPark('csv-reference');
    const clean = await importReadingsCsv(db.pool, reference, file, { nowMs: NOW });
    expect(clean).toMatchObject({ resumedFromLine: 0, received: 8, inserted: 7, rejected: 1 });

    for (const meter of ['E-SUB1', 'E-SUB2']) {
      for (const [period, resolution] of [
        ['2025-01-01', '15m'],
        ['2025-01-01', 'hour'],
        ['2025-01', 'day'],
      ] as const) {
        const resumed = await series(park, meter, period, resolution);
        const expected = await series(reference, meter, period, resolution);
        expect(resumed.points).toEqual(expected.points);
        expect(resumed.totals).toEqual(expected.totals);
      }
    }
    expect(Object.values(await rollups(park))).toEqual(Object.values(await rollups(reference)));
    // By hand: slots 40, 50, 30, 60 (as the clean file above); E-SUB2 12 + 18 = 30.
    const hours = await series(park, 'E-SUB1', '2025-01-01', 'hour');
    expect(hours.points[0]!.quantity).toBe(180);
    const sub2 = await series(park, 'E-SUB2', '2025-01-01', 'day');
    expect(sub2.points[0]!.quantity).toBe(30);
    // Line 5 was committed before the crash and not read again: one rejection, not two.
    expect((await rejectedRecords(db.pool, park, undefined, 100)).total).toBe(1);
    // The file is now complete.
    expect(await importReadingsCsv(db.pool, park, file, { nowMs: NOW })).toMatchObject({
      alreadyImported: true,
      lines: 9,
    });
  });
});

describe('bad files and lines', () => {
  let park: string;
  beforeAll(async () => {
    park = await createPark('csv-bad');
  });

  it('rejects a header without `value`, naming line 1 and the column', async () => {
    const file = writeCsv('no-value.csv', csv(['meter,at,unit', `E-SUB2,${at('00:15')},kWh`]));
    const error = await caught(importReadingsCsv(db.pool, park, file, { nowMs: NOW }));
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain('no-value.csv:1');
    expect(e.message).toContain('value');
    expect(e.issues).toEqual([expect.objectContaining({ file: 'no-value.csv', line: 1, field: 'value' })]);
    const s = await series(park, 'E-SUB2', '2025-01-01', 'day');
    expect(s.points[0]!.quantity).toBeNull();
  });

  it('handles a BOM, CRLF, quotes, blank lines and wrong field counts', async () => {
    const lines = [
      '\uFEFFmeter,at,value,unit,note', // 1: BOM before the header
      `E-SUB2,${at('00:15')},10,kWh,"read by hand, checked"`, // 2: a comma inside quotes: 5 fields
      '', // 3: blank
      `E-SUB2,${at('00:30')},"11",kWh,plain`, // 4: a quoted value
      `E-SUB2,${at('00:45')},12,kWh`, // 5: 4 fields
      `E-SUB2,${at('01:00')},13,kWh,a,b`, // 6: 6 fields
      `"E-SUB2","${at('01:15')}",14,"kWh","say ""hi"", twice"`, // 7: every field quoted, escaped quotes
      '   ', // 8: only spaces
      `E-SUB2,${at('01:30')},"1,5",kWh,x`, // 9: the quoted "1,5" is one field, and not a number
    ];
    const file = writeCsv('messy.csv', lines.join('\r\n')); // CRLF, and no line break after the last line
    const res = await importReadingsCsv(db.pool, park, file, { nowMs: NOW });
    // Data records: lines 2, 4, 5, 6, 7, 9; stored: 2, 4, 7; rejected: 5, 6 (field count) and 9 (value).
    expect(res).toMatchObject({ lines: 9, received: 6, inserted: 3, rejected: 3 });

    const s = await series(park, 'E-SUB2', `${at('00:00')}..${at('01:30')}`, '15m');
    // Slots 00:00, 00:15 from lines 2 and 4; 00:30 and 00:45 rejected; 01:00 from line 7; 01:15 rejected.
    expect(s.points.map((p) => p.quantity)).toEqual([10, 11, null, null, 14, null]);

    const stored = await rejectedRecords(db.pool, park, undefined, 100);
    const byLine = new Map(stored.rows.map((r) => [r.line, r]));
    expect([...byLine.keys()].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([5, 6, 9]);
    // The raw text is the line as written, without its CR.
    expect(byLine.get(5)).toMatchObject({
      field: 'line',
      meterCode: 'E-SUB2',
      raw: `E-SUB2,${at('00:45')},12,kWh`,
      fileName: 'messy.csv',
    });
    expect(byLine.get(5)!.reason).toMatch(/expected 5 fields, found 4/);
    expect(byLine.get(6)).toMatchObject({ field: 'line', raw: `E-SUB2,${at('01:00')},13,kWh,a,b` });
    expect(byLine.get(6)!.reason).toMatch(/expected 5 fields, found 6/);
    expect(byLine.get(9)).toMatchObject({ field: 'value', raw: `E-SUB2,${at('01:30')},"1,5",kWh,x` });
  });

  it('reads naive timestamps in the park zone (+08:00)', async () => {
    // 2025-01-01 00:00 in Asia/Shanghai is 2024-12-31T16:00Z. Register 500 → 520 → 550: slots of 20 and 30.
    const file = writeCsv(
      'naive.csv',
      csv([
        'meter,at,value',
        'E-SUB1,2025-01-01 00:00,500',
        'E-SUB1,2025-01-01 00:15,520',
        'E-SUB1,2025/01/01 00:30:00,550',
      ]),
    );
    const res = await importReadingsCsv(db.pool, park, file, { nowMs: NOW });
    expect(res).toMatchObject({ inserted: 3, rejected: 0 });
    const s = await series(park, 'E-SUB1', '2024-12-31T16:00:00Z..2024-12-31T16:30:00Z', '15m');
    expect(s.points.map((p) => [p.startMs, p.quantity])).toEqual([
      [Date.UTC(2024, 11, 31, 16, 0), 20],
      [Date.UTC(2024, 11, 31, 16, 15), 30],
    ]);
    // In the park's calendar these are the first hour of 1 January, not of 31 December.
    const hours = await series(park, 'E-SUB1', '2025-01-01', 'hour');
    expect(hours.points[0]).toMatchObject({ startMs: Date.UTC(2024, 11, 31, 16), quantity: 50 });
  });
});
