import { describe, expect, it } from 'vitest';
import { AppError, formatIssue } from '../../lib/errors.ts';
import { parseGridShareCsv } from './green-input.ts';
import { greenShareCsv, parseTraceFile } from './trace-file.ts';
import type { SeriesPoint } from './trace-types.ts';

const SNAPSHOT = {
  at: '2025-07-01T12:00:00+08:00',
  buses: [{ id: '1' }, { id: '2', zone: 'yunnan' }],
  generators: [{ id: 'G1', bus: '1', technology: 'hydro', mw: 100 }],
  loads: [{ id: 'L2', bus: '2', mw: 98 }],
  lines: [{ id: '1-2', from: '1', to: '2', fromMw: 100, toMw: 98 }],
};

/** The problems a parse reports, as the CLI prints them (`file path: reason`). */
function problems(text: string, file = 'net.json'): string[] {
  try {
    parseTraceFile(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_INPUT');
    expect((error as AppError).message).toMatch(new RegExp(`^${file}: `));
    return (error as AppError).issues.map(formatIssue);
  }
  throw new Error('expected the file to be refused');
}

const edit = (change: (s: typeof SNAPSHOT) => void) => {
  const s = structuredClone(SNAPSHOT);
  change(s);
  return JSON.stringify(s);
};

describe('trace files', () => {
  it('reads a snapshot, a series and a zone model', () => {
    expect(parseTraceFile(JSON.stringify(SNAPSHOT), 'net.json')).toMatchObject({ kind: 'snapshot' });
    const later = { ...SNAPSHOT, at: '2025-07-01T13:00:00+08:00' };
    const series = parseTraceFile(JSON.stringify([SNAPSHOT, later]), 'year.json');
    expect(series.kind === 'series' && series.snapshots.length).toBe(2);
    const zones = parseTraceFile(
      JSON.stringify({
        zones: [{ id: 'yunnan' }],
        hours: [
          { at: '2025-01-01T00:00:00+08:00', zones: { yunnan: { generationMw: { hydro: 5 }, loadMw: 5 } } },
        ],
      }),
      'zones.json',
    );
    // Exchanges are optional in the file and always present once read.
    expect(zones.kind === 'zones' && zones.model.hours[0]!.exchanges).toEqual([]);
  });

  it('names the file, the JSON path and the reason of schema problems', () => {
    expect(problems(edit((s) => delete (s.lines[0] as Partial<(typeof s.lines)[0]>).toMw))).toEqual([
      'net.json lines[0].toMw: is required',
    ]);
    expect(problems(edit((s) => ((s.generators[0] as { mw: unknown }).mw = '100')))).toEqual([
      'net.json generators[0].mw: must be a number',
    ]);
    expect(problems(edit((s) => (s.loads[0]!.mw = -5)))).toEqual(['net.json loads[0].mw: must be ≥ 0']);
    expect(problems(edit((s) => (s.generators[0]!.technology = 'solar')))[0]).toMatch(
      /^net\.json generators\[0\]\.technology: must be one of: coal, gas, oil, nuclear, hydro, .*pv/,
    );
    expect(problems(edit((s) => Object.assign(s.buses[0]!, { kv: 220 })))).toEqual([
      'net.json buses[0].kv: unknown field "kv"',
    ]);
    expect(problems(edit((s) => (s.at = '2025-07-01 12:00')))).toEqual([
      'net.json at: must be an ISO 8601 instant with offset, e.g. 2025-07-01T12:00:00+08:00',
    ]);
  });

  it('names unknown buses, duplicate ids and the bus that does not balance', () => {
    expect(problems(edit((s) => (s.loads[0]!.bus = '9')))).toEqual([
      'net.json loads[0].bus: no bus "9" in buses',
    ]);
    expect(problems(edit((s) => s.buses.push({ id: '1' })))).toEqual([
      'net.json buses[2].id: "1" is already buses[0]',
    ]);
    expect(problems(edit((s) => (s.loads[0]!.mw = 90)))).toEqual([
      'net.json buses[1]: bus "2" does not balance: generation 0 + inflows 98 = 98 MW in, load 90 + outflows 0 = ' +
        '90 MW out (mismatch 8 MW, tolerance 0.010098 MW)',
    ]);
  });

  it('prefixes the index of the snapshot in a series', () => {
    const later = { ...structuredClone(SNAPSHOT), at: '2025-07-01T13:00:00+08:00' };
    later.lines[0]!.toMw = 101;
    expect(problems(JSON.stringify([SNAPSHOT, later]))).toEqual([
      'net.json [1].lines[0].toMw: the line delivers 101 MW but takes only 100 MW (losses cannot be negative)',
    ]);
    expect(problems(JSON.stringify([SNAPSHOT, SNAPSHOT]))).toEqual([
      `net.json [1].at: "${SNAPSHOT.at}" is not after the previous snapshot's instant`,
    ]);
    expect(problems(JSON.stringify([{ ...SNAPSHOT, at: undefined }]))).toEqual([
      'net.json [0].at: is required',
    ]);
  });

  it('names the path of zone model problems', () => {
    const model = {
      zones: [{ id: 'yunnan' }, { id: 'guangdong' }],
      hours: [
        {
          at: '2025-01-01T00:00:00+08:00',
          zones: {
            yunnan: { generationMw: { hydro: 50, solar: 5 }, loadMw: 10 },
            guangdong: { generationMw: { coal: 10 }, loadMw: 60 },
          },
          exchanges: [{ from: 'yunnan', to: 'guangdong', mw: 80 }],
        },
      ],
    };
    expect(problems(JSON.stringify(model), 'zones.json')).toEqual([
      'zones.json hours[0].zones.yunnan.generationMw.solar: unknown technology "solar"; technologies are coal, gas, ' +
        'oil, nuclear, hydro, pumped_storage, wind, pv, solar_thermal, biomass, geothermal, ocean, storage, other',
      'zones.json hours[0].zones.yunnan: zone "yunnan" exports 80 MW but generates 55 and imports 0 MW',
    ]);
  });

  it('gives the line of a JSON syntax error, and refuses what is not a trace file', () => {
    const [issue] = problems('{\n  "buses": [\n    {"id": "1",}\n  ]\n}');
    expect(issue).toMatch(/^net\.json:3 /);
    expect(problems('{"zones_": []}')).toEqual([
      'net.json expected a network snapshot (an object with buses, generators, loads and lines), an array of ' +
        'snapshots, or a zone model (an object with zones and hours)',
    ]);
  });
});

describe('the hourly green share CSV', () => {
  const points: SeriesPoint[] = [
    {
      at: '2025-07-01T00:00:00+08:00',
      mw: 10,
      grossMw: 10,
      byTechnology: { hydro: 0.8125 },
      greenShare: 0.8125,
    },
    { at: '2025-07-01T01:00:00+08:00', mw: 10, grossMw: 10, byTechnology: {}, greenShare: null },
    { at: '2025-07-01T02:00:00+08:00', mw: 10, grossMw: 10, byTechnology: { hydro: 1 }, greenShare: 1 },
  ];

  it('writes at,green_share and leaves out hours nothing was traced to', () => {
    expect(greenShareCsv(points)).toBe(
      'at,green_share\n2025-07-01T00:00:00+08:00,0.812500\n2025-07-01T02:00:00+08:00,1.000000\n',
    );
  });

  it('reads back as the grid green share the matching takes', () => {
    const parsed = parseGridShareCsv(greenShareCsv(points), 'grid.csv', 'Asia/Shanghai');
    expect(parsed.issues).toEqual([]);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.resolution).toBe('hour');
    // 00:00 at +08:00 is 16:00 UTC the day before.
    expect(parsed.rows.map((r) => [r.at, r.share])).toEqual([
      ['2025-06-30T16:00:00.000Z', 0.8125],
      ['2025-06-30T18:00:00.000Z', 1],
    ]);
  });
});

describe('the example files in docs/examples', () => {
  it('trace: the park load takes bus 3’s mix, 120 MW of hydro and 70 MW from bus 2 (coal 80 : wind 50)', async () => {
    const { readFileSync } = await import('node:fs');
    const { traceSnapshot } = await import('./trace.ts');
    const input = parseTraceFile(
      readFileSync('docs/examples/network-4bus.json', 'utf8'),
      'network-4bus.json',
    );
    if (input.kind !== 'snapshot') throw new Error('expected a snapshot');
    const park = traceSnapshot(input.snapshot).loads.find((l) => l.load === 'L3-park')!;
    // Bus 3's gross through-flow is the sending ends of lines 1-3 and 2-3: 120 + 70 = 190 MW.
    expect(park.byTechnology.hydro).toBeCloseTo(120 / 190, 12);
    expect(park.byTechnology.coal).toBeCloseTo((70 * 80) / 130 / 190, 12);
    expect(park.byTechnology.wind).toBeCloseTo((70 * 50) / 130 / 190, 12);
    const week = parseTraceFile(readFileSync('docs/examples/southern-grid-week.json', 'utf8'), 'week.json');
    expect(week.kind === 'zones' && week.model.hours.length).toBe(168);
  });
});
