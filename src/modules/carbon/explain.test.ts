import { describe, expect, it } from 'vitest';
import { computeAccount } from './account.ts';
import { accountToJson, displayWidth, explainAccount } from './explain.ts';
import { seedFactors } from './factor-library.ts';
import { CN_ZERO_CARBON_PARK_2025 } from './profiles.ts';
import type { EnergyLine } from './types.ts';

const meter = (carrier: string, role: string, quantity: number, unit: string): EnergyLine => ({
  organisation: 'e1',
  carrier,
  role,
  internalTransfer: false,
  unit,
  quantity,
  estimated: 0,
  measuredSlots: 2880,
  expectedSlots: 2880,
  meters: [`m-${carrier}-${role}`],
});

// Gas 100,000 m³ → 216.2188809 t; grid 1,000 MWh × 0.5306 = 530.6 t; exported 50 MWh × 0.5306 = 26.53 t;
// gross = 216.2188809 + 530.6 − 26.53 = 720.2888809 → "720.29" at the profile's two decimals.
const account = computeAccount({
  park: { id: 'p1', name: 'P', province: 'yunnan', gridRegion: 'south' },
  organisation: null,
  months: ['2025-03'],
  organisations: [{ id: 'e1', name: 'E1', kind: 'enterprise' }],
  energy: {
    '2025-03': [
      meter('natural_gas', 'import', 100_000, 'm3'),
      meter('electricity', 'import', 1000, 'MWh'),
      meter('electricity', 'export', 50, 'MWh'),
    ],
  },
  statistics: [],
  factors: [...seedFactors()],
  profile: CN_ZERO_CARBON_PARK_2025,
});

describe('explainAccount', () => {
  it('shows formulas, factors with their sources, totals rounded for display only', () => {
    const text = explainAccount(account, { lang: 'en' });
    expect(text).toContain('FC × NCV × CC × OF × 44/12');
    expect(text).toContain('exported MWh × EF_grid');
    expect(text).toContain('GB/T 32151.34-2024 table C.1');
    expect(text).toContain('MEE/NBS announcement 2025 No.47');
    expect(text).toContain('fuel.natural_gas.ncv@1=0.038931 GJ/m3');
    expect(text).toMatch(/Gross emissions \(tCO2\)\s+720\.29/);
    expect(text).toContain('cn-zero-carbon-park-2025 v1');
    // Gas 216.2188809 (100,000 m³ × 0.038931 × 0.0153 × 0.99 × 44/12) + grid 1,000 MWh × 0.5306 = 530.6 − export
    // 50 MWh × 0.5306 = 26.53: 720.2888809 t. The account itself is unrounded.
    expect(account.totals.grossTco2).toBeCloseTo(720.2888809, 6);
  });

  it('aligns Chinese columns by display width', () => {
    const text = explainAccount(account, { lang: 'zh-CN' });
    expect(text).toContain('碳排放总量(tCO₂)');
    expect(text).toContain('等价值');
    const rows = text.split('\n').filter((l) => l.startsWith('碳排放总量') || l.startsWith('净排放量'));
    expect(rows).toHaveLength(2);
    expect(displayWidth(rows[0]!)).toBe(displayWidth(rows[1]!));
    expect(displayWidth('碳a')).toBe(3);
  });
});

describe('accountToJson', () => {
  it('round-trips and has a stable key order', () => {
    const json = accountToJson(account);
    expect(JSON.parse(json)).toEqual(account);
    const shuffled = Object.fromEntries(Object.entries(account).reverse()) as typeof account;
    expect(accountToJson(shuffled)).toBe(json);
    expect(Object.keys(JSON.parse(json) as object)).toEqual(Object.keys(JSON.parse(json) as object).sort());
  });
});
