/**
 * The demo park's green electricity, seeded once into the ledger (never over what a user has done since):
 *
 * - hydro certificates of 2025 bought into the park account (15,000 a month), 12,000 a month transferred (划转) to the
 *   smelter and claimed (核销) for its consumption of that month; December's remaining 3,000 transferred to the silicon
 *   plant and not yet claimed; the rest held;
 * - the data centre's hourly-settled wind trade YN-GP-2025-017 (2,500 MWh a month) with its certificates, claimed
 *   month by month; the silicon plant's monthly hydro trade YN-GP-2025-031, certificates received, not yet claimed;
 * - the grid's hourly green share for Yunnan, traced through the illustrative southern-grid zone model.
 *
 * The smelter's and the data centre's claims are the 144,000 and 30,000 MWh the demo statistics used to enter as
 * green claims, so the demo accounts keep their figures. Operations are dated 2026-01-15, when all are valid.
 */
import type pg from 'pg';
import {
  applyLedgerOperation,
  greenShareCsv,
  importCertificatesCsv,
  importGridShareCsv,
  importSettlementsCsv,
  importTradesCsv,
  ledgerHasEvents,
} from '../green/index.ts';
import { parkSnapshot } from '../registry/index.ts';
import { DEMO_GRID_MIX_LABEL, demoGridGreenShare } from './demo-grid-mix.ts';
import { hashSeed, uniformAt } from '../../lib/random.ts';

/** When the demo's ledger operations happen (park-local January 2026: every 2025 certificate is valid). */
export const DEMO_GREEN_NOW = Date.parse('2026-01-15T10:00:00+08:00');
const MONTHS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
const HYDRO_PER_MONTH = 15_000;
const SMELTER_PER_MONTH = 12_000;
const DC_TRADE = 'YN-GP-2025-017';
const DC_PER_MONTH = 2_500;
const SIL_TRADE = 'YN-GP-2025-031';
const SIL_PER_MONTH = 1_000;

/** The demo's certificates as a CSV file (one range per series and production month). */
export function demoCertificatesCsv(): string {
  const rows = [
    'series,first_serial,last_serial,project_id,project_name,technology,production_month,tradable,holder,state,trade_id',
  ];
  for (const m of MONTHS) {
    const ym = m.replace('-', '');
    rows.push(
      `GEC-YN-HYD-LCJ-${ym},1,${HYDRO_PER_MONTH},YN-HYD-LCJ-07,澜沧江某梯级水电站（示范）,hydro,${m},true,,held,`,
    );
    rows.push(
      `GEC-YN-WND-QJ-${ym},1,${DC_PER_MONTH},YN-WND-QJ-03,曲靖某风电场（示范）,wind,${m},true,DC,transferred,${DC_TRADE}`,
    );
    rows.push(
      `GEC-YN-HYD-NJ-${ym},1,${SIL_PER_MONTH},YN-HYD-NJ-02,怒江某水电站（示范）,hydro,${m},true,SIL,transferred,${SIL_TRADE}`,
    );
  }
  return rows.join('\n') + '\n';
}

const DEMO_TRADES_CSV = [
  'id,buyer,counterparty,technology,from,to,contracted_mwh,evidence,settlement',
  `${DC_TRADE},DC,曲靖某风电场（示范）,wind,2025-01,2025-12,${DC_PER_MONTH * 12},昆明电力交易中心绿电交易合同 ${DC_TRADE}（示范）,hour`,
  `${SIL_TRADE},SIL,怒江某水电站（示范）,hydro,2025-01,2025-12,${SIL_PER_MONTH * 12},昆明电力交易中心绿电交易合同 ${SIL_TRADE}（示范）,month`,
].join('\n');

/**
 * Hourly settlements of the data centre's wind trade: a windy-night, calmer-noon shape with seeded noise, scaled so
 * that each month settles exactly 2,500 MWh (to 0.001 MWh).
 */
