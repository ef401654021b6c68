import { describe, expect, it } from 'vitest';
import { parseStatisticsCsv, parseStatisticsRows } from './statistics-input.ts';

const ORGS = new Set(['ALU', 'FOOD']);
const HEADER = 'organisation,month,kind,item,value,unit,evidence,note,factor_value,factor_unit,factor_source';

describe('statistics CSV', () => {
  it('reads good rows and names file, line, field and reason for each bad one', () => {
    const csv = [
      HEADER,
      'ALU,2025-01,water_used,,1200,t,,,,,',
      'ALU,2025-01,product_output,电解铝,8000,t,,,,,',
      'XYZ,2025-01,water_used,,5,t,,,,,', // line 4: unknown organisation
      'ALU,2025-13,water_used,,5,t,,,,,', // line 5: no month 13
      'ALU,2025-02,water_used,,-5,t,,,,,', // line 6: negative
      'ALU,2025-02,water_used,,5,kg,,,,,', // line 7: wrong unit
      'ALU,2025-02,offset,ccer,100,tCO2e,,,,,', // line 8: no evidence
      'ALU,2025-02,process_activity,anode,400,t,,,3.6,tCO2/t,', // line 9: factor without source
      'FOOD,2025-01,water_used,,300,m3,,,,,',
      'ALU,2025-01,water_used,,1300,t,,,,,', // line 11: repeats line 2
    ].join('\n');
    const r = parseStatisticsCsv(csv, 'stats.csv', ORGS);
    expect(r.issues).toEqual([]);
    expect(r.rows.map((x) => [x.line, x.organisation, x.kind, x.value, x.unit])).toEqual([
      [2, 'ALU', 'water_used', 1200, 't'],
      [3, 'ALU', 'product_output', 8000, 't'],
      [10, 'FOOD', 'water_used', 300, 't'], // m3 of water is entered as t (1 m³ ≈ 1 t)
    ]);
    const byLine = new Map(
      r.rejected.map((x) => [x.line, x.issues.map((i) => `${i.file}:${i.line} ${i.field}`)]),
    );
    expect(byLine.get(4)).toEqual(['stats.csv:4 organisation']);
    expect(byLine.get(5)).toEqual(['stats.csv:5 month']);
    expect(byLine.get(6)).toEqual(['stats.csv:6 value']);
    expect(byLine.get(7)).toEqual(['stats.csv:7 unit']);
    expect(byLine.get(8)).toEqual(['stats.csv:8 evidence']);
    expect(byLine.get(9)).toEqual(['stats.csv:9 factor_source']);
    expect(byLine.get(11)).toEqual(['stats.csv:11 item']);
    expect(r.rejected.find((x) => x.line === 7)!.raw).toBe('ALU,2025-02,water_used,,5,kg,,,,,');
  });

  it('refuses a file whose header it cannot read, by column', () => {
    const r = parseStatisticsCsv('organisation,month,kind,amount,unit\n', 'x.csv', ORGS);
    expect(r.issues.map((i) => i.field)).toEqual(['value', 'amount']);
  });

  it('carries a process factor with its source', () => {
    const r = parseStatisticsRows(
      [
        {
          organisation: 'ALU',
          month: '2025-03',
          kind: 'process_activity',
          item: 'anode',
          value: 400,
          unit: 't',
          factor_value: '3.6',
          factor_unit: 'tCO2/t',
          factor_source: 'plant lab',
        },
      ],
      ORGS,
    );
    expect(r.rows[0]!.factor).toEqual({ value: 3.6, unit: 'tCO2/t', source: 'plant lab' });
  });

  it('takes items from the kind’s list where the indicators read them, and none where the kind has one value', () => {
    const r = parseStatisticsRows(
      [
        { organisation: 'ALU', month: '2025-03', kind: 'freight', item: 'electric', value: 10, unit: 't·km' },
        { organisation: 'ALU', month: '2025-03', kind: 'freight', item: 'truck', value: 10, unit: 't·km' },
        {
          organisation: 'ALU',
          month: '2025-03',
          kind: 'waste_heat_recovered',
          item: '',
          value: 5,
          unit: 'GJ',
        },
        { organisation: 'ALU', month: '2025-03', kind: 'water_used', item: 'cooling', value: 5, unit: 't' },
      ],
      ORGS,
    );
    expect(r.rows.map((x) => x.item)).toEqual(['electric']);
    expect(r.rejected.map((x) => [x.line, x.issues.map((i) => i.field)])).toEqual([
      [2, ['item']],
      [3, ['item']],
      [4, ['item']],
    ]);
  });
});
