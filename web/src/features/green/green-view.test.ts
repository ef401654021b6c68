import { describe, expect, test } from 'vitest';
import {
  eventSpans,
  monthBefore,
  monthlyMeans,
  parseSpans,
  spanMwh,
  spansLabel,
  technologyOrder,
} from './green-view.ts';

describe('parseSpans', () => {
  test('reads spans by line, comma or semicolon; a single serial is a span of one', () => {
    expect(parseSpans('GEC-A:1-100\nGEC-B:7, GEC-C:10–12；GEC-D:3 ~ 4\n\n')).toEqual({
      ok: true,
      spans: [
        { series: 'GEC-A', firstSerial: 1, lastSerial: 100 },
        { series: 'GEC-B', firstSerial: 7, lastSerial: 7 },
        { series: 'GEC-C', firstSerial: 10, lastSerial: 12 },
        { series: 'GEC-D', firstSerial: 3, lastSerial: 4 },
      ],
    });
  });
  test('the series is everything before the last colon', () => {
    expect(parseSpans('NS:GEC:2025:5-6')).toEqual({
      ok: true,
      spans: [{ series: 'NS:GEC:2025', firstSerial: 5, lastSerial: 6 }],
    });
  });
  test('names the first item it cannot read', () => {
    expect(parseSpans('GEC-A:1-2\nGEC-B 1-2')).toEqual({ ok: false, item: 'GEC-B 1-2' });
    expect(parseSpans(':1-2')).toEqual({ ok: false, item: ':1-2' });
    expect(parseSpans('GEC-A:9-3')).toEqual({ ok: false, item: 'GEC-A:9-3' });
    expect(parseSpans('GEC-A:1.5-3')).toEqual({ ok: false, item: 'GEC-A:1.5-3' });
    expect(parseSpans('  ')).toEqual({ ok: true, spans: [] });
  });
});

describe('spans', () => {
  const spans = [
    { series: 'GEC-A', firstSerial: 1, lastSerial: 100 },
    { series: 'GEC-B', firstSerial: 7, lastSerial: 7 },
  ];
  test('are counted in MWh (1 certificate = 1 MWh) and labelled', () => {
    expect(spanMwh(spans)).toBe(101);
    expect(spansLabel(spans)).toBe('GEC-A #1–100, GEC-B #7');
  });
  test('of an import are its ranges', () => {
    const range = {
      series: 'GEC-A',
      firstSerial: 1,
      lastSerial: 100,
      projectId: 'P',
      projectName: 'P',
      technology: 'hydro' as const,
      productionMonth: '2025-01',
      tradable: true,
      holder: '',
      state: 'held' as const,
    };
    expect(eventSpans({ kind: 'import', ranges: [range] })).toEqual([spans[0]]);
    expect(eventSpans({ kind: 'expire', month: '2027-01', spans })).toBe(spans);
  });
});

test('the last valid month is the month before the validity ends, across years', () => {
  expect(monthBefore('2027-01')).toBe('2026-12');
  expect(monthBefore('2027-10')).toBe('2027-09');
});

describe('monthlyMeans', () => {
  test('hourly values are grouped by park-local month (an hour at 16:00 UTC on 31 Jan is 1 Feb in Shanghai)', () => {
    const means = monthlyMeans(
      [
        { at: '2025-01-31T15:00:00.000Z', share: 0.2 },
        { at: '2025-01-01T00:00:00.000Z', share: 0.4 },
        { at: '2025-01-31T16:00:00.000Z', share: 0.9 },
      ],
      'Asia/Shanghai',
    );
    expect(means).toEqual([
      { month: '2025-01', mean: expect.closeTo(0.3, 12) as number, count: 2 },
      { month: '2025-02', mean: 0.9, count: 1 },
    ]);
  });
  test('monthly values are their own means', () => {
    expect(monthlyMeans([{ at: '2025-03', share: 0.5 }], 'Asia/Shanghai')).toEqual([
      { month: '2025-03', mean: 0.5, count: 1 },
    ]);
  });
});

test('technologies are ordered by their total share', () => {
  expect(
    technologyOrder([
      { coal: 0.5, hydro: 0.5 },
      { hydro: 0.7, wind: 0.3 },
    ]),
  ).toEqual(['hydro', 'coal', 'wind']);
});
