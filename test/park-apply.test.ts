/**
 * `park apply` on the small park: idempotent, export round-trips, a meter dropped from the file is archived (its data
 * kept) and restored when it comes back, a changed multiplier asks for re-derivation, and a file with several
 * mistakes is reported in one error with each line. Each test works on its own copy of the park (another id).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/lib/errors.ts';
import {
  applyParkDefinition,
  exportPark,
  exportParkDefinition,
  listMeters,
  parseParkDefinition,
  type ParkDefinition,
} from '../src/modules/registry/index.ts';
import {
  ingestBatch,
  loadParkMeters,
  meterSeries,
  parsePeriod,
  rebuildRollups,
  rederiveMeters,
  type ReadingRecord,
} from '../src/modules/telemetry/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { NOW, smallPark, TZ } from './helpers/small-park.ts';

const fixture = smallPark();
let db: TestDatabase;

/** The small park's file under another park id, as text. */
const fileFor = (id: string, edit: (def: ParkDefinition) => ParkDefinition = (d) => d): string =>
  exportParkDefinition(edit({ ...structuredClone(fixture), park: { ...fixture.park, id } }));

const applyText = async (text: string) =>
  applyParkDefinition(db.pool, parseParkDefinition(text, 'park.yaml'));

const unchanged = (n: number) => ({ created: 0, updated: 0, unchanged: n, archived: 0 });

const r = (meter: string, hhmm: string, value: number): ReadingRecord => ({
  meter,
  at: `2025-01-01T${hhmm}:00+08:00`,
  value,
});

async function ingest(parkId: string, records: ReadingRecord[]) {
  return ingestBatch(db.pool, await loadParkMeters(db.pool, parkId), records, { source: 'test', nowMs: NOW });
}

async function meterId(parkId: string, code: string): Promise<number> {
  const meter = (await listMeters(db.pool, parkId)).find((m) => m.code === code);
  if (!meter) throw new Error(`no meter ${code}`);
  return meter.id;
}

/** The meter's rollup rows at every level, rounded so that float noise does not count. */
async function rollups(meter: number) {
  const out: unknown[] = [];
  for (const level of ['hour', 'day', 'month']) {
    const { rows } = await db.pool.query<Record<string, number>>(
      `SELECT bucket_at, measured, estimated, quarantined, measured_slots, estimated_slots, quarantined_slots
       FROM rollup_${level} WHERE meter_id = $1 ORDER BY bucket_at`,
      [meter],
    );
    out.push(
      level,
      rows.map((row) => Object.values(row).map((v) => Math.round(v * 1e6) / 1e6)),
    );
  }
  return out;
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.close());

describe('applying a park definition', () => {
  it('creates the park once and changes nothing the second time', async () => {
    const text = fileFor('pa-idem');
    // The small park: 2 organisations, 1 site, 5 meters, every meter with a capacity.
    expect(await applyText(text)).toEqual({
      parkId: 'pa-idem',
      park: 'created',
      organisations: { created: 2, updated: 0, unchanged: 0, archived: 0 },
      sites: { created: 1, updated: 0, unchanged: 0, archived: 0 },
      meters: { created: 5, updated: 0, unchanged: 0, archived: 0 },
      metersToRederive: [],
      metersWithoutCapacity: [],
    });
    expect(await applyText(text)).toMatchObject({
      park: 'unchanged',
      organisations: unchanged(2),
      sites: unchanged(1),
      meters: unchanged(5),
      metersToRederive: [],
    });
  });

  it('exports what it applied: export → parse → apply changes nothing, and the text round-trips', async () => {
    await applyText(fileFor('pa-export'));
    const exported = await exportPark(db.pool, 'pa-export');
    expect(exported).toEqual({ ...fixture, park: { ...fixture.park, id: 'pa-export' } });
    const text = exportParkDefinition(exported);
    const parsed = parseParkDefinition(text, 'exported.yaml');
    expect(parsed).toEqual(exported);
    expect(exportParkDefinition(parsed)).toBe(text);
    expect(await applyParkDefinition(db.pool, parsed)).toMatchObject({
      park: 'unchanged',
      organisations: unchanged(2),
      sites: unchanged(1),
      meters: unchanged(5),
      metersToRederive: [],
    });
  });
});

