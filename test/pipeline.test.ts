/**
 * The ingestion pipeline on a small park, fault by fault. Every expected number is worked out by hand in the
 * comments (times are 2025-01-01, +08:00; a reading at t covers the slot [t − 15 min, t)).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import {
  commitBatches,
  energyByCarrier,
  ingestBatch,
  prepareBatch,
  loadParkMeters,
  meterSeries,
  parsePeriod,
  rejectedRecords,
  subMeterBalance,
  type ParkMeters,
  type ReadingRecord,
} from '../src/modules/telemetry/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { NOW, reading, smallPark, TZ } from './helpers/small-park.ts';

let db: TestDatabase;
let park: ParkMeters;

const r = (meter: string, hhmm: string, value: number | string, unit?: string) =>
  reading(meter, hhmm, value, { unit });

async function ingest(records: ReadingRecord[]) {
  return ingestBatch(db.pool, park, records, { source: 'test', nowMs: NOW });
}

async function hourRollups(meter: string) {
  const s = await meterSeries(db.pool, 'p1', meter, parsePeriod('2025-01-01', TZ), 'hour', NOW);
  return s.points;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, smallPark());
  park = await loadParkMeters(db.pool, 'p1');
});
afterAll(async () => db?.close());

describe('cumulative register with reset, spike and gap', () => {
  // E-SUB1 register: 1000, 1050, 1100, reset → 20, spike → 520, 545, (gap), 605, 630.
  const series = [
    r('E-SUB1', '00:00', 1000),
    r('E-SUB1', '00:15', 1050),
    r('E-SUB1', '00:30', 1100),
    r('E-SUB1', '00:45', 20),
    r('E-SUB1', '01:00', 520),
    r('E-SUB1', '01:15', 545),
    r('E-SUB1', '02:00', 605),
    r('E-SUB1', '02:15', 630),
  ];

  it('stores every reading and derives slot quantities by hand', async () => {
    const res = await ingest(series);
    expect(res).toMatchObject({ received: 8, inserted: 8, unchanged: 0, revised: 0, rejected: 0 });
    const slots = await meterSeries(
      db.pool,
      'p1',
      'E-SUB1',
      parsePeriod('2025-01-01T00:00+08:00..2025-01-01T02:15+08:00', TZ),
      '15m',
      NOW,
    );
    const byTime = slots.points.map((p) => [p.quantity, p.status, p.flags.join(' ')]);
    expect(byTime).toEqual([
      [50, 'measured', ''], // 00:00 1050 − 1000
      [50, 'measured', ''], // 00:15 1100 − 1050
      [20, 'measured', 'reset'], // 00:30 the register fell to 20: energy since the reset is 20
      [null, 'quarantined', 'spike'], // 00:45 520 − 20 = 500 kWh in 15 min = 2,000 kW > 1.5 × 400 kW
      [25, 'measured', ''], // 01:00 545 − 520
      [20, 'estimated', 'gap_bridged'], // 01:15..02:00: 605 − 545 = 60 over three slots
      [20, 'estimated', 'gap_bridged'],
      [20, 'estimated', 'gap_bridged'],
      [25, 'measured', ''], // 02:00 630 − 605
    ]);
    expect(slots.points[3]!.quarantined).toBe(500);
  });

  it('rolls up by hour with measured, estimated and quarantined kept apart', async () => {
    const hours = await hourRollups('E-SUB1');
    // 00:00 hour: 50 + 50 + 20 measured (3 of 4 slots), 500 quarantined.
    expect(hours[0]).toMatchObject({
      quantity: 120,
      measured: 120,
      estimated: 0,
      quarantined: 500,
      coverage: 0.75,
    });
    // 01:00 hour: 25 measured (1 slot) + 60 estimated (3 slots).
    expect(hours[1]).toMatchObject({
      quantity: 85,
      measured: 25,
      estimated: 60,
      coverage: 0.25,
      status: 'partial',
    });
    // 02:00 hour: only the 02:00–02:15 slot: 25.
    expect(hours[2]).toMatchObject({ quantity: 25, coverage: 0.25 });
    // 03:00 and later: nothing known — missing, never zero.
    expect(hours[3]).toMatchObject({ quantity: null, status: 'missing', coverage: 0 });
    const day = await meterSeries(db.pool, 'p1', 'E-SUB1', parsePeriod('2025-01', TZ), 'day', NOW);
    // Day = 120 + 85 + 25 = 230 = (1100 − 1000) + 20 + (630 − 20) − 500 quarantined.
    expect(day.points[0]).toMatchObject({ quantity: 230, quarantined: 500, estimated: 60 });
    const month = await meterSeries(db.pool, 'p1', 'E-SUB1', parsePeriod('2025', TZ), 'month', NOW);
    expect(month.points[0]).toMatchObject({ quantity: 230, quarantined: 500 });
  });

  it('re-importing the same batch changes nothing', async () => {
    const res = await ingest(series);
    expect(res).toMatchObject({ inserted: 0, unchanged: 8, revised: 0, touchedHours: 0 });
    const day = await meterSeries(db.pool, 'p1', 'E-SUB1', parsePeriod('2025-01', TZ), 'day', NOW);
    expect(day.points[0]!.quantity).toBe(230);
  });

  it('late data fills the gap and recomputes only the hour it touches', async () => {
    // 01:30 → 565, 01:45 → 585: the 60 kWh span becomes three measured slots of 20.
    const res = await ingest([r('E-SUB1', '01:45', 585), r('E-SUB1', '01:30', 565)]);
    expect(res).toMatchObject({ inserted: 2, touchedHours: 1 });
    const hours = await hourRollups('E-SUB1');
    expect(hours[1]).toMatchObject({
      quantity: 85,
      measured: 85,
      estimated: 0,
      coverage: 1,
      status: 'measured',
    });
    const day = await meterSeries(db.pool, 'p1', 'E-SUB1', parsePeriod('2025-01', TZ), 'day', NOW);
    expect(day.points[0]).toMatchObject({ quantity: 230, estimated: 0 });
  });

  it('a different value for a stored timestamp becomes a revision, the old value kept', async () => {
    const res = await ingest([r('E-SUB1', '02:15', 631)]);
    expect(res).toMatchObject({ inserted: 0, revised: 1 });
    const s = await meterSeries(db.pool, 'p1', 'E-SUB1', parsePeriod('2025-01-01', TZ), '15m', NOW);
    const slot = s.points.find((p) => p.startMs === Date.parse('2025-01-01T02:00:00+08:00'))!;
    expect(slot.quantity).toBe(26); // 631 − 605
    expect(slot.flags).toContain('revised');
    expect(s.revisions).toEqual([expect.objectContaining({ value: 630 })]);
  });
});

describe('a long gap across months', () => {
  it('bridges a register silent from January to April, its estimate spread over February and March', async () => {
    // E-SUB1 (×1) in 2024, before the readings above: 10 at 2024-01-31 23:45, 2,962 at 2024-04-01 00:15.
    // Span: 1 slot of January + 29 × 96 (leap February) + 31 × 96 (March) + 1 slot of April = 5,762 slots, carrying
    // 2,952 kWh. The months between had no partition before: they must exist for the slot shares.
    // Two batches: the April reading's span reaches back into months no batch of its own ever touched.
    await ingest([{ meter: 'E-SUB1', at: '2024-01-31T23:45:00+08:00', value: 10 }]);
    const res = await ingest([{ meter: 'E-SUB1', at: '2024-04-01T00:15:00+08:00', value: 2962 }]);
    expect(res).toMatchObject({ inserted: 1, rejected: 0 });
    const months = await meterSeries(
      db.pool,
      'p1',
      'E-SUB1',
      parsePeriod('2024-02-01..2024-04-01', TZ),
      'month',
      NOW,
    );
    expect(months.points[0]!.estimated).toBeCloseTo((2784 * 2952) / 5762, 6);
    expect(months.points[1]!.estimated).toBeCloseTo((2976 * 2952) / 5762, 6);
    expect(months.points.map((p) => p.status)).toEqual(['estimated', 'estimated']);
  });
});

describe('multiplier and rollover', () => {
  it('applies CT × PT and unwraps the register', async () => {
    // E-MAIN ×100, wraps at 10,000: 9,999.0 → 0.5 is 1.5 raw = 150 kWh; 0.5 → 2.0 is 150 kWh.
    await ingest([r('E-MAIN', '00:00', 9999), r('E-MAIN', '00:15', 0.5), r('E-MAIN', '00:30', 2)]);
    const s = await meterSeries(
      db.pool,
      'p1',
      'E-MAIN',
      parsePeriod('2025-01-01T00:00+08:00..2025-01-01T00:30+08:00', TZ),
      '15m',
      NOW,
    );
    expect(s.points.map((p) => [p.quantity, p.flags.join(' ')])).toEqual([
      [150, 'rollover'],
      [150, ''],
    ]);
  });
});

describe('interval and power meters', () => {
  it('takes interval quantities as they are, converting a convertible unit', async () => {
    // 0.03 MWh = 30 kWh.
    const res = await ingest([r('E-SUB2', '00:15', 30), r('E-SUB2', '00:30', 0.03, 'MWh')]);
    expect(res.inserted).toBe(2);
    const s = await meterSeries(
      db.pool,
      'p1',
      'E-SUB2',
      parsePeriod('2025-01-01T00:00+08:00..2025-01-01T00:30+08:00', TZ),
      '15m',
      NOW,
    );
    expect(s.points.map((p) => p.quantity)).toEqual([30, 30]);
  });

  it('integrates power by the trapezoid rule and leaves a gap in power missing', async () => {
    // (0 + 100) / 2 kW × 0.25 h = 12.5 kWh; (100 + 200) / 2 × 0.25 = 37.5 kWh; 00:30 → 01:15 is 45 min: unknown.
    await ingest([
      r('PV-1', '00:00', 0),
      r('PV-1', '00:15', 100),
      r('PV-1', '00:30', 200),
      r('PV-1', '01:15', 200),
    ]);
    const s = await meterSeries(
      db.pool,
      'p1',
      'PV-1',
      parsePeriod('2025-01-01T00:00+08:00..2025-01-01T01:15+08:00', TZ),
      '15m',
      NOW,
    );
    expect(s.points.map((p) => p.quantity)).toEqual([12.5, 37.5, null, null, null]);
  });
});

describe('meter replacement', () => {
  it('adds what the old meter counted after the last reading and what the new one counted since', async () => {
    // Old register 4,990 at 02:45, final 5,000 at the 03:00 swap; the new one starts at 0 and reads 0 at 03:00:
    // slot 02:45 = (5,000 − 4,990) + (0 − 0) = 10 m³; slot 03:00 = 12 − 0 = 12 m³.
    await ingest([
      r('G-1', '02:30', 4980),
      r('G-1', '02:45', 4990),
      r('G-1', '03:00', 0),
      r('G-1', '03:15', 12),
    ]);
    const s = await meterSeries(
      db.pool,
      'p1',
      'G-1',
      parsePeriod('2025-01-01T02:30+08:00..2025-01-01T03:15+08:00', TZ),
      '15m',
      NOW,
    );
    expect(s.points.map((p) => [p.quantity, p.flags.join(' ')])).toEqual([
      [10, ''],
      [10, 'replacement'],
      [12, ''],
    ]);
  });
});

describe('bad input', () => {
  it('rejects each bad record with its field and reason, keeps it, and stores the rest', async () => {
    const records: ReadingRecord[] = [
      { ...r('NO-SUCH', '04:00', 1), line: 2 },
      { meter: 'E-SUB2', at: '2025-13-01 00:00', value: '1', line: 3 },
      { ...r('E-SUB2', '04:00', 'abc'), line: 4 },
      { ...r('E-SUB2', '04:15', '-5'), line: 5 },
      { ...r('E-SUB2', '04:30', 1, 'm3'), line: 6 },
      { meter: 'E-SUB2', at: '2031-01-01T00:00:00+08:00', value: 1, line: 7 },
      { ...r('E-SUB2', '04:45', 7), line: 8 },
    ];
    const res = await ingest(records);
    expect(res).toMatchObject({ received: 7, inserted: 1, rejected: 6 });
    const stored = await rejectedRecords(db.pool, 'p1', undefined, 100);
    const byLine = new Map(stored.rows.map((x) => [x.line, x]));
    expect(byLine.get(2)).toMatchObject({ field: 'meter', meterCode: 'NO-SUCH' });
    expect(byLine.get(2)!.reason).toMatch(/unknown meter/);
    expect(byLine.get(3)).toMatchObject({ field: 'at' });
    expect(byLine.get(4)).toMatchObject({ field: 'value' });
    expect(byLine.get(5)!.reason).toMatch(/negative/);
    expect(byLine.get(6)).toMatchObject({ field: 'unit' });
    expect(byLine.get(7)!.reason).toMatch(/future/);
    const perMeter = await rejectedRecords(db.pool, 'p1', 'E-SUB2', 100);
    expect(perMeter.total).toBe(5);
  });
});

describe('queries', () => {
  it('gives energy by carrier per organisation and park from boundary meters only', async () => {
    const e = await energyByCarrier(db.pool, 'p1', parsePeriod('2025-01-01', TZ), NOW);
    const orgA = e.organisations.find((g) => g.organisation === 'org-a' && g.carrier === 'electricity')!;
    // Only E-MAIN counts for org-a (the sub-meters have a parent): 150 + 150 kWh.
    expect(orgA.net).toBe(300);
    expect(orgA.byRole.import).toBe(300);
    const parkEl = e.park.find((g) => g.carrier === 'electricity')!;
    // Park electricity: E-MAIN 300 + PV-1 generation 12.5 + 37.5 = 350.
    expect(parkEl.net).toBe(350);
    const gas = e.park.find((g) => g.carrier === 'natural_gas')!;
    // G-1: 10 + 10 + 12 = 32 m³.
    expect(gas.net).toBe(32);
  });

  it('refuses a series with more buckets than a response should hold, before querying', async () => {
    // 2015–2025 at 15 minutes is ten years × 35,040 slots ≈ 350,000 buckets > 100,000.
    await expect(
      meterSeries(db.pool, 'p1', 'E-SUB1', parsePeriod('2015-01-01..2025-01-01', TZ), '15m', NOW),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('balances a parent meter against its children', async () => {
    const [b] = await subMeterBalance(db.pool, 'p1', parsePeriod('2025-01-01', TZ), 'E-MAIN', NOW);
    // Parent 300; children: E-SUB1 231 (after the revision 630 → 631) + E-SUB2 30 + 30 + 7 = 67 → 298; unmetered 2.
    expect(b).toMatchObject({ parentQuantity: 300, childrenQuantity: 298, unmetered: 2 });
  });
});

describe('group commits (several batches in one transaction)', () => {
  it('gives each batch its own row and counts, as if committed one after the other', async () => {
    // E-SUB2 is an interval meter (kWh per 15 min). Batch 1 brings 08:15 = 4 and 08:30 = 6; batch 2 sends 08:30
    // again as 9 (a revision of batch 1's value) and 08:45 = 5; batch 3 repeats 08:45 = 5 and has a bad value.
    const items = [
      [r('E-SUB2', '08:15', 4), r('E-SUB2', '08:30', 6)],
      [r('E-SUB2', '08:30', 9), r('E-SUB2', '08:45', 5)],
      [r('E-SUB2', '08:45', 5), r('E-SUB2', '09:00', 'x')],
    ].map((records, i) => ({
      prepared: prepareBatch(park, records, NOW),
      options: { source: `group-${i}`, actor: `gw-${i}`, nowMs: NOW },
    }));
    const results = await commitBatches(db.pool, park, items);
    expect(results.map((x) => [x.received, x.inserted, x.unchanged, x.revised, x.rejected])).toEqual([
      [2, 2, 0, 0, 0],
      [2, 1, 0, 1, 0],
      [2, 0, 1, 0, 1],
    ]);
    // Batch rows in order, with their actors and the same counts.
    const { rows } = await db.pool.query<{ id: number; source: string; actor: string; inserted: number }>(
      'SELECT id, source, actor, inserted FROM ingest_batch WHERE id = ANY($1) ORDER BY id',
      [results.map((x) => x.batchId)],
    );
    expect(rows.map((x) => [x.id, x.source, x.actor, x.inserted])).toEqual(
      results.map((x, i) => [x.batchId, `group-${i}`, `gw-${i}`, x.inserted]),
    );
    // The revision keeps batch 1's value, superseded by batch 2; the rejection belongs to batch 3.
    const rev = await db.pool.query<{ value: number; batchId: number; supersededBy: number }>(
      `SELECT value, batch_id AS "batchId", superseded_by AS "supersededBy" FROM reading_revision
       WHERE batch_id = ANY($1)`,
      [results.map((x) => x.batchId)],
    );
    expect(rev.rows).toEqual([{ value: 6, batchId: results[0]!.batchId, supersededBy: results[1]!.batchId }]);
    const rej = await rejectedRecords(db.pool, 'p1', 'E-SUB2', 10);
    expect(rej.rows[0]).toMatchObject({ batchId: results[2]!.batchId, field: 'value' });
    // 08:00–09:00 holds 4 + 9 + 5 = 18 kWh.
    const hour = (await hourRollups('E-SUB2')).find(
      (p) => p.startMs === Date.parse('2025-01-01T08:00:00+08:00'),
    );
    expect(hour?.quantity).toBe(18);
  });
});
