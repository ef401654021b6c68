import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AppError, type InputIssue } from '../../lib/errors.ts';
import { CARRIERS as UNIT_CARRIERS } from '../../lib/units.ts';
import { exportParkDefinition, isValidUscc, parseParkDefinition } from './park-file.ts';
import { CARRIERS, type ParkDefinition } from './park-model.ts';

// Line numbers matter: tests below replace single lines and expect problems at them.
const VALID_YAML = `version: 1
park:
  id: kunming-zc
  name: 昆明零碳产业园
  province: yunnan
  timezone: Asia/Shanghai
  gridRegion: south
  location:
    latitude: 24.88
    longitude: 102.83
organisations:
  - id: operator
    name: 园区运营公司
    kind: park_operator
    uscc: 91350100M000100Y43
  - id: steelco
    name: 某钢铁公司
    industryCode: C3120
sites:
  - id: plant-1
    name: 一号厂房
    organisation: steelco
    kind: plant
meters:
  - id: grid-main
    organisation: operator
    carrier: electricity
    role: import
    readingKind: cumulative
    unit: kWh
    multiplier: 200
    rolloverAt: 1000000
    replacements:
      - at: 2025-03-01T10:00:00+08:00
        oldFinalReading: 123456.7
        newInitialReading: 0
  - id: steel-main
    organisation: steelco
    site: plant-1
    carrier: electricity
    role: consumption
    readingKind: interval
    unit: kWh
    parent: grid-main
    installedAt: 2024-01-01
  - id: pv-roof
    organisation: steelco
    site: plant-1
    carrier: electricity
    role: generation
    technology: pv
    readingKind: power
    unit: kW
    capacity: 2000
  - id: gas-main
    organisation: steelco
    carrier: natural_gas
    role: import
    readingKind: cumulative
    unit: Nm3
    installedAt: 2024-01-01
    removedAt: 2026-01-01T00:00:00+08:00
`;

const VALID_JSON = `{
  "park": {
    "id": "p1", "name": "P", "province": "hunan", "timezone": "Asia/Shanghai", "gridRegion": "central",
    "location": { "latitude": 28.2, "longitude": 112.9 }
  },
  "organisations": [{ "id": "o1", "name": "O" }],
  "meters": [
    { "id": "m1", "organisation": "o1", "carrier": "electricity", "role": "import", "readingKind": "cumulative", "unit": "kWh" },
    { "id": "m2", "organisation": "o1", "carrier": "steam", "role": "import", "readingKind": "cumulative", "unit": "t" }
  ]
}`;

/** The valid file with some lines (1-based) replaced, so every other line keeps its number. */
const variant = (text: string, changes: Record<number, string>) =>
  text
    .split('\n')
    .map((line, index) => changes[index + 1] ?? line)
    .join('\n');

function problems(text: string, fileName = 'park.yaml'): InputIssue[] {
  try {
    parseParkDefinition(text, fileName);
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_INPUT') return [...error.issues];
    throw error;
  }
  return [];
}
const issue = (line: number, field: string, reason: string): InputIssue => ({
  file: 'park.yaml',
  line,
  field,
  reason,
});