describe('a meter removed from the file', () => {
  const park = 'pa-archive';
  const full = fileFor(park);
  const withoutGas = fileFor(park, (d) => ({ ...d, meters: d.meters.filter((m) => m.id !== 'G-1') }));
  const day = parsePeriod('2025-01-01', TZ);

  it('is archived with its readings kept and its series still queryable', async () => {
    await applyText(full);
    // G-1 register 100 → 130 → 145 m³: hour 00:00 = 30 + 15 = 45.
    expect(
      await ingest(park, [r('G-1', '00:00', 100), r('G-1', '00:15', 130), r('G-1', '00:30', 145)]),
    ).toMatchObject({ inserted: 3 });
    expect(await applyText(withoutGas)).toMatchObject({
      park: 'unchanged',
      meters: { created: 0, updated: 0, unchanged: 4, archived: 1 },
    });
    const meters = await listMeters(db.pool, park);
    expect(meters.find((m) => m.code === 'G-1')).toMatchObject({ archived: true });
    expect(meters.filter((m) => !m.archived).map((m) => m.code)).toEqual([
      'E-MAIN',
      'E-SUB1',
      'E-SUB2',
      'PV-1',
    ]);
    expect((await exportPark(db.pool, park)).meters.map((m) => m.id)).not.toContain('G-1');
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM reading WHERE meter_id = $1',
      [await meterId(park, 'G-1')],
    );
    expect(rows[0]!.n).toBe(3);
    const s = await meterSeries(db.pool, park, 'G-1', day, 'hour', NOW);
    expect(s.points[0]).toMatchObject({ quantity: 45, measured: 45 });
    // Archiving again is a no-op.
    expect(await applyText(withoutGas)).toMatchObject({ meters: unchanged(4) });
    // New readings for an archived meter are rejected (and kept with the reason), not silently added.
    const late = await ingest(park, [r('G-1', '00:45', 150)]);
    expect(late).toMatchObject({ inserted: 0, rejected: 1 });
    expect(late.rejections[0]).toMatchObject({ field: 'meter', meterCode: 'G-1' });
    expect(late.rejections[0]!.reason).toMatch(/archived/);
  });

  it('is restored when it comes back, with the same readings', async () => {
    const idBefore = await meterId(park, 'G-1');
    expect(await applyText(full)).toMatchObject({
      meters: { created: 0, updated: 1, unchanged: 4, archived: 0 },
      metersToRederive: [],
    });
    const meters = await listMeters(db.pool, park);
    expect(meters.find((m) => m.code === 'G-1')).toMatchObject({ id: idBefore, archived: false });
    const s = await meterSeries(db.pool, park, 'G-1', day, 'hour', NOW);
    expect(s.points[0]).toMatchObject({ quantity: 45 });
    expect((await exportPark(db.pool, park)).meters.map((m) => m.id)).toContain('G-1');
  });
});

