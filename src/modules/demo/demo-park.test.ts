import { describe, expect, it } from 'vitest';
import { CARRIERS, METER_ROLES, isValidUscc, parseParkDefinition } from '../registry/index.ts';
import { FAULT_METERS } from './demo-faults.ts';
import { createDemoPark, meterMultiplier, niceCeil } from './demo-park.ts';

describe('createDemoPark', () => {
  const park = createDemoPark();
  const byId = new Map(park.meters.map((m) => [m.id, m]));

  it('is a valid park definition file', () => {
    expect(() => parseParkDefinition(JSON.stringify(park), 'demo.json')).not.toThrow();
  });

  it('is deterministic', () => {
    expect(createDemoPark()).toEqual(park);
  });

  it('places the park near Kunming in the southern grid', () => {
    expect(park.park).toMatchObject({
      id: 'demo-yn',
      province: 'yunnan',
      timezone: 'Asia/Shanghai',
      gridRegion: 'south',
    });
    expect(park.park.location.latitude).toBeCloseTo(24.9, 1);
    expect(park.park.location.longitude).toBeCloseTo(102.5, 1);
  });

  it('has about 20 organisations with valid codes, one of them the park operator', () => {
    expect(park.organisations.length).toBeGreaterThanOrEqual(18);
    expect(park.organisations.length).toBeLessThanOrEqual(24);
    for (const o of park.organisations) {
      expect(isValidUscc(o.uscc ?? ''), o.id).toBe(true);
      expect(o.industryCode).toMatch(/^[A-T]\d{4}$/);
      expect(o.name).toContain('示范');
    }
    expect(park.organisations.filter((o) => o.kind === 'park_operator').map((o) => o.id)).toEqual(['OPS']);
    const codes = park.organisations.map((o) => o.industryCode);
    expect(codes).toEqual(
      expect.arrayContaining(['C3216', 'C3218', 'C3985', 'I6450', 'C1411', 'G5930', 'L7221']),
    );
    expect(new Set(park.organisations.map((o) => o.uscc)).size).toBe(park.organisations.length);
  });

  it('has 300 meters of every carrier and role, each with interval, capacity and installation date', () => {
    expect(park.meters).toHaveLength(300);
    expect(new Set(park.meters.map((m) => m.carrier))).toEqual(new Set(CARRIERS));
    expect(new Set(park.meters.map((m) => m.role))).toEqual(new Set(METER_ROLES));
    expect(new Set(park.meters.map((m) => m.readingKind))).toEqual(
      new Set(['cumulative', 'interval', 'power']),
    );
    for (const m of park.meters) {
      expect(m.intervalMinutes).toBe(15);
      expect(m.installedAt).toBe('2025-01-01');
      expect(m.capacity).toBeGreaterThan(0);
    }
    expect(new Set(park.meters.map((m) => m.id)).size).toBe(park.meters.length);
  });

  it('scales the consumption sub-meters with meterScale', () => {
    const big = createDemoPark({ meterScale: 3.4 });
    expect(big.meters.length).toBeGreaterThanOrEqual(950);
    expect(big.meters.length).toBeLessThanOrEqual(1050);
    const fixed = (p: typeof park) => p.meters.filter((m) => !/-\d{2,3}$/.test(m.id)).map((m) => m.id);
    expect(fixed(big)).toEqual(fixed(park));
    expect(() => parseParkDefinition(JSON.stringify(big), 'big.json')).not.toThrow();
    expect(createDemoPark({ meterScale: 0.1 }).meters.length).toBeLessThan(300);
  });

  it('gives every enterprise a grid main meter with sub-meters, CT × PT on high voltage', () => {
    const enterprises = park.organisations.filter((o) => o.kind !== 'public');
    for (const o of enterprises) {
      const main = byId.get(`${o.id}-EL-MAIN`);
      expect(main, o.id).toMatchObject({ carrier: 'electricity', role: 'import', readingKind: 'cumulative' });
      expect(park.meters.some((m) => m.parent === main?.id)).toBe(true);
    }
    const alu = byId.get('ALU-EL-MAIN');
    expect(alu?.multiplier).toBe(meterMultiplier(alu?.capacity ?? 0, 110));
    expect((alu?.multiplier ?? 0) % 1100).toBe(0); // PT 110 kV / 100 V
    expect(byId.get('BAT-EL-MAIN')?.multiplier).toBeGreaterThanOrEqual(1000);
  });

  it('has the operator PV plant, storage and a direct hydro line to the smelter', () => {
    expect(byId.get('OPS-EL-PV')).toMatchObject({
      organisation: 'OPS',
      role: 'generation',
      technology: 'pv',
    });
    expect(byId.get('OPS-EL-ESS-CHG')).toMatchObject({ role: 'storage_charge', capacity: 10_000 });
    expect(byId.get('OPS-EL-ESS-DIS')).toMatchObject({ role: 'storage_discharge', capacity: 10_000 });
    expect(byId.get('ALU-EL-GREEN')).toMatchObject({
      organisation: 'ALU',
      role: 'direct_green_supply',
      technology: 'hydro',
    });
    const rooftops = park.meters.filter((m) => m.technology === 'pv' && m.organisation !== 'OPS');
    expect(rooftops.length).toBeGreaterThanOrEqual(4);
  });

  it('declares the faulted meters: the rollover register and the replacement', () => {
    expect(byId.get(FAULT_METERS.rollover)?.rolloverAt).toBe(1_000_000);
    // 4 days × 48 × (3 + 2) + 32 × 2 + 8 × 3 = 1,048 raw since 2025-01-01, from 73,210; plus 5 min × 480 kW / 40.
    expect(byId.get(FAULT_METERS.replacement)?.replacements).toEqual([
      expect.objectContaining({
        at: '2025-01-05T10:05:00+08:00',
        oldFinalReading: 74_259,
        newInitialReading: 0,
      }),
    ]);
    expect(park.meters.filter((m) => m.rolloverAt !== undefined).map((m) => m.id)).toEqual([
      FAULT_METERS.rollover,
    ]);
  });

  it('sizes capacities and multipliers', () => {
    expect(niceCeil(1234)).toBe(1300);
    expect(niceCeil(33_600)).toBe(34_000);
    expect(niceCeil(58)).toBe(58);
    expect(meterMultiplier(30, undefined)).toBe(1);
    expect(meterMultiplier(200, undefined)).toBe(80); // 356 A at 0.4 kV → 400/5
    expect(meterMultiplier(5000, 10)).toBe(8000); // 321 A at 10 kV → CT 400/5 = 80, PT 10 kV/100 V = 100
    expect(meterMultiplier(80_000, 110)).toBe(110_000); // 467 A at 110 kV → CT 500/5 = 100, PT 1,100
  });
});