describe('parseParkDefinition', () => {
  it('the fixture has the line numbers the tests rely on', () => {
    const lines = VALID_YAML.split('\n');
    expect(lines[5]).toBe('  timezone: Asia/Shanghai'); // line 6
    expect(lines[24]).toBe('  - id: grid-main'); // line 25
    expect(lines[29]).toBe('    unit: kWh'); // line 30
    expect(lines[36]).toBe('  - id: steel-main'); // line 37
    expect(lines[45]).toBe('  - id: pv-roof'); // line 46
    expect(lines[61]).toBe('    removedAt: 2026-01-01T00:00:00+08:00'); // line 62
  });

  it('reads a valid YAML file', () => {
    const definition = parseParkDefinition(VALID_YAML, 'park.yaml');
    expect(definition.park.timezone).toBe('Asia/Shanghai');
    expect(definition.meters.map((m) => m.id)).toEqual(['grid-main', 'steel-main', 'pv-roof', 'gas-main']);
    expect(definition.meters[0]?.replacements).toEqual([
      { at: '2025-03-01T10:00:00+08:00', oldFinalReading: 123456.7, newInitialReading: 0 },
    ]);
    expect(definition.meters[1]?.installedAt).toBe('2024-01-01'); // a string, not a YAML timestamp
  });

  it('reads a valid JSON file', () => {
    expect(parseParkDefinition(VALID_JSON, 'park.json')).toEqual(JSON.parse(VALID_JSON));
  });

  it('reports schema problems with plain reasons', () => {
    expect(problems(variant(VALID_YAML, { 27: '    carrier: electrisity' }))).toEqual([
      issue(27, 'meters[0].carrier', `must be one of: ${CARRIERS.join(', ')}`),
    ]);
    expect(problems(variant(VALID_YAML, { 30: '    # unit to be confirmed' }))).toEqual([
      issue(25, 'meters[0].unit', 'is required'),
    ]);
    expect(problems(variant(VALID_YAML, { 31: '    multiplyer: 200' }))).toEqual([
      issue(31, 'meters[0].multiplyer', 'unknown field "multiplyer"'),
    ]);
    expect(problems(variant(VALID_YAML, { 9: '    latitude: north' }))).toEqual([
      issue(9, 'park.location.latitude', 'must be a number'),
    ]);
    expect(problems(variant(VALID_YAML, { 9: '    latitude: 95' }))).toEqual([
      issue(9, 'park.location.latitude', 'must be <= 90'),
    ]);
    expect(problems(variant(VALID_YAML, { 1: 'version: 2' }))).toEqual([issue(1, 'version', 'must be 1')]);
    expect(problems(variant(VALID_YAML, { 4: '  name: ""' }))).toEqual([
      issue(4, 'park.name', 'must not be empty'),
    ]);
  });

  it('lists every problem, ordered by line', () => {
    const text = variant(VALID_YAML, {
      25: '  - id: grid main',
      43: '    unit: m3',
      6: '  timezone: Asia/Beijing',
    });
    let error: unknown;
    try {
      parseParkDefinition(text, 'park.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toBe('park.yaml: 4 problems');
    expect((error as AppError).issues).toEqual([
      issue(6, 'park.timezone', 'unknown time zone "Asia/Beijing"; use an IANA name such as Asia/Shanghai'),
      issue(
        25,
        'meters[0].id',
        "must be an id: letters, digits, '.', '_' or '-', starting with a letter or digit",
      ),
      issue(
        43,
        'meters[1].unit',
        'unit "m3" is a volume; an electricity meter needs electric energy (kWh, MWh, Wh)',
      ),
      // grid-main's id is invalid, so steel-main's parent names no meter
      issue(44, 'meters[1].parent', 'unknown parent meter "grid-main"'),
    ]);
  });

  it('reports duplicate ids and broken references', () => {
    expect(problems(variant(VALID_YAML, { 46: '  - id: steel-main' }))).toEqual([
      issue(46, 'meters[2].id', 'duplicate meter id "steel-main" (first at line 37)'),
    ]);
    expect(problems(variant(VALID_YAML, { 16: '  - id: operator' }))).toEqual([
      issue(16, 'organisations[1].id', 'duplicate organisation id "operator" (first at line 12)'),
      issue(22, 'sites[0].organisation', 'unknown organisation "steelco"'),
      issue(38, 'meters[1].organisation', 'unknown organisation "steelco"'),
      issue(47, 'meters[2].organisation', 'unknown organisation "steelco"'),
      issue(56, 'meters[3].organisation', 'unknown organisation "steelco"'),
    ]);
    expect(problems(variant(VALID_YAML, { 39: '    site: plant-2' }))).toEqual([
      issue(39, 'meters[1].site', 'unknown site "plant-2"'),
    ]);
  });

  it('checks the meter tree', () => {
    expect(problems(variant(VALID_YAML, { 31: '    parent: steel-main' }))).toEqual([
      issue(31, 'meters[0].parent', 'parent chain forms a cycle: grid-main → steel-main → grid-main'),
    ]);
    expect(problems(variant(VALID_YAML, { 54: '    parent: pv-roof' }))).toEqual([
      issue(54, 'meters[2].parent', 'a meter cannot be its own parent'),
    ]);
    expect(problems(variant(VALID_YAML, { 61: '    parent: grid-main' }))).toEqual([
      issue(
        61,
        'meters[3].parent',
        'parent meter "grid-main" measures electricity, not natural_gas; a parent must measure the same carrier',
      ),
    ]);
  });

  it('checks units against carrier and reading kind', () => {
    expect(problems(variant(VALID_YAML, { 53: '    unit: kWh' }))).toEqual([
      issue(
        53,
        'meters[2].unit',
        'unit "kWh" is an amount, not a rate; a power reading needs a rate such as kW, MW, W',
      ),
    ]);
    expect(problems(variant(VALID_YAML, { 60: '    unit: kWh' }))).toEqual([
      issue(
        60,
        'meters[3].unit',
        'unit "kWh" is an electric energy; a natural gas meter needs volume (m3, Nm3, 10^4m3) or thermal energy (GJ, MJ, kWh_th)',
      ),
    ]);
  });

  it('checks technology, rollover and replacements against role and reading kind', () => {
    expect(problems(variant(VALID_YAML, { 51: '    # technology to be confirmed' }))).toEqual([
      issue(
        46,
        'meters[2].technology',
        'is required for a generation meter (one of: pv, wind, hydro, biomass, geothermal, chp, gas_turbine, diesel_genset, waste_heat, other)',
      ),
    ]);
    expect(problems(variant(VALID_YAML, { 45: '    technology: pv' }))).toEqual([
      issue(
        45,
        'meters[1].technology',
        'only generation and direct_green_supply meters have a technology, not a consumption meter',
      ),
    ]);
    expect(problems(variant(VALID_YAML, { 29: '    readingKind: interval' }))).toEqual([
      issue(
        32,
        'meters[0].rolloverAt',
        "only cumulative meters roll over; this meter's readings are interval",
      ),
      issue(
        33,
        'meters[0].replacements',
        "only cumulative meters record replacements; this meter's readings are interval",
      ),
    ]);
  });

  it('checks dates in the park time zone', () => {
    expect(problems(variant(VALID_YAML, { 45: '    installedAt: 2024-02-30' }))).toEqual([
      issue(45, 'meters[1].installedAt', '2024-02 has no day 30'),
    ]);
    expect(problems(variant(VALID_YAML, { 62: '    removedAt: 2023-12-31' }))).toEqual([
      issue(62, 'meters[3].removedAt', 'must be after installedAt (2024-01-01)'),
    ]);
    // 2024-01-01 is midnight in Shanghai, 2023-12-31T16:00Z: removal at that same instant is not after it.
    expect(problems(variant(VALID_YAML, { 62: '    removedAt: 2023-12-31T16:00:00Z' }))).toEqual([
      issue(62, 'meters[3].removedAt', 'must be after installedAt (2024-01-01)'),
    ]);
    expect(problems(variant(VALID_YAML, { 62: '    removedAt: 2023-12-31T16:00:01Z' }))).toEqual([]);
    expect(problems(variant(VALID_YAML, { 34: '      - at: 2025-03-01 25:00' }))).toEqual([
      issue(34, 'meters[0].replacements[0].at', 'hour 25 is out of range (0–23) in "2025-03-01 25:00"'),
    ]);
  });

  it('checks organisation codes', () => {
    expect(problems(variant(VALID_YAML, { 15: '    uscc: 91350100M000100Y44' }))).toEqual([
      issue(
        15,
        'organisations[0].uscc',
        'check character of unified social credit code "91350100M000100Y44" should be "3"',
      ),
    ]);
    expect(problems(variant(VALID_YAML, { 15: '    uscc: 91350100I000100Y43' }))).toEqual([
      issue(
        15,
        'organisations[0].uscc',
        'must be a unified social credit code: 18 characters of 0-9 and A-Z except I, O, S, V, Z',
      ),
    ]);
    const badIndustry =
      'must be a GB/T 4754-2017 code: a section letter A–T, optionally followed by 2–4 digits (e.g. C3216)';
    expect(problems(variant(VALID_YAML, { 18: '    industryCode: C31201' }))).toEqual([
      issue(18, 'organisations[1].industryCode', badIndustry),
    ]);
    expect(problems(variant(VALID_YAML, { 18: '    industryCode: U' }))).toEqual([
      issue(18, 'organisations[1].industryCode', badIndustry),
    ]);
    expect(problems(variant(VALID_YAML, { 18: '    industryCode: C' }))).toEqual([]);
    expect(problems(variant(VALID_YAML, { 18: '    industryCode: 3120' }))).toEqual([
      issue(18, 'organisations[1].industryCode', 'must be a string'),
    ]);
  });

  it('reports YAML syntax errors at their line', () => {
    const duplicateKey = problems(variant(VALID_YAML, { 5: '  name: again' }));
    expect(duplicateKey).toHaveLength(1);
    expect(duplicateKey[0]).toMatchObject({ file: 'park.yaml', line: 5, field: '' });
    expect(problems('')).toEqual([issue(1, '', 'file is empty')]);
  });

  it('reports JSON problems at their line', () => {
    const text = variant(VALID_JSON, {
      9: '    { "id": "m2", "organisation": "o1", "carrier": "steam", "role": "import", "readingKind": "cumulative", "unit": "kWh" }',
    });
    expect(problems(text, 'park.json')).toEqual([
      {
        file: 'park.json',
        line: 9,
        field: 'meters[1].unit',
        reason:
          'unit "kWh" is an electric energy; a steam meter needs mass (t, kg) or thermal energy (GJ, MJ, kWh_th)',
      },
    ]);
    expect(problems(variant(VALID_JSON, { 6: '  "organisations": [{ "id": "o1" }],' }), 'park.json')).toEqual(
      [{ file: 'park.json', line: 6, field: 'organisations[0].name', reason: 'is required' }],
    );
  });
});

describe('exportParkDefinition', () => {
  it('round-trips a YAML file and keeps the key order', () => {
    const definition = parseParkDefinition(VALID_YAML, 'park.yaml');
    const exported = exportParkDefinition(definition);
    expect(parseParkDefinition(exported, 'export.yaml')).toStrictEqual(definition);
    expect(exported.split('\n').filter((line) => /^\S/.test(line))).toEqual([
      'version: 1',
      'park:',
      'organisations:',
      'sites:',
      'meters:',
    ]);
    expect(exported.startsWith('version: 1\npark:\n  id: kunming-zc\n  name: 昆明零碳产业园\n')).toBe(true);
  });

  it('round-trips a JSON file and omits undefined fields', () => {
    const definition = parseParkDefinition(VALID_JSON, 'park.json');
    const withUndefined = { ...definition, sites: undefined, version: undefined } as ParkDefinition;
    const exported = exportParkDefinition(withUndefined);
    expect(exported).not.toMatch(/sites|version/);
    expect(parseParkDefinition(exported, 'export.yaml')).toStrictEqual(definition);
  });

  test.prop([fc.string(), fc.string({ minLength: 1 }), fc.double({ min: 0, max: 1e12, noNaN: true })])(
    'round-trips any names, notes and readings',
    (note, name, reading) => {
      const definition = parseParkDefinition(VALID_YAML, 'park.yaml');
      const meter = definition.meters[0];
      if (!meter) throw new Error('fixture has meters');
      meter.name = name;
      meter.replacements = [{ at: '2025-03-01', oldFinalReading: reading, newInitialReading: 0, note }];
      expect(parseParkDefinition(exportParkDefinition(definition), 'export.yaml')).toStrictEqual(definition);
    },
  );
});

describe('isValidUscc', () => {
  it('accepts codes whose check character matches', () => {
    // 91350100M000100Y4 → values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4
    // × weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
    // = 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 mod 31 = 28; 31 − 28 = 3 → check "3".
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    // The 13th character 1 → 2 adds 8 (its weight): 1648 mod 31 = 5; 31 − 5 = 26 → "T".
    expect(isValidUscc('91350100M000200Y4T')).toBe(true);
  });

  it('rejects a wrong check character, forbidden letters and wrong lengths', () => {
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(isValidUscc('91350100M000200Y43')).toBe(false);
    expect(isValidUscc('91350100I000100Y43')).toBe(false); // I is not in the character set
    expect(isValidUscc('91350100m000100Y43')).toBe(false);
    expect(isValidUscc('91350100M000100Y4')).toBe(false);
    expect(isValidUscc('')).toBe(false);
  });
});

it('the park model re-exports the carriers of lib/units', () => {
  expect(CARRIERS).toBe(UNIT_CARRIERS);
});