describe('a changed multiplier', () => {
  const park = 'pa-multiplier';
  const day = parsePeriod('2025-01-01', TZ);
  const slots = parsePeriod('2025-01-01T00:00+08:00..2025-01-01T00:45+08:00', TZ);
  const withMultiplier = (multiplier: number) =>
    fileFor(park, (d) => ({
      ...d,
      meters: d.meters.map((m) => {
        if (m.id === 'E-SUB1') return { ...m, multiplier };
        // A derivation change on a meter without readings: nothing to re-derive.
        if (m.id === 'E-SUB2') return { ...m, capacity: 300 };
        return m;
      }),
    }));

  async function expectRollupsAsRebuilt(meter: number) {
    const incremental = await rollups(meter);
    expect(await rebuildRollups(db.pool, park, ['E-SUB1'])).toBe(1);
    expect(await rollups(meter)).toEqual(incremental);
  }

  // Both tests below also pin rederiveMeters itself: it must be able to load a meter's whole history (it failed with
  // "time zone displacement out of range" when asked for readings since −8.64e15 ms, outside PostgreSQL's range).
  it('asks for re-derivation of the meters with readings, and re-derivation doubles the energy', async () => {
    await applyText(fileFor(park));
    // E-SUB1 register (×1): 100, 130, 170, 180 → slots 30, 40, 10; day 80 kWh.
    await ingest(park, [
      r('E-SUB1', '00:00', 100),
      r('E-SUB1', '00:15', 130),
      r('E-SUB1', '00:30', 170),
      r('E-SUB1', '00:45', 180),
    ]);
    expect((await meterSeries(db.pool, park, 'E-SUB1', day, 'hour', NOW)).totals.quantity).toBe(80);

    const sub1 = await meterId(park, 'E-SUB1');
    const res = await applyText(withMultiplier(2));
    expect(res).toMatchObject({ meters: { created: 0, updated: 2, unchanged: 3, archived: 0 } });
    expect(res.metersToRederive).toEqual([sub1]);
    // Applying does not touch stored quantities: still 80 until re-derived.
    expect((await meterSeries(db.pool, park, 'E-SUB1', day, 'hour', NOW)).totals.quantity).toBe(80);
    // The same file again before the re-derivation ran (as after a crash): nothing changed, but the pending
    // re-derivation is still asked for — it is recorded with the settings, not lost with the process.
    expect((await applyText(withMultiplier(2))).metersToRederive).toEqual([sub1]);

    await rederiveMeters(db.pool, res.metersToRederive);
    // Done: the same file once more asks for nothing.
    expect((await applyText(withMultiplier(2))).metersToRederive).toEqual([]);
    // × 2: slots 60, 80, 20; hour 00:00 and day 160 kWh (80 × 2).
    const s = await meterSeries(db.pool, park, 'E-SUB1', slots, '15m', NOW);
    expect(s.points.map((p) => [p.quantity, p.status])).toEqual([
      [60, 'measured'],
      [80, 'measured'],
      [20, 'measured'],
    ]);
    expect((await meterSeries(db.pool, park, 'E-SUB1', day, 'hour', NOW)).points[0]!.quantity).toBe(160);
    const month = await meterSeries(db.pool, park, 'E-SUB1', parsePeriod('2025-01', TZ), 'day', NOW);
    expect(month.points[0]).toMatchObject({ quantity: 160, measured: 160, quarantined: 0 });
    await expectRollupsAsRebuilt(sub1);
  });

  it('re-derives spike status too when the multiplier grows past the capacity', async () => {
    const sub1 = await meterId(park, 'E-SUB1');
    const res = await applyText(withMultiplier(5));
    expect(res.metersToRederive).toEqual([sub1]);
    await rederiveMeters(db.pool, res.metersToRederive);
    // × 5: 150, 200, 50 kWh. Spike limit: 400 kW × 1.5 × 0.25 h = 150 kWh per slot, so 150 is counted and 200 is
    // quarantined. Day: 150 + 50 = 200 counted, 200 quarantined.
    const s = await meterSeries(db.pool, park, 'E-SUB1', slots, '15m', NOW);
    expect(s.points.map((p) => [p.quantity, p.quarantined, p.status])).toEqual([
      [150, 0, 'measured'],
      [null, 200, 'quarantined'],
      [50, 0, 'measured'],
    ]);
    const month = await meterSeries(db.pool, park, 'E-SUB1', parsePeriod('2025-01', TZ), 'day', NOW);
    expect(month.points[0]).toMatchObject({ quantity: 200, quarantined: 200 });
    await expectRollupsAsRebuilt(sub1);
  });
});

describe('a file with several mistakes', () => {
  it('throws one BAD_INPUT error listing each mistake at its line', () => {
    const text = fs.readFileSync('test/fixtures/t-bad-park.yaml', 'utf8');
    let error: unknown;
    try {
      parseParkDefinition(text, 't-bad-park.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toBe('t-bad-park.yaml: 6 problems');
    // Lines counted in the fixture file.
    expect(e.issues.map((i) => [i.line, i.field])).toEqual([
      [7, 'park.timezone'], // Asia/Shangai
      [16, 'organisations[1].industryCode'], // X99: X is not a section A–T
      [26, 'meters[1].organisation'], // org-z
      [37, 'meters[2].unit'], // m3 on an electricity meter
      [39, 'meters[3].id'], // E-SUB1 again
      [45, 'meters[4].carrier'], // missing: reported at the meter's first line
    ]);
    expect(e.issues.every((i) => i.file === 't-bad-park.yaml' && i.reason.length > 0)).toBe(true);
    expect(e.issues[0]!.reason).toMatch(/Asia\/Shangai/);
    expect(e.issues[2]!.reason).toMatch(/org-z/);
    expect(e.issues[4]!.reason).toMatch(/duplicate meter id "E-SUB1" \(first at line 25\)/);
  });
});
