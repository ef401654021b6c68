import { describe, expect, it } from 'vitest';
import { DEMO_CSV_HEADER, demoReadingsCsv } from './demo-csv.ts';
import { createDemoPark } from './demo-park.ts';
import { generateDemoReadings } from './demo-readings.ts';

describe('demoReadingsCsv', () => {
  const park = createDemoPark({ meterScale: 0.5 });
  const text = [...demoReadingsCsv(park, { days: 2 })].join('');
  const lines = text.split('\n');

  it('writes the header, then one line per reading, in stream order', () => {
    expect(lines[0]).toBe(DEMO_CSV_HEADER);
    expect(lines[lines.length - 1]).toBe(''); // the text ends with a newline
    const readings = [...generateDemoReadings(park, { days: 2 })].flat();
    expect(lines.length - 2).toBe(readings.length);
    readings.forEach((r, i) => {
      const [meter, at, value, unit] = (lines[i + 1] ?? '').split(',');
      if (meter !== r.meter || at !== r.at || Number(value) !== r.value || unit !== r.unit) {
        throw new Error(`line ${i + 2}: ${lines[i + 1]}`);
      }
    });
  });

  it('writes plain decimals, never exponents, and is stable', () => {
    expect(text).not.toMatch(/\de[+-]?\d/i);
    expect(lines[1]).toMatch(/^OPS-EL-PV,2025-01-01T00:00:00\+08:00,\d+(\.\d{1,3})?,kWh$/);
    expect([...demoReadingsCsv(park, { days: 2 })].join('')).toBe(text);
  });
});
