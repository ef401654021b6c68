/** The demo readings as CSV text (`meter,at,value,unit`), the format `lingtan import readings` reads. */
import type { ParkDefinition } from '../registry/index.ts';
import { generateDemoReadings, type DemoReadingOptions } from './demo-readings.ts';

export const DEMO_CSV_HEADER = 'meter,at,value,unit';

/** Quotes a field only when it needs it (RFC 4180); ids, stamps and numbers never do. */
const field = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/**
 * Yields CSV text in chunks: the header line first, then one chunk per chunk of readings, each line ending in "\n".
 * @example for (const text of demoReadingsCsv(createDemoPark(), { days: 7 })) stream.write(text);
 */
export function* demoReadingsCsv(
  park: ParkDefinition,
  options: DemoReadingOptions = {},
): Generator<string, void, undefined> {
  yield `${DEMO_CSV_HEADER}\n`;
  // Each line is prefix + at + "," + value + suffix; prefixes and suffixes are built once per meter.
  const prefix = new Map<string, string>();
  const suffix = new Map<string, string>();
  for (const chunk of generateDemoReadings(park, options)) {
    let text = '';
    for (const r of chunk) {
      let head = prefix.get(r.meter);
      if (head === undefined) prefix.set(r.meter, (head = `${field(r.meter)},`));
      const key = r.unit ?? '';
      let tail = suffix.get(key);
      if (tail === undefined) suffix.set(key, (tail = `,${field(key)}\n`));
      text += head + r.at + ',' + String(r.value) + tail;
    }
    yield text;
  }
}
