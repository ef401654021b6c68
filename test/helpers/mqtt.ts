/** Shared pieces of the MQTT tests: deterministic reading messages, waiting for a condition, counting what is stored. */
import type pg from 'pg';

/** One published message: its payload and the readings in it. */
export interface Message {
  readings: { meter: string; at: string; value: number }[];
}

const SLOT_MS = 15 * 60_000;

/**
 * `count` messages of `perMessage` readings, spread round-robin over `meters`, one reading per meter per 15-minute
 * slot from `startMs` on; values are small and varied, below every meter's spike limit in the small park.
 */
export function makeMessages(
  count: number,
  perMessage: number,
  meters: readonly string[],
  startMs: number,
): Message[] {
  const messages: Message[] = [];
  for (let i = 0; i < count; i++) {
    const readings: Message['readings'] = [];
    for (let j = 0; j < perMessage; j++) {
      const g = i * perMessage + j;
      const slot = Math.floor(g / meters.length);
      readings.push({
        meter: meters[g % meters.length]!,
        at: new Date(startMs + (slot + 1) * SLOT_MS).toISOString(),
        value: 10 + (g % 13) + (g % 7) / 4,
      });
    }
    messages.push({ readings });
  }
  return messages;
}

/** Per meter: how many readings and the sum of their values, as published. */
export function expectedByMeter(messages: readonly Message[]): Record<string, { n: number; sum: number }> {
  const out: Record<string, { n: number; sum: number }> = {};
  for (const m of messages)
    for (const r of m.readings) {
      const e = (out[r.meter] ??= { n: 0, sum: 0 });
      e.n += 1;
      e.sum += r.value;
    }
  return out;
}

/** Per meter: how many readings and the sum of their values, as stored. */
export async function storedByMeter(
  pool: pg.Pool,
  parkId: string,
): Promise<Record<string, { n: number; sum: number }>> {
  const { rows } = await pool.query<{ code: string; n: number; sum: number }>(
    `SELECT m.code, count(*)::int AS n, sum(r.value) AS sum
       FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.park_id = $1 GROUP BY m.code`,
    [parkId],
  );
  return Object.fromEntries(rows.map((r) => [r.code, { n: r.n, sum: r.sum }]));
}

/** Resolves when `condition` holds (checked every 20 ms); the test's own timeout bounds the wait. */
export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}
