/**
 * Green electricity over the database: the certificate ledger (imports kept raw with refused rows, re-imports that
 * change nothing, transfers and claims that split ranges, a certificate claimed once even when two claims race), the
 * accounting link (claims lower grid CO₂ as the method profile says, once), and matching from metered hours, the
 * ledger's claims and a grid green share data set. Every expected figure is worked out by hand in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFor, importStatisticsCsv } from '../src/modules/carbon/index.ts';
import {
  applyLedgerOperation,
  importCertificatesCsv,
  importGridShareCsv,
  importSettlementsCsv,
  importTradesCsv,
  ledgerView,
  listTrades,
  matchingFor,
} from '../src/modules/green/index.ts';
import { applyParkDefinition, parseParkDefinition } from '../src/modules/registry/index.ts';
import { ingestBatch, loadParkMeters, type ReadingRecord } from '../src/modules/telemetry/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';

let db: TestDatabase;
/** Operations happen in 2026-01 (park-local): certificates of 2025 are valid. */
const NOW = Date.parse('2026-01-10T00:00:00+08:00');
const who = (evidence = '核销凭证 test') => ({ actor: 'test', evidence, nowMs: NOW });

const PARK = `
version: 1
park: { id: g1, name: 绿电测试园区, province: yunnan, timezone: Asia/Shanghai, gridRegion: south,
        location: { latitude: 24.9, longitude: 102.5 } }
organisations:
  - { id: A, name: 甲 }
  - { id: B, name: 乙 }
  - { id: OPS, name: 运营, kind: park_operator }
meters:
  - { id: A-IMP, organisation: A, carrier: electricity, role: import, readingKind: interval, unit: kWh, capacity: 100000, installedAt: 2025-01-01 }
  - { id: B-IMP, organisation: B, carrier: electricity, role: import, readingKind: interval, unit: kWh, capacity: 100000, installedAt: 2025-01-01 }
  - { id: B-DIRECT, organisation: B, carrier: electricity, role: direct_green_supply, technology: hydro, readingKind: interval, unit: kWh, capacity: 100000, installedAt: 2025-01-01 }
  - { id: OPS-IMP, organisation: OPS, carrier: electricity, role: import, readingKind: interval, unit: kWh, capacity: 100000, installedAt: 2025-01-01 }
  - { id: OPS-PV, organisation: OPS, carrier: electricity, role: generation, technology: pv, readingKind: interval, unit: kWh, capacity: 100000, installedAt: 2025-01-01 }
`;

/** One interval reading ending at 2025-01-01 hh:15 (+08:00): the whole hour's energy in its first slot. */
const r = (meter: string, hour: number, kwh: number): ReadingRecord => ({
  meter,
  at: `2025-01-01T${String(hour).padStart(2, '0')}:15:00+08:00`,
  value: kwh,
});

const CERTS = [
  'series,first_serial,last_serial,project_id,project_name,technology,production_month,tradable,holder,state,trade_id',
  'GEC-H-202501,1,10,P-H,某水电站,hydro,2025-01,true,,,',
  'GEC-W-202501,1,5,P-W,某风电场,wind,2025-01,true,B,transferred,T-1',
  'GEC-X-202501,1,5,P-X,某项目,coal,2025-01,true,,,', // line 4: coal receives no certificates
  'GEC-Y-202501,9,3,P-Y,某项目,pv,2025-01,true,,,', // line 5: last before first
].join('\n');

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, parseParkDefinition(PARK, 'green-park.yaml'));
  const park = await loadParkMeters(db.pool, 'g1');
  // Hour 0: A 4 MWh; B 1 MWh from the grid + 2 MWh direct hydro; OPS 1 MWh; no PV.
  // Hour 1: A 2 MWh; B 3 MWh direct; OPS 1 MWh; park PV 6 MWh.
  await ingestBatch(
    db.pool,
    park,
    [
      r('A-IMP', 0, 4000),
      r('B-IMP', 0, 1000),
      r('B-DIRECT', 0, 2000),
      r('OPS-IMP', 0, 1000),
      r('OPS-PV', 0, 0),
      r('A-IMP', 1, 2000),
      r('B-IMP', 1, 0),
      r('B-DIRECT', 1, 3000),
      r('OPS-IMP', 1, 1000),
      r('OPS-PV', 1, 6000),
    ],
    { source: 'test', nowMs: NOW },
  );
});
afterAll(async () => {
  await db?.close();
});