export function demoSettlementsCsv(): string {
  const rows = ['trade_id,at,mwh'];
  for (const m of MONTHS) {
    const [y, mo] = m.split('-').map(Number) as [number, number];
    const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    const shape: number[] = [];
    for (let d = 0; d < days; d++)
      for (let h = 0; h < 24; h++) {
        const base = 1 + 0.35 * Math.cos(((h - 2) / 24) * 2 * Math.PI);
        shape.push(Math.max(0.05, base * (0.6 + 0.8 * uniformAt(hashSeed(`demo-wind-${m}`), d * 24 + h))));
      }
    const total = shape.reduce((a, b) => a + b, 0);
    const kwh = shape.map((x) => Math.round((x / total) * DC_PER_MONTH * 1000));
    // Rounding to kWh leaves a few kWh over or short: the last hour takes them, so the month is exact.
    kwh[kwh.length - 1]! += DC_PER_MONTH * 1000 - kwh.reduce((a, b) => a + b, 0);
    kwh.forEach((v, i) => {
      const d = Math.floor(i / 24) + 1;
      rows.push(
        `${DC_TRADE},${m}-${String(d).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:00,${(v / 1000).toFixed(3)}`,
      );
    });
  }
  for (const m of MONTHS) rows.push(`${SIL_TRADE},${m},${SIL_PER_MONTH}`);
  return rows.join('\n') + '\n';
}

/** Seeds the demo's ledger, trades and grid green share once; returns whether it did. */
export async function ensureDemoGreen(pool: pg.Pool, parkId: string): Promise<boolean> {
  // Runs at every start: one probe, not the ledger.
  if (await ledgerHasEvents(pool, parkId)) return false;
  const snapshot = await parkSnapshot(pool, parkId);
  const ids = new Set(snapshot.allOrganisations.map((o) => o.id));
  if (!['ALU', 'DC', 'SIL'].every((id) => ids.has(id))) return false;
  const actor = 'demo';
  const nowMs = DEMO_GREEN_NOW;
  await importTradesCsv(pool, parkId, DEMO_TRADES_CSV, { file: 'demo-trades-2025.csv', actor });
  await importSettlementsCsv(pool, parkId, demoSettlementsCsv(), {
    file: 'demo-settlements-2025.csv',
    actor,
  });
  await importCertificatesCsv(pool, parkId, demoCertificatesCsv(), {
    file: 'demo-certificates-2025.csv',
    actor,
    evidence: '国家绿证核发交易系统 账户持有证明（示范）',
    nowMs,
  });
  for (const m of MONTHS) {
    const ym = m.replace('-', '');
    await applyLedgerOperation(
      pool,
      parkId,
      {
        kind: 'transfer',
        spans: [{ series: `GEC-YN-HYD-LCJ-${ym}`, firstSerial: 1, lastSerial: SMELTER_PER_MONTH }],
        to: 'ALU',
      },
      { actor, evidence: `绿证划转凭证 ALU ${m}（示范）`, nowMs },
    );
    await applyLedgerOperation(
      pool,
      parkId,
      {
        kind: 'claim',
        spans: [{ series: `GEC-YN-HYD-LCJ-${ym}`, firstSerial: 1, lastSerial: SMELTER_PER_MONTH }],
        target: { consumer: 'ALU', period: { from: m, to: m } },
      },
      { actor, evidence: `GEC ${m} 核销凭证 ALU（示范）`, nowMs },
    );
    await applyLedgerOperation(
      pool,
      parkId,
      {
        kind: 'claim',
        amountMwh: DC_PER_MONTH,
        from: { tradeId: DC_TRADE, production: { from: m, to: m } },
        target: { consumer: 'DC', period: { from: m, to: m } },
      },
      { actor, evidence: `${DC_TRADE} 绿电交易结算单 ${m}（示范）`, nowMs },
    );
  }
  await applyLedgerOperation(
    pool,
    parkId,
    {
      kind: 'transfer',
      amountMwh: 3_000,
      from: { holder: '', production: { from: '2025-12', to: '2025-12' } },
      to: 'SIL',
    },
    { actor, evidence: '绿证划转凭证 SIL 2025-12（示范）', nowMs },
  );
  await importGridShareCsv(pool, parkId, greenShareCsv(demoGridGreenShare(2025)), {
    file: 'yn-grid-traced-2025.csv',
    actor,
    id: 'yn-grid-traced-2025',
    label: '云南电网绿电占比（分区潮流追踪，示范）',
    source: DEMO_GRID_MIX_LABEL,
    status: 'traced',
  });
  return true;
}
