import { describe, expect, test } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import { parseScenarioFile } from './scenario-file.ts';
import { embedProfileFiles, profileSeries } from './scenario-profiles.ts';

const TZ = 'Asia/Shanghai';
const SIZING = `id: s1
kind: sizing
name: csv sizing
period: '2025-01-01'
load: { source: csv, file: load.csv }
wind: { speed: { file: wind.csv }, measurementHeightM: 10, hubHeightM: 10, cost: { capexPerUnit: 6000, lifetimeYears: 20, omShare: 0.02 } }
tariff: yunnan-2025-demo
discountRate: 0.06
target: { kind: none }
`;
const hourly = (column: string, values: number[]) =>
  `at,${column}\n` +
  values.map((v, h) => `2025-01-01 ${String(h).padStart(2, '0')}:00,${v}`).join('\n') +
  '\n';

function caught(f: () => unknown): AppError {
  try {
    f();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('profiles in scenario files', () => {
  test('files are read at save and stored inline; the stored scenario needs no file later', () => {
    const files: Record<string, string> = {
      'load.csv': hourly('kw', new Array<number>(24).fill(100)),
      'wind.csv': hourly('speed', new Array<number>(24).fill(12)),
    };
    const spec = embedProfileFiles(parseScenarioFile(SIZING, 's1.yaml'), {
      fileName: 's1.yaml',
      timeZone: TZ,
      readFile: (name) => files[name]!,
    });
    expect(spec.load).toMatchObject({
      file: 'load.csv',
      start: '2025-01-01T00:00:00+08:00',
      stepMinutes: 60,
    });
    expect(spec.load.values).toHaveLength(24);
    expect(spec.wind?.speed?.values?.[0]).toBe(12);
    // Saved again over HTTP (no files): the previous version's profile is kept for the same file name.
    const again = embedProfileFiles(parseScenarioFile(SIZING, 's1.yaml'), {
      fileName: 's1.yaml',
      timeZone: TZ,
      previous: spec,
    });
    expect(again.load.values).toEqual(spec.load.values);
    // Hourly 100 kW to quarter hours over the day's first two hours: each hour repeated over its quarters.
    const series = profileSeries(again.load, ['load'], TZ, {
      fromMs: Date.parse('2025-01-01T00:00:00+08:00'),
      steps: 8,
      stepMinutes: 15,
    });
    expect(series).toEqual(new Array<number>(8).fill(100));
  });

  test('without a file to read, and none saved before, the error names the field', () => {
    const e = caught(() =>
      embedProfileFiles(parseScenarioFile(SIZING, 's1.yaml'), { fileName: 's1.yaml', timeZone: TZ }),
    );
    expect(e.issues[0]).toMatchObject({ file: 's1.yaml', field: 'load.file' });
  });

  test("a bad CSV is reported by the CSV's name, line and column", () => {
    const files: Record<string, string> = {
      'load.csv': hourly('kw', new Array<number>(24).fill(100)),
      'wind.csv': 'at,speed\n2025-01-01 00:00,5\n2025-01-01 01:00,-3\n',
    };
    const e = caught(() =>
      embedProfileFiles(parseScenarioFile(SIZING, 's1.yaml'), {
        fileName: 's1.yaml',
        timeZone: TZ,
        readFile: (name) => files[name]!,
      }),
    );
    expect(e.issues[0]).toMatchObject({ file: 'wind.csv', line: 3, field: 'speed' });
    expect(e.issues[0]!.reason).toMatch(/negative wind speed/);
  });

  test('a profile that does not cover the period names the field and both spans', () => {
    const e = caught(() =>
      profileSeries(
        { start: '2025-01-01 00:00', stepMinutes: 60, values: [1, 2, 3] },
        ['pv', 'profile'],
        TZ,
        { fromMs: Date.parse('2025-01-01T00:00:00+08:00'), steps: 4, stepMinutes: 60 },
      ),
    );
    expect(e.issues[0]!.field).toBe('pv.profile');
    expect(e.message).toContain('covers 2025-01-01T00:00:00+08:00 to 2025-01-01T03:00:00+08:00');
  });

  test('an output profile of a plant of ratedKw is divided by it (per kW installed)', () => {
    const series = profileSeries(
      { start: '2025-01-01 00:00', stepMinutes: 60, values: [0, 250, 500], ratedKw: 500 },
      ['pv', 'profile'],
      TZ,
      { fromMs: Date.parse('2025-01-01T00:00:00+08:00'), steps: 3, stepMinutes: 60 },
      { perKw: true },
    );
    expect(series).toEqual([0, 0.5, 1]);
  });

  test('scenario files check profiles, wind and rolling options by line and field', () => {
    const text = `id: d1
kind: dispatch
name: rolling
date: '2025-01-02'
load: { source: csv, values: [1, 2] }
wind: { measurementHeightM: 10 }
tariff: yunnan-2025-demo
objective: cost
rolling: { windowSteps: 4, commitSteps: 8 }
`;
    const e = caught(() => parseScenarioFile(text, 'd1.yaml'));
    const got = e.issues.map((i) => [i.line, i.field]);
    expect(got).toContainEqual([5, 'load.start']);
    expect(got).toContainEqual([5, 'load.stepMinutes']);
    expect(got).toContainEqual([6, 'wind']);
    expect(got).toContainEqual([6, 'wind.hubHeightM']);
    expect(got).toContainEqual([9, 'rolling.commitSteps']);
  });
});