describe('the certificate ledger over the database', () => {
  it('imports good rows, keeps the refused ones with file, line, field and reason, and a re-import changes nothing', async () => {
    const first = await importCertificatesCsv(db.pool, 'g1', CERTS, {
      file: 'certs.csv',
      actor: 'test',
      nowMs: NOW,
    });
    expect([first.received, first.accepted, first.unchanged]).toEqual([4, 2, 0]);
    expect(first.rejected.map((x) => x.issues.map((i) => `${i.file}:${i.line} ${i.field}`))).toEqual([
      ['certs.csv:4 technology'],
      ['certs.csv:5 last_serial'],
    ]);
    const again = await importCertificatesCsv(db.pool, 'g1', CERTS, {
      file: 'certs.csv',
      actor: 'test',
      nowMs: NOW,
    });
    expect([again.accepted, again.unchanged, again.eventId]).toEqual([0, 2, null]);
    // An overlapping range with other attributes is refused, not merged.
    const clash = await importCertificatesCsv(
      db.pool,
      'g1',
      [CERTS.split('\n')[0], 'GEC-H-202501,8,12,P-H,某水电站,hydro,2025-02,true,,,'].join('\n'),
      { file: 'clash.csv', actor: 'test', nowMs: NOW },
    );
    expect(clash.rejected[0]!.issues[0]!.reason).toMatch(/overlaps GEC-H-202501 #1–10 already in the ledger/);
    const view = await ledgerView(db.pool, 'g1', { nowMs: NOW });
    expect(view.totals).toEqual({ held: 10, transferred: 5, claimed: 0, expired: 0 });
  });

  it('transfers part of a range to A, claims one certificate for A in January, and refuses a second claim', async () => {
    await applyLedgerOperation(
      db.pool,
      'g1',
      { kind: 'transfer', spans: [{ series: 'GEC-H-202501', firstSerial: 1, lastSerial: 3 }], to: 'A' },
      who('划转凭证 1'),
    );
    const claim = {
      kind: 'claim' as const,
      spans: [{ series: 'GEC-H-202501', firstSerial: 1, lastSerial: 1 }],
      target: { consumer: 'A', period: { from: '2025-01', to: '2025-01' } },
    };
    // Two identical claims at once: the ledger lock lets exactly one through.
    const results = await Promise.allSettled([
      applyLedgerOperation(db.pool, 'g1', claim, who()),
      applyLedgerOperation(db.pool, 'g1', claim, who()),
    ]);
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((x) => x.status === 'rejected');
    expect(String((refused as PromiseRejectedResult).reason)).toMatch(
      /already claimed for A 2025-01..2025-01/,
    );
    const view = await ledgerView(db.pool, 'g1', { nowMs: NOW });
    // 10 hydro: 1 claimed, 2 transferred to A, 7 held; 5 wind transferred to B.
    expect(view.totals).toEqual({ held: 7, transferred: 7, claimed: 1, expired: 0 });
    const a = await ledgerView(db.pool, 'g1', { organisation: 'A', nowMs: NOW });
    expect(a.ranges.map((x) => [x.firstSerial, x.lastSerial, x.state])).toEqual([
      [1, 1, 'claimed'],
      [2, 3, 'transferred'],
    ]);
  });

  it('refuses to claim certificates of the park’s own metered plant (counted green from its meter already)', async () => {
    await importCertificatesCsv(
      db.pool,
      'g1',
      'series,first_serial,last_serial,project_id,technology,production_month\nGEC-OPS-PV-202501,1,5,OPS-PV,pv,2025-01\n',
      { file: 'own.csv', actor: 'test', nowMs: NOW },
    );
    await expect(
      applyLedgerOperation(
        db.pool,
        'g1',
        {
          kind: 'claim',
          spans: [{ series: 'GEC-OPS-PV-202501', firstSerial: 1, lastSerial: 1 }],
          target: { consumer: '', period: { from: '2025-01', to: '2025-01' } },
        },
        who(),
      ),
    ).rejects.toThrow(/project OPS-PV is the park's own meter/);
  });

  it('refuses a claim without evidence and a green claim entered as a statistic', async () => {
    await expect(
      applyLedgerOperation(
        db.pool,
        'g1',
        {
          kind: 'claim',
          amountMwh: 1,
          from: {},
          target: { consumer: 'A', period: { from: '2025-01', to: '2025-01' } },
        },
        { actor: 'test', evidence: ' ', nowMs: NOW },
      ),
    ).rejects.toThrow(/needs its evidence/);
    const stats = await importStatisticsCsv(
      db.pool,
      'g1',
      'organisation,month,kind,item,value,unit,evidence\nA,2025-01,green_claim,certificate,5,MWh,GEC\n',
      { file: 's.csv', actor: 'test' },
    );
    expect(stats.rejected[0]!.issues[0]!.reason).toMatch(/certificate ledger/);
  });
});

describe('claims in the accounts', () => {
  it('lowers A’s grid CO₂ by its claimed certificate under the national profile, and keeps it a memo in Yunnan’s', async () => {
    const national = await accountFor(db.pool, 'g1', {
      organisation: 'A',
      period: '2025-01',
      profile: 'cn-zero-carbon-park-2025',
      nowMs: NOW,
    });
    const lines = national.account.lines;
    const grid = lines.find((l) => l.id === 'electricity_grid')!;
    // A imported 4 + 2 = 6 MWh; 1 MWh claimed → (6 − 1) MWh at the national factor excluding market-traded
    // non-fossil electricity (0.6096 tCO2/MWh, data year 2023) = 3.048 t.
    expect(grid.activity).toBeCloseTo(5, 9);
    expect(grid.tco2).toBeCloseTo(5 * 0.6096, 9);
    const claim = lines.find((l) => l.id === 'electricity_green:claim')!;
    expect([claim.activity, claim.effect]).toEqual([1, 'add']);
    expect(claim.inputs[0]).toMatch(/green_claim\/certificate@v/);
    const yunnan = await accountFor(db.pool, 'g1', {
      organisation: 'A',
      period: '2025-01',
      profile: 'yn-zero-carbon-park',
      nowMs: NOW,
    });
    // Yunnan: all 6 MWh at the provincial 0.1333 = 0.7998 t; the claim is a memo.
    expect(yunnan.account.lines.find((l) => l.id === 'electricity_grid')!.tco2).toBeCloseTo(6 * 0.1333, 9);
    expect(yunnan.account.lines.find((l) => l.id === 'electricity_green:claim')!.effect).toBe('memo');
  });
});

describe('matching from the database', () => {
  it('matches each organisation and the park hour by hour, with the park PV pro rata and the claim monthly', async () => {
    await importGridShareCsv(db.pool, 'g1', 'at,green_share\n2025-01,0.5\n', {
      file: 'grid.csv',
      actor: 'test',
      id: 'test-grid',
      label: 'test',
      source: 'hand-made',
      status: 'unverified',
    });
    const m = await matchingFor(db.pool, 'g1', { period: '2025-01', heatMaps: 'none', nowMs: NOW });
    const a = m.result.consumers.find((c) => c.id === 'A')!;
    // A: hour 0 load 4, green 0; hour 1 load 2, PV share 6 × 2/6 = 2 → hourly matched 2 of 6.
    expect(a.loadMwh).toBeCloseTo(6, 9);
    expect(a.hourly.matchedMwh).toBeCloseTo(2, 9);
    // CFE: hour 0: 0 + 0.5 × 4 = 2; hour 1: 2 → 4 of 6.
    expect(a.cfeScore).toBeCloseTo(4 / 6, 9);
    // Monthly: min(6, 2 hourly green + 1 claimed certificate) = 3 → 0.5.
    expect(a.monthly.matchedShare).toBeCloseTo(0.5, 9);
    const b = m.result.consumers.find((c) => c.id === 'B')!;
    // B: hour 0 load 3 (1 grid + 2 direct), green 2; hour 1 load 3, green 3 direct + 3 PV → matched 3, surplus 3.
    expect(b.hourly.matchedMwh).toBeCloseTo(5, 9);
    expect(b.hourly.surplusMwh).toBeCloseTo(3, 9);
    // Park: hour 0 load 8, green 2; hour 1 load 6, green 9 → matched 2 + 6 = 8 of 14.
    expect(m.result.park.hourly.matchedShare).toBeCloseTo(8 / 14, 9);
    expect(m.gridShare).toMatchObject({ id: 'test-grid', version: 1, status: 'unverified' });
    expect(m.result.method).toBe('green-matching-1');
  });

  it('divides the park PV by contract when asked, and names the shared resources when asked for another', async () => {
    const m = await matchingFor(db.pool, 'g1', {
      period: '2025-01',
      heatMaps: 'none',
      nowMs: NOW,
      allocation: { 'OPS-PV': { rule: 'contract', shares: { B: 1 } } },
    });
    const [a, b] = ['A', 'B'].map((id) => m.result.consumers.find((c) => c.id === id)!);
    // All 6 MWh of PV in hour 1 go to B: A matches nothing; B's hour 1 has 3 direct + 6 PV for a load of 3 → surplus 6.
    expect(a!.hourly.matchedMwh).toBeCloseTo(0, 9);
    expect(b!.hourly.surplusMwh).toBeCloseTo(6, 9);
    await expect(
      matchingFor(db.pool, 'g1', { period: '2025-01', allocation: { X: { rule: 'pro_rata' } }, nowMs: NOW }),
    ).rejects.toThrow(/"X" is not a shared resource of this park and period \(OPS-PV\)/);
  });

  it('counts an hourly trade by its settled hours only as far as its certificates are claimed', async () => {
    await importTradesCsv(
      db.pool,
      'g1',
      'id,buyer,counterparty,technology,from,to,contracted_mwh,evidence,settlement\nT-1,B,某风电场,wind,2025-01,2025-12,100,合同 T-1,hour\n',
      { file: 't.csv', actor: 'test' },
    );
    const settle = await importSettlementsCsv(
      db.pool,
      'g1',
      'trade_id,at,mwh\nT-1,2025-01-01 00:00,2\nT-1,2025-01-01 01:00,2\nT-1,2025-01-01 00:30,1\n',
      { file: 's.csv', actor: 'test' },
    );
    expect(settle.accepted).toBe(2);
    expect(settle.rejected[0]!.issues[0]).toMatchObject({ line: 4, field: 'at' });
    // No certificate of T-1 claimed yet: the trade adds nothing; B's hourly matched stays 5.
    let b = (
      await matchingFor(db.pool, 'g1', { period: '2025-01', heatMaps: 'none', nowMs: NOW })
    ).result.consumers.find((c) => c.id === 'B')!;
    expect(b.hourly.matchedMwh).toBeCloseTo(5, 9);
    // Claim 2 of its 5 certificates for January: the 4 settled MWh count at 2/4 → 1 MWh in each hour. Hour 0: green
    // 2 + 1 = 3 = load → matched 3; hour 1 already covered → B's hourly matched 6 of 6.
    await applyLedgerOperation(
      db.pool,
      'g1',
      {
        kind: 'claim',
        amountMwh: 2,
        from: { tradeId: 'T-1' },
        target: { consumer: 'B', period: { from: '2025-01', to: '2025-01' } },
      },
      who(),
    );
    b = (
      await matchingFor(db.pool, 'g1', { period: '2025-01', heatMaps: 'none', nowMs: NOW })
    ).result.consumers.find((c) => c.id === 'B')!;
    expect(b.hourly.matchedMwh).toBeCloseTo(6, 9);
    const [t] = await listTrades(db.pool, 'g1');
    expect([t!.settledMwh, t!.certificatesMwh, t!.claimedMwh]).toEqual([4, 5, 2]);
  });
});

describe('the demo park’s green electricity', () => {
  it('is seeded once, with the claims the demo accounts used to take from statistics', async () => {
    const { createDemoPark, DEMO_PARK_ID, DEMO_GREEN_NOW, ensureDemoGreen } =
      await import('../src/modules/demo/index.ts');
    await applyParkDefinition(db.pool, createDemoPark());
    expect(await ensureDemoGreen(db.pool, DEMO_PARK_ID)).toBe(true);
    expect(await ensureDemoGreen(db.pool, DEMO_PARK_ID)).toBe(false);
    const view = await ledgerView(db.pool, DEMO_PARK_ID, { nowMs: DEMO_GREEN_NOW });
    // Hydro 15,000 × 12 = 180,000: 144,000 claimed by ALU, December's last 3,000 transferred to SIL, 33,000 held.
    // Wind 2,500 × 12 = 30,000 claimed by DC; SIL's trade certificates 1,000 × 12 = 12,000 transferred.
    expect(view.totals).toEqual({ held: 33_000, transferred: 15_000, claimed: 174_000, expired: 0 });
    const trades = await listTrades(db.pool, DEMO_PARK_ID);
    // Settlements are kWh-exact per month: summed in floating point, so rounded to the kWh.
    expect(trades.map((t) => [t.id, Math.round(t.settledMwh * 1000) / 1000, t.claimedMwh])).toEqual([
      ['YN-GP-2025-017', 30_000, 30_000],
      ['YN-GP-2025-031', 12_000, 0],
    ]);
    const { gridShareSets } = await import('../src/modules/green/index.ts');
    const [set] = await gridShareSets(db.pool, DEMO_PARK_ID);
    expect(set).toMatchObject({
      id: 'yn-grid-traced-2025',
      status: 'traced',
      resolution: 'hour',
      values: 8760,
    });
  });
});
