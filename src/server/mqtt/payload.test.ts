import { describe, expect, it } from 'vitest';
import {
  limitToScope,
  MAX_READINGS_PER_MESSAGE,
  parseReadingsPayload,
  parseTopic,
  PAYLOAD_RAW_CAP,
  rejectAll,
} from './payload.ts';

describe('parseTopic', () => {
  it('reads park and gateway from lingtan/<park>/<gateway>/<kind> and nothing else', () => {
    expect(parseTopic('lingtan/p1/gw-1/readings')).toEqual({
      parkId: 'p1',
      gatewayId: 'gw-1',
      kind: 'readings',
    });
    expect(parseTopic('lingtan/p1/gw-1/results')).toEqual({
      parkId: 'p1',
      gatewayId: 'gw-1',
      kind: 'results',
    });
    for (const t of [
      'lingtan/p1/readings',
      'other/p1/g/readings',
      'lingtan//g/readings',
      'lingtan/p/g/x/readings',
    ])
      expect(parseTopic(t)).toBeUndefined();
  });
});

describe('parseReadingsPayload', () => {
  it('turns each reading into a record', () => {
    const body = { readings: [{ meter: 'M1', at: '2025-03-14T08:15:00+08:00', value: 123.4, unit: 'kWh' }] };
    expect(parseReadingsPayload(Buffer.from(JSON.stringify(body)))).toEqual([
      { meter: 'M1', at: '2025-03-14T08:15:00+08:00', value: 123.4, unit: 'kWh' },
    ]);
  });

  it('keeps a payload that is not JSON, or of the wrong shape, as one malformed record with its text', () => {
    const [notJson] = parseReadingsPayload('{"readings": [');
    expect(notJson!.malformed!.field).toBe('payload');
    expect(notJson!.malformed!.reason).toMatch(/^payload is not JSON/);
    expect(notJson!.raw).toBe('{"readings": [');
    expect(parseReadingsPayload('[1,2]')).toEqual([
      {
        meter: '',
        at: '',
        value: '',
        raw: '[1,2]',
        malformed: { field: 'payload', reason: 'payload must be a JSON object {"readings": [...]}' },
      },
    ]);
    const long = 'x'.repeat(PAYLOAD_RAW_CAP + 10);
    expect(parseReadingsPayload(long)[0]!.raw).toBe(
      `${'x'.repeat(PAYLOAD_RAW_CAP)}… (${long.length} characters)`,
    );
  });

  it('names the field at fault in a bad reading and keeps the good ones', () => {
    const records = parseReadingsPayload(
      JSON.stringify({ readings: [{ meter: 'M1', at: 't', value: 1 }, { meter: 'M2', at: 5, value: 1 }, 7] }),
    );
    expect(records[0]!.malformed).toBeUndefined();
    expect(records[1]).toMatchObject({
      meter: 'M2',
      malformed: { field: 'at' },
      raw: '{"meter":"M2","at":5,"value":1}',
    });
    expect(records[2]).toMatchObject({ malformed: { field: 'payload' }, raw: '7' });
  });

  it('refuses a message with too many readings', () => {
    const readings = Array.from({ length: MAX_READINGS_PER_MESSAGE + 1 }, () => ({
      meter: 'M',
      at: 't',
      value: 1,
    }));
    const records = parseReadingsPayload(JSON.stringify({ readings }));
    expect(records).toHaveLength(1);
    expect(records[0]!.malformed!.reason).toMatch(/at most 10000 per message/);
  });
});

describe('gateway scope', () => {
  const records = [
    { meter: 'A', at: 't', value: 1 },
    { meter: 'B', at: 't', value: 1 },
  ];
  it("rejects meters outside the gateway's list; null is the whole park", () => {
    expect(limitToScope(records, 'g', null)).toEqual(records);
    expect(limitToScope(records, 'g', new Set(['A'])).map((r) => r.malformed)).toEqual([
      undefined,
      { field: 'meter', reason: "meter B is not in gateway g's scope" },
    ]);
  });
  it('rejects everything from a refused gateway', () => {
    expect(rejectAll(records, 'gateway', 'gateway g is revoked').map((r) => r.malformed?.reason)).toEqual([
      'gateway g is revoked',
      'gateway g is revoked',
    ]);
  });
});
