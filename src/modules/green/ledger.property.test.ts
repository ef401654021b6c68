import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import { countOf, Ledger, replay } from './ledger.ts';
import type { LedgerEventBody, LedgerOperation } from './types.ts';

const HOLDERS = ['', 'A', 'B'];
const SERIES = ['S1', 'S2'];
const MONTHS = ['2025-01', '2025-02', '2025-03', '2025-04'];

/** Random operations over two small series: imports, transfers and claims by span or by amount, expiries. */
const operation: fc.Arbitrary<LedgerOperation> = fc.oneof(
  fc
    .record({
      series: fc.constantFrom(...SERIES),
      first: fc.integer({ min: 0, max: 60 }),
      len: fc.integer({ min: 1, max: 20 }),
      holder: fc.constantFrom(...HOLDERS),
      month: fc.constantFrom(...MONTHS),
      tradable: fc.boolean(),
    })
    .map((r): LedgerOperation => ({
      kind: 'import',
      ranges: [
        {
          series: r.series,
          firstSerial: r.first,
          lastSerial: r.first + r.len - 1,
          projectId: 'P',
          projectName: 'P',
          technology: 'pv',
          productionMonth: r.month,
          tradable: r.tradable,
          holder: r.holder,
          state: r.holder === '' ? 'held' : 'transferred',
        },
      ],
    })),
  fc
    .record({
      series: fc.constantFrom(...SERIES),
      first: fc.integer({ min: 0, max: 70 }),
      len: fc.integer({ min: 1, max: 15 }),
      to: fc.constantFrom('A', 'B'),
    })
    .map((r): LedgerOperation => ({
      kind: 'transfer',
      spans: [{ series: r.series, firstSerial: r.first, lastSerial: r.first + r.len - 1 }],
      to: r.to,
    })),
  fc
    .record({
      series: fc.constantFrom(...SERIES),
      first: fc.integer({ min: 0, max: 70 }),
      len: fc.integer({ min: 1, max: 15 }),
      consumer: fc.constantFrom(...HOLDERS),
    })
    .map((r): LedgerOperation => ({
      kind: 'claim',
      spans: [{ series: r.series, firstSerial: r.first, lastSerial: r.first + r.len - 1 }],
      target: { consumer: r.consumer, period: { from: '2025-01', to: '2025-12' } },
    })),
  fc
    .record({ amount: fc.integer({ min: 1, max: 30 }), consumer: fc.constantFrom(...HOLDERS) })
    .map((r): LedgerOperation => ({
      kind: 'claim',
      amountMwh: r.amount,
      from: {},
      target: { consumer: r.consumer, period: { from: '2025-01', to: '2025-12' } },
    })),
  fc
    .record({ amount: fc.integer({ min: 1, max: 30 }), to: fc.constantFrom('A', 'B') })
    .map((r): LedgerOperation => ({ kind: 'transfer', amountMwh: r.amount, from: { holder: '' }, to: r.to })),
  fc.constantFrom<LedgerOperation>(
    { kind: 'expire', month: '2027-02' },
    { kind: 'expire', month: '2027-04' },
  ),
);

/** Runs the operations, keeping the events of those the ledger accepted; refusals must be AppErrors. */
function runAll(ops: readonly LedgerOperation[]) {
  const ledger = new Ledger();
  const events: { id: number; body: LedgerEventBody }[] = [];
  let imported = 0;
  for (const op of ops) {
    const id = events.length + 1;
    // Expiry is judged in the month of an expire operation; the others happen in 2025-06.
    const month = op.kind === 'expire' ? op.month : '2025-06';
    let body: LedgerEventBody;
    try {
      body = ledger.resolve(op, { eventId: id, month });
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      continue;
    }
    ledger.apply(body, id);
    events.push({ id, body });
    if (body.kind === 'import') imported += body.ranges.reduce((s, r) => s + countOf(r), 0);
  }
  return { ledger, events, imported };
}

test.prop([fc.array(operation, { maxLength: 40 })], { numRuns: 300 })(
  'no certificate is ever claimed twice, whatever the order of operations',
  (ops) => {
    const { events } = runAll(ops);
    const claimed = new Set<string>();
    for (const e of events) {
      if (e.body.kind !== 'claim') continue;
      for (const s of e.body.spans)
        for (let n = s.firstSerial; n <= s.lastSerial; n++) {
          const key = `${s.series}#${n}`;
          expect(claimed.has(key)).toBe(false);
          claimed.add(key);
        }
    }
  },
);

test.prop([fc.array(operation, { maxLength: 40 })], { numRuns: 300 })(
  'MWh are conserved across splits, ranges never overlap, and replaying the events rebuilds the ledger',
  (ops) => {
    const { ledger, events, imported } = runAll(ops);
    const t = ledger.totals();
    expect(t.held + t.transferred + t.claimed + t.expired).toBe(imported);
    const rs = ledger.ranges();
    for (let i = 1; i < rs.length; i++) {
      const a = rs[i - 1]!;
      const b = rs[i]!;
      if (a.series === b.series) expect(b.firstSerial).toBeGreaterThan(a.lastSerial);
    }
    // Claimed MWh equal the serials the claim events named.
    const named = events
      .filter((e) => e.body.kind === 'claim')
      .flatMap((e) => (e.body.kind === 'claim' ? e.body.spans : []))
      .reduce((s, sp) => s + countOf(sp), 0);
    expect(t.claimed).toBe(named);
    expect(replay(events).ranges()).toEqual(rs);
  },
);
