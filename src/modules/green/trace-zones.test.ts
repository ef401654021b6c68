import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import {
  checkZoneHour,
  traceZoneHour,
  traceZoneYear,
  zoneSeries,
  type ZoneHour,
  type ZoneInfo,
} from './trace-zones.ts';

// Expected numbers are worked out by hand in the comments, never copied from the implementation.

const ZONES: ZoneInfo[] = [{ id: 'yunnan' }, { id: 'guangdong' }];

/**
 * Yunnan makes 100 MW hydro and 20 MW coal, consumes 50 and sends 70 to Guangdong; Guangdong makes 100 MW coal and
 * 30 MW nuclear and consumes 200. Yunnan's supply 120 MW is 5/6 hydro. Guangdong's supply is 130 + 70 = 200 MW:
 * hydro 70 · 5/6 = 175/3, coal 100 + 70/6 = 335/3, nuclear 30 → shares 7/24, 67/120, 3/20; from Yunnan 70/200.
 */
const HOUR: ZoneHour = {
  at: '2025-07-01T12:00:00+08:00',
  zones: {
    yunnan: { generationMw: { hydro: 100, coal: 20 }, loadMw: 50 },
    guangdong: { generationMw: { coal: 100, nuclear: 30 }, loadMw: 200 },
  },
  exchanges: [{ from: 'yunnan', to: 'guangdong', mw: 70 }],
};

describe('zone tracing (Tranberg et al. 2019)', () => {
  it('gives each zone the mix of its generation and imports', () => {
    const [yunnan, guangdong] = traceZoneHour(HOUR, ZONES);
    expect(yunnan!.byTechnology).toEqual({ hydro: 5 / 6, coal: 1 / 6 });
    expect(yunnan!.greenShare).toBeCloseTo(5 / 6, 12);
    expect(yunnan!.byOrigin).toEqual({ yunnan: 1 });
    expect(guangdong!.byTechnology.hydro).toBeCloseTo(7 / 24, 12);
    expect(guangdong!.byTechnology.coal).toBeCloseTo(67 / 120, 12);
    expect(guangdong!.byTechnology.nuclear).toBeCloseTo(3 / 20, 12);
    expect(guangdong!.greenShare).toBeCloseTo(7 / 24, 12);
    expect(guangdong!.byOrigin.yunnan).toBeCloseTo(70 / 200, 12);
    expect([guangdong!.importMw, guangdong!.generationMw, yunnan!.exportMw]).toEqual([70, 130, 70]);
  });

  it('solves exchanges both ways in one hour exactly', () => {
    // A: 100 MW wind, load 80, sends 40 to B; B: 100 MW coal, load 120, sends 20 to A.
    // Supplies A = 120, B = 140; wind shares a = (100 + 20b)/120, b = 40a/140 = 2a/7 ⇒ 120a − 40a/7 = 100
    // ⇒ a = 700/800 = 7/8, b = 1/4. Check: wind consumed 80·7/8 + 120/4 = 70 + 30 = 100.
    const zones = [{ id: 'A' }, { id: 'B' }];
    const hour: ZoneHour = {
      at: '2025-01-01T00:00:00+08:00',
      zones: {
        A: { generationMw: { wind: 100 }, loadMw: 80 },
        B: { generationMw: { coal: 100 }, loadMw: 120 },
      },
      exchanges: [
        { from: 'A', to: 'B', mw: 40 },
        { from: 'B', to: 'A', mw: 20 },
      ],
    };
    const [a, b] = traceZoneHour(hour, zones);
    expect(a!.greenShare).toBeCloseTo(7 / 8, 12);
    expect(b!.greenShare).toBeCloseTo(1 / 4, 12);
    // By origin: A's own wind reaches B as a quarter of B's supply; B's coal is 1/8 of A's.
    expect(b!.byOrigin.A).toBeCloseTo(1 / 4, 12);
    expect(a!.byOrigin.B).toBeCloseTo(1 / 8, 12);
  });

  it('follows one zone through a year of hours', () => {
    const second: ZoneHour = {
      at: '2025-07-01T13:00:00+08:00',
      zones: {
        yunnan: { generationMw: { hydro: 120 }, loadMw: 50 },
        guangdong: { generationMw: { coal: 130 }, loadMw: 200 },
      },
      exchanges: [{ from: 'yunnan', to: 'guangdong', mw: 70 }],
    };
    const model = { zones: ZONES, hours: [HOUR, second] };
    const points = zoneSeries(model, 'guangdong');
    // Second hour: Guangdong gets 70 MW of pure hydro and makes 130 coal: 70/200 = 0.35 green.
    expect(points.map((p) => [p.at, p.mw])).toEqual([
      ['2025-07-01T12:00:00+08:00', 200],
      ['2025-07-01T13:00:00+08:00', 200],
    ]);
    expect(points[0]!.greenShare).toBeCloseTo(7 / 24, 12);
    expect(points[1]!.greenShare).toBeCloseTo(0.35, 12);
    const year = traceZoneYear(model);
    expect(year[1]!.zones[1]!.greenShare).toBeCloseTo(0.35, 12);
    expect(() => zoneSeries(model, 'guangxi')).toThrow(/no zone "guangxi": the zones are yunnan, guangdong/);
  });

  it('refuses a zone that exports more than it has, naming the hour and the zone', () => {
    const bad = structuredClone(HOUR);
    bad.exchanges[0]!.mw = 130;
    expect(checkZoneHour(bad, ['yunnan', 'guangdong'])).toEqual([
      {
        path: ['zones', 'yunnan'],
        reason: 'zone "yunnan" exports 130 MW but generates 120 and imports 0 MW',
      },
    ]);
    try {
      traceZoneYear({ zones: ZONES, hours: [HOUR, bad] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).issues[0]!.field).toBe('hours[1].zones.yunnan');
    }
  });

  it('refuses unknown zones and exchanges to oneself', () => {
    const bad: ZoneHour = {
      ...HOUR,
      exchanges: [
        { from: 'yunnan', to: 'yunnan', mw: 1 },
        { from: 'tibet', to: 'yunnan', mw: 1 },
      ],
    };
    expect(checkZoneHour(bad, ['yunnan', 'guangdong']).map((i) => i.path)).toEqual([
      ['exchanges', 0, 'to'],
      ['exchanges', 1, 'from'],
    ]);
  });
});
