import { describe, expect, it } from 'vitest';
import { summariseSeries, zoneSeries } from '../green/index.ts';
import { DEMO_GRID_MIX_LABEL, demoGridGreenShare, demoZoneYear } from './demo-grid-mix.ts';

// The illustrative southern-grid model is checked against what it is meant to show (brief: Yunnan clean in 80–90 %
// of a year, more in the wet season, exporting west to east), not against numbers it printed.

describe('the illustrative southern-grid zone model', () => {
  const model = demoZoneYear(2025);

  it('covers every hour of the year in China Standard Time, and says it is illustrative', () => {
    expect(model.hours).toHaveLength(8760);
    expect(demoZoneYear(2024).hours).toHaveLength(8784);
    expect(model.hours[0]!.at).toBe('2025-01-01T00:00:00+08:00');
    expect(model.hours[8759]!.at).toBe('2025-12-31T23:00:00+08:00');
    expect(model.title).toContain(DEMO_GRID_MIX_LABEL);
    expect(model.title).toMatch(/not statistics/);
    expect(model.zones.map((z) => z.id)).toEqual(['yunnan', 'guizhou', 'guangxi', 'guangdong']);
  });

  it('is deterministic', () => {
    const again = demoZoneYear(2025);
    for (const h of [0, 1234, 5000, 8759]) expect(again.hours[h]).toEqual(model.hours[h]);
  });

  it('balances every zone in every hour: generation + imports = load + exports (to rounding)', () => {
    let worstMw = 0;
    let lowestMw = Infinity;
    for (const hour of model.hours)
      for (const zone of model.zones) {
        const v = hour.zones[zone.id]!;
        const generation = Object.values(v.generationMw).reduce((s, x) => s + x, 0);
        const imports = hour.exchanges.filter((x) => x.to === zone.id).reduce((s, x) => s + x.mw, 0);
        const exports = hour.exchanges.filter((x) => x.from === zone.id).reduce((s, x) => s + x.mw, 0);
        worstMw = Math.max(worstMw, Math.abs(generation + imports - v.loadMw - exports));
        lowestMw = Math.min(lowestMw, ...Object.values(v.generationMw));
      }
    expect(worstMw).toBeLessThan(0.5);
    expect(lowestMw).toBeGreaterThanOrEqual(0);
  });

  it('sends Yunnan power east every hour', () => {
    const flows = model.hours.map(
      (h) => h.exchanges.find((x) => x.from === 'yunnan' && x.to === 'guangdong')!.mw,
    );
    expect(Math.min(...flows)).toBeGreaterThan(0);
  });

  it('gives Yunnan a clean share of 80–90 % over the year, higher in the wet season (Jun–Oct) than the dry', () => {
    const summary = summariseSeries(demoGridGreenShare(2025));
    expect(summary.greenShare).toBeGreaterThan(0.8);
    expect(summary.greenShare).toBeLessThan(0.9);
    const month = (m: string) => summary.byMonth[`2025-${m}`]!;
    const wet = Math.min(...['06', '07', '08', '09', '10'].map(month));
    const dry = Math.max(...['12', '01', '02', '03', '04'].map(month));
    expect(wet).toBeGreaterThan(dry);
    // Guangdong imports western hydro but burns coal and gas: greener than nothing, far less green than Yunnan.
    const guangdong = summariseSeries(zoneSeries(model, 'guangdong')).greenShare!;
    expect(guangdong).toBeLessThan(summary.greenShare!);
  });
});
