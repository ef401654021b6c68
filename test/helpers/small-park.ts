/** The small test park (test/fixtures/small-park.yaml) and the fixed clock the integration tests share. */
import fs from 'node:fs';
import { parseParkDefinition, type ParkDefinition } from '../../src/modules/registry/index.ts';
import type { ReadingRecord } from '../../src/modules/telemetry/index.ts';

/** The clock the tests pin, so that coverage never depends on today. */
export const NOW = Date.parse('2026-01-01T00:00:00Z');
export const TZ = 'Asia/Shanghai';

/** A fresh copy of the small park's definition. */
export function smallPark(): ParkDefinition {
  return parseParkDefinition(fs.readFileSync('test/fixtures/small-park.yaml', 'utf8'), 'small-park.yaml');
}

/** A reading on 2025-01-01 at hh:mm (+08:00). */
export function reading(
  meter: string,
  hhmm: string,
  value: number | string,
  extra: Partial<ReadingRecord> = {},
): ReadingRecord {
  return { meter, at: `2025-01-01T${hhmm}:00+08:00`, value, ...extra };
}
