/**
 * Accounts over the database: factor versions are never edited, statistics re-imported change nothing, a closed
 * period is reproduced identically from its frozen inputs, and late data or a new factor show up as a visible
 * restatement beside the closed account, never in its place. Month energy is recomputed only for months that moved.
 * Every expected figure is worked out by hand in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountFor,
  addFactor,
  closePeriod,
  energyByMonth,
  importStatisticsCsv,
  monthCacheStats,
  saveProfile,
  statisticVersions,
  verifyClose,
} from '../src/modules/carbon/index.ts';
import { applyParkDefinition, parkSnapshot } from '../src/modules/registry/index.ts';
import { ingestBatch, loadParkMeters } from '../src/modules/telemetry/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { NOW, reading, smallPark } from './helpers/small-park.ts';

let db: TestDatabase;
const ORGS = new Set(['org-a', 'org-b']);
const PROFILE = 'test-average';
const q = { organisation: 'org-a', period: '2025-01', profile: PROFILE, nowMs: NOW } as const;

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, smallPark());
  const park = await loadParkMeters(db.pool, 'p1');
  // E-MAIN counts raw units × 100 kWh: 10 → 11 is 100 kWh of grid import in January 2025.
  await ingestBatch(db.pool, park, [reading('E-MAIN', '00:00', 10), reading('E-MAIN', '00:15', 11)], {
    source: 'test',
    nowMs: NOW,
  });
  // A profile whose every choice the test fixes: calorific electricity, the provincial average grid factor.
  await saveProfile(db.pool, 'p1', {
    from: 'cn-zero-carbon-park-2025',
    id: PROFILE,
    name: 'test',
    changes: {
      electricityTce: 'calorific',
      gridFactor: { rule: 'average', level: 'provincial', dataYear: 'latest' },
    },
    by: 'test',
  });
});
afterAll(async () => {
  await db?.close();
});

describe('accounts over the database', () => {
  it('accounts grid electricity at the provincial factor in force', async () => {
    const { account, close, restatement } = await accountFor(db.pool, 'p1', q);
    expect(close).toBeNull();
    expect(restatement).toBeNull();
    // 100 kWh = 0.1 MWh × 0.1333 tCO2/MWh (Yunnan 2023, the latest data year ≤ 2025) = 0.01333 t.
    expect(account.totals.grossTco2).toBeCloseTo(0.01333, 9);
    // 100 kWh × 0.1229 kgce/kWh = 12.29 kgce = 0.01229 tce.
    expect(account.totals.energyTce).toBeCloseTo(0.01229, 9);
    expect(account.method.id).toBe(PROFILE);
    expect(account.factors.map((f) => f.key)).toContain('grid.provincial.yunnan.average');
  });

  it('closes a period, reproduces it identically, and refuses an empty restatement', async () => {
    const { close } = await closePeriod(db.pool, 'p1', { ...q, by: 'test' });
    expect(close.supersedes).toBeNull();
    expect((await verifyClose(db.pool, 'p1', q)).identical).toBe(true);
    await expect(closePeriod(db.pool, 'p1', { ...q, by: 'test', reason: 'again' })).rejects.toThrow(
      /nothing has changed/,
    );
  });

  it('shows late data as a restatement beside the closed account, and restates only with a reason', async () => {
    const park = await loadParkMeters(db.pool, 'p1');
    await ingestBatch(db.pool, park, [reading('E-MAIN', '00:30', 13)], { source: 'late', nowMs: NOW });
    const answer = await accountFor(db.pool, 'p1', q);
    // The closed figure stands: 0.01333 t.
    expect(answer.close).not.toBeNull();
    expect(answer.account.totals.grossTco2).toBeCloseTo(0.01333, 9);
    // 11 → 13 is 200 kWh more: 0.2 MWh × 0.1333 = 0.02666 t more, 300 kWh in all: 0.03999 t.
    expect(answer.restatement!.delta.grossTco2).toBeCloseTo(0.02666, 9);
    expect(answer.restatement!.current.totals.grossTco2).toBeCloseTo(0.03999, 9);
    expect(answer.restatement!.changes).toContain('energy of 2025-01 changed (late or revised readings)');
    await expect(closePeriod(db.pool, 'p1', { ...q, by: 'test' })).rejects.toThrow(/needs a reason/);
    const first = answer.close!.id;
    const { close } = await closePeriod(db.pool, 'p1', { ...q, by: 'test', reason: 'late meter data' });
    expect(close.supersedes).toBe(first);
    const after = await accountFor(db.pool, 'p1', q);
    expect(after.account.totals.grossTco2).toBeCloseTo(0.03999, 9);
    expect(after.restatement).toBeNull();
  });

  it('adds factor versions in force from a date and never edits one', async () => {
    // A park value for Yunnan's provincial factor from 2025-01-01: 0.3 MWh × 0.1 = 0.03 t.
    const f = await addFactor(db.pool, 'p1', ORGS, {
      key: 'grid.provincial.yunnan.average',
      value: 0.1,
      unit: 'tCO2/MWh',
      validFrom: '2025-01-01',
      source: 'provincial notice (test)',
      status: 'secondary',
      by: 'test',
    });
    expect([f.version, f.scope]).toEqual([1, 'park:p1']);
    const answer = await accountFor(db.pool, 'p1', q);
    expect(answer.restatement!.current.totals.grossTco2).toBeCloseTo(0.03, 9);
    expect(answer.restatement!.changes.some((c) => c.includes('grid.provincial.yunnan.average'))).toBe(true);
    await expect(db.pool.query('UPDATE factor_version SET value = 1')).rejects.toThrow(/never changed/);
    await expect(
      addFactor(db.pool, 'p1', ORGS, {
        key: 'grid.provincial.yunnan.average',
        value: 0.1,
        unit: 'kgCO2/kWh',
        validFrom: '2025-06-01',
        source: 'x',
        status: 'secondary',
        by: 'test',
      }),
    ).rejects.toThrow(/unit/);
  });

  it('re-importing the same statistics changes nothing; a changed value is a new version', async () => {
    const csv =
      'organisation,month,kind,item,value,unit\norg-a,2025-01,water_used,,120,t\norg-a,2025-01,bogus,,1,t\n';
    const first = await importStatisticsCsv(db.pool, 'p1', csv, { file: 's.csv', actor: 'test' });
    expect([first.inserted, first.unchanged, first.rejected.length]).toEqual([1, 0, 1]);
    expect(first.rejected[0]!.issues[0]).toMatchObject({ file: 's.csv', line: 3, field: 'kind' });
    const again = await importStatisticsCsv(db.pool, 'p1', csv, { file: 's.csv', actor: 'test' });
    expect([again.batchId, again.inserted, again.unchanged]).toEqual([null, 0, 1]);
    await importStatisticsCsv(db.pool, 'p1', csv.replace(',120,', ',125,'), {
      file: 's2.csv',
      actor: 'test',
    });
    const versions = await statisticVersions(db.pool, 'p1', {
      organisation: 'org-a',
      month: '2025-01',
      kind: 'water_used',
      item: '',
    });
    expect(versions.map((v) => [v.version, v.value])).toEqual([
      [1, 120],
      [2, 125],
    ]);
    // Regression: a process row carries a factor, which jsonb gives back with its keys in another order; the same
    // row again must still be unchanged.
    const process =
      'organisation,month,kind,item,value,unit,factor_value,factor_unit,factor_source\n' +
      'org-a,2025-01,process_activity,anode,400,t,3.579,tCO2/t,plant lab\n';
    await importStatisticsCsv(db.pool, 'p1', process, { file: 'p.csv', actor: 'test' });
    const form = await importStatisticsCsv(db.pool, 'p1', process, { file: 'p2.csv', actor: 'test' });
    expect([form.inserted, form.unchanged]).toEqual([0, 1]);
    await expect(db.pool.query('DELETE FROM statistic_value')).rejects.toThrow(/never changed/);
  });

  it('recomputes the month energy of the months late data touched, and only those', async () => {
    const snapshot = await parkSnapshot(db.pool, 'p1');
    const months = ['2025-01', '2025-02', '2025-03'];
    await energyByMonth(db.pool, snapshot, months, NOW);
    const before = { ...monthCacheStats };
    await energyByMonth(db.pool, snapshot, months, NOW);
    expect([monthCacheStats.hits - before.hits, monthCacheStats.misses - before.misses]).toEqual([3, 0]);
    const park = await loadParkMeters(db.pool, 'p1');
    await ingestBatch(db.pool, park, [{ meter: 'E-MAIN', at: '2025-02-10T00:00:00+08:00', value: 20 }], {
      source: 'late',
      nowMs: NOW,
    });
    const mid = { ...monthCacheStats };
    const lines = await energyByMonth(db.pool, snapshot, months, NOW);
    // February's rollup rows were rewritten (the span from 2025-01-01 00:30 to 2025-02-10 crosses into it); January
    // too (the bridged span starts there). March's were not.
    expect(monthCacheStats.hits - mid.hits).toBe(1);
    expect(monthCacheStats.misses - mid.misses).toBe(2);
    const march = lines['2025-03']!.filter((l) => l.meters.includes('E-MAIN'));
    expect(march.map((l) => l.quantity)).toEqual([0]);
    // 13 → 20 raw is 700 kWh spread over the gap, part in January, the rest in February.
    const main = (m: string) => lines[m]!.find((l) => l.meters.includes('E-MAIN'))!.quantity;
    expect(main('2025-01') + main('2025-02')).toBeCloseTo(300 + 700, 6);
  });
});

describe('the demo park’s statistics', () => {
  it('are seeded once: a later start does not put the demo values back over a user’s correction', async () => {
    const { createDemoPark, DEMO_PARK_ID, ensureDemoCarbon } = await import('../src/modules/demo/index.ts');
    await applyParkDefinition(db.pool, createDemoPark());
    const first = await ensureDemoCarbon(db.pool, DEMO_PARK_ID);
    expect(first!.inserted).toBeGreaterThan(0);
    expect(first!.rejected).toEqual([]);
    const key = { organisation: 'ALU', month: '2025-01', kind: 'water_used' as const, item: '' };
    await importStatisticsCsv(
      db.pool,
      DEMO_PARK_ID,
      'organisation,month,kind,item,value,unit\nALU,2025-01,water_used,,12345,t\n',
      { file: 'fix.csv', actor: 'energy-manager' },
    );
    expect(await ensureDemoCarbon(db.pool, DEMO_PARK_ID)).toBeNull();
    const versions = await statisticVersions(db.pool, DEMO_PARK_ID, key);
    expect(versions.at(-1)).toMatchObject({ value: 12345, enteredBy: 'energy-manager' });
  });
});
