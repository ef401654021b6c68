/**
 * The MQTT edge, pure: topic names and the readings payload → ReadingRecord[]. A payload that cannot be read becomes
 * records the pipeline rejects (with the reason and the raw text), never an exception and never a silent drop.
 */
import type { ReadingRecord } from '../../modules/telemetry/index.ts';

/** Every topic starts with this; the park and the gateway are the next two levels. */
export const TOPIC_ROOT = 'lingtan';
/** The subscription that covers every park's and gateway's readings. */
export const READINGS_FILTER = `${TOPIC_ROOT}/+/+/readings`;
/** Raw text kept with a rejected record, at most (characters). */
export const RAW_CAP = 2000;
/** Raw text kept for a payload that could not be read at all (characters). */
export const PAYLOAD_RAW_CAP = 8000;
/** Readings in one message, at most: a larger batch must be split by the gateway. */
export const MAX_READINGS_PER_MESSAGE = 10_000;

/** `lingtan/<park>/<gateway>/readings` */
export function readingsTopic(parkId: string, gatewayId: string): string {
  return `${TOPIC_ROOT}/${parkId}/${gatewayId}/readings`;
}

/** `lingtan/<park>/<gateway>/results`: where the worker tells a gateway what it stored and what it refused. */
export function resultsTopic(parkId: string, gatewayId: string): string {
  return `${TOPIC_ROOT}/${parkId}/${gatewayId}/results`;
}

/** The park and gateway of a `lingtan/<park>/<gateway>/<kind>` topic, or undefined for any other topic. */
export function parseTopic(
  topic: string,
): { parkId: string; gatewayId: string; kind: 'readings' | 'results' } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== TOPIC_ROOT) return undefined;
  const [, parkId, gatewayId, kind] = parts as [string, string, string, string];
  if (parkId === '' || gatewayId === '' || (kind !== 'readings' && kind !== 'results')) return undefined;
  return { parkId, gatewayId, kind };
}

function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

function wholePayloadRejected(text: string, reason: string): ReadingRecord[] {
  return [
    {
      meter: '',
      at: '',
      value: '',
      raw: cap(text, PAYLOAD_RAW_CAP),
      malformed: { field: 'payload', reason },
    },
  ];
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** One element of `readings`, checked field by field; a bad one becomes a malformed record naming the field. */
function toRecord(item: unknown, index: number): ReadingRecord {
  const bad = (meter: string, field: string, reason: string): ReadingRecord => ({
    meter,
    at: '',
    value: '',
    raw: cap(JSON.stringify(item) ?? String(item), RAW_CAP),
    malformed: { field, reason: `readings[${index}]: ${reason}` },
  });
  if (!isObject(item)) return bad('', 'payload', 'a reading must be an object {meter, at, value, unit?}');
  const { meter, at, value, unit } = item;
  if (typeof meter !== 'string' || meter === '')
    return bad('', 'meter', '"meter" must be a non-empty string');
  if (typeof at !== 'string') return bad(meter, 'at', '"at" must be an ISO 8601 string with an offset');
  if (typeof value !== 'number' && typeof value !== 'string')
    return bad(meter, 'value', '"value" must be a number');
  if (unit !== undefined && unit !== null && typeof unit !== 'string')
    return bad(meter, 'unit', '"unit" must be a string');
  // No `raw` here: the pipeline writes the record as JSON if it rejects it, and most readings are accepted.
  return { meter, at, value, unit: typeof unit === 'string' ? unit : undefined };
}

/**
 * Reads a payload `{"readings":[{"meter","at","value","unit"?}, …]}` into records for the pipeline. Not JSON, the
 * wrong shape or too many readings: one malformed record (field `payload`) carrying the reason and the raw text.
 */
export function parseReadingsPayload(payload: Buffer | string): ReadingRecord[] {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return wholePayloadRejected(
      text,
      `payload is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!isObject(body) || !Array.isArray(body.readings))
    return wholePayloadRejected(text, 'payload must be a JSON object {"readings": [...]}');
  const readings: unknown[] = body.readings;
  if (readings.length > MAX_READINGS_PER_MESSAGE)
    return wholePayloadRejected(
      text,
      `payload has ${readings.length} readings; at most ${MAX_READINGS_PER_MESSAGE} per message`,
    );
  return readings.map(toRecord);
}

/** Marks every record rejected with one reason (a gateway that is revoked or unknown): it overrides any other. */
export function rejectAll(records: readonly ReadingRecord[], field: string, reason: string): ReadingRecord[] {
  return records.map((r) => ({ ...r, malformed: { field, reason } }));
}

/** Rejects the records whose meter is outside the gateway's meter list (null: the whole park). */
export function limitToScope(
  records: readonly ReadingRecord[],
  gatewayId: string,
  meters: ReadonlySet<string> | null,
): ReadingRecord[] {
  if (meters === null) return [...records];
  return records.map((r) =>
    r.malformed || meters.has(r.meter)
      ? r
      : {
          ...r,
          malformed: {
            field: 'meter',
            reason: `meter ${r.meter} is not in gateway ${gatewayId}'s scope`,
          },
        },
  );
}
