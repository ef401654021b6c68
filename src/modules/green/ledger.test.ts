import { describe, expect, it } from 'vitest';
import { addMonths, expiryMonth, isExpired, Ledger, monthsOf, replay } from './ledger.ts';
import type { ImportedRange, LedgerEventBody, LedgerOperation } from './types.ts';

const range = (over: Partial<ImportedRange> = {}): ImportedRange => ({
  series: 'GEC-YN-HYD-202503',
  firstSerial: 1,
  lastSerial: 1000,
  projectId: 'P1',
  projectName: '澜沧江某水电站',
  technology: 'hydro',
  productionMonth: '2025-03',
  tradable: true,
  holder: '',
  state: 'held',
  ...over,
});

/** Applies operations in order, each as its own event (ids 1, 2, …), in `month`. */
function run(ops: LedgerOperation[], month = '2025-06') {
  const ledger = new Ledger();
  const events: { id: number; body: LedgerEventBody }[] = [];
  for (const op of ops) {
    const id = events.length + 1;
    const body = ledger.resolve(op, { eventId: id, month });
    ledger.apply(body, id);
    events.push({ id, body });
  }
  return { ledger, events };
}

describe('validity', () => {
  it('a certificate is valid for 24 months counting its production month', () => {
    // Produced 2025-03: valid 2025-03 … 2027-02 (24 months), expired from 2027-03.
    expect(expiryMonth('2025-03')).toBe('2027-03');
    expect(isExpired('2025-03', '2027-02')).toBe(false);
    expect(isExpired('2025-03', '2027-03')).toBe(true);
    expect(addMonths('2025-11', 3)).toBe('2026-02');
    expect(monthsOf({ from: '2025-11', to: '2026-02' })).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
  });
});

describe('ledger operations', () => {
  it('a partial transfer splits the range into three, and the MWh add up', () => {
    const { ledger } = run([
      { kind: 'import', ranges: [range()] },
      {
        kind: 'transfer',
        spans: [{ series: 'GEC-YN-HYD-202503', firstSerial: 101, lastSerial: 300 }],
        to: 'ALU',
      },
    ]);
    const rs = ledger.ranges();
    expect(rs.map((r) => [r.firstSerial, r.lastSerial, r.state, r.holder])).toEqual([
      [1, 100, 'held', ''],
      [101, 300, 'transferred', 'ALU'],
      [301, 1000, 'held', ''],
    ]);
    expect(ledger.totals()).toEqual({ held: 800, transferred: 200, claimed: 0, expired: 0 });
  });

  it('claims by amount take the oldest production month first and are recorded as exact spans', () => {
    const { ledger, events } = run([
      {
        kind: 'import',
        ranges: [
          range({
            series: 'B',
            productionMonth: '2025-04',
            firstSerial: 1,
            lastSerial: 50,
            holder: 'ALU',
            state: 'transferred',
          }),
          range({
            series: 'A',
            productionMonth: '2025-02',
            firstSerial: 11,
            lastSerial: 40,
            holder: 'ALU',
            state: 'transferred',
          }),
        ],
      },
      {
        kind: 'claim',
        amountMwh: 45,
        from: {},
        target: { consumer: 'ALU', period: { from: '2025-01', to: '2025-06' } },
      },
    ]);
    // 30 from A (2025-02, serials 11–40) then 15 from B (2025-04, serials 1–15).
    expect(events[1]!.body).toEqual({
      kind: 'claim',
      spans: [
        { series: 'A', firstSerial: 11, lastSerial: 40 },
        { series: 'B', firstSerial: 1, lastSerial: 15 },
      ],
      target: { consumer: 'ALU', period: { from: '2025-01', to: '2025-06' } },
    });
    expect(ledger.totals()).toEqual({ held: 0, transferred: 35, claimed: 45, expired: 0 });
  });

  it('refuses a second claim of the same certificates, naming the first', () => {
    const claim: LedgerOperation = {
      kind: 'claim',
      spans: [{ series: 'GEC-YN-HYD-202503', firstSerial: 5, lastSerial: 9 }],
      target: { consumer: '', period: { from: '2025-03', to: '2025-03' } },
    };
    expect(() => run([{ kind: 'import', ranges: [range()] }, claim, claim])).toThrow(
      /#5–9: already claimed for the park 2025-03..2025-03/,
    );
    // Overlapping, not identical: still refused.
    expect(() =>
      run([
        { kind: 'import', ranges: [range()] },
        claim,
        { ...claim, spans: [{ series: 'GEC-YN-HYD-202503', firstSerial: 9, lastSerial: 20 }] },
      ]),
    ).toThrow(/#9: already claimed/);
  });

  it('refuses to claim certificates another organisation holds, to transfer twice, and non-tradable transfers', () => {
    const base: LedgerOperation = {
      kind: 'import',
      ranges: [range(), range({ series: 'S', tradable: false })],
    };
    const span = { series: 'GEC-YN-HYD-202503', firstSerial: 1, lastSerial: 10 };
    expect(() =>
      run([
        base,
        {
          kind: 'claim',
          spans: [span],
          target: { consumer: 'ALU', period: { from: '2025-03', to: '2025-03' } },
        },
      ]),
    ).toThrow(/held by the park, not by ALU: transfer them first/);
    expect(() =>
      run([
        base,
        { kind: 'transfer', spans: [span], to: 'ALU' },
        { kind: 'transfer', spans: [span], to: 'DC' },
      ]),
    ).toThrow(/already transferred to ALU/);
    expect(() =>
      run([base, { kind: 'transfer', spans: [{ series: 'S', firstSerial: 1, lastSerial: 1 }], to: 'ALU' }]),
    ).toThrow(/not tradable/);
  });

  it('refuses serials that are not in the ledger and overlapping imports', () => {
    expect(() =>
      run([
        { kind: 'import', ranges: [range({ lastSerial: 10 })] },
        {
          kind: 'transfer',
          spans: [{ series: 'GEC-YN-HYD-202503', firstSerial: 8, lastSerial: 12 }],
          to: 'ALU',
        },
      ]),
    ).toThrow(/certificate GEC-YN-HYD-202503 #11 is not in the ledger/);
    expect(() =>
      run([
        { kind: 'import', ranges: [range()] },
        { kind: 'import', ranges: [range({ firstSerial: 1000, lastSerial: 1200 })] },
      ]),
    ).toThrow(/overlaps GEC-YN-HYD-202503 #1–1000 already in the ledger/);
  });

  it('expires what is older than 24 months, and nothing expired can be claimed', () => {
    const { ledger } = run(
      [
        {
          kind: 'import',
          ranges: [range({ productionMonth: '2025-03' }), range({ series: 'N', productionMonth: '2025-09' })],
        },
        { kind: 'expire', month: '2027-03' },
      ],
      '2025-10',
    );
    expect(ledger.totals()).toEqual({ held: 1000, transferred: 0, claimed: 0, expired: 1000 });
    // Even before an expire event is recorded, a claim in 2027-03 refuses the 2025-03 certificates.
    const l2 = new Ledger();
    l2.apply({ kind: 'import', ranges: [range()] }, 1);
    expect(() =>
      l2.resolve(
        {
          kind: 'claim',
          spans: [{ series: 'GEC-YN-HYD-202503', firstSerial: 1, lastSerial: 1 }],
          target: { consumer: '', period: { from: '2027-01', to: '2027-03' } },
        },
        { eventId: 2, month: '2027-03' },
      ),
    ).toThrow(/expired in 2027-03/);
  });

  it('refuses certificates produced after the consumption they would cover', () => {
    expect(() =>
      run([
        { kind: 'import', ranges: [range({ productionMonth: '2025-05' })] },
        {
          kind: 'claim',
          amountMwh: 1,
          from: {},
          target: { consumer: '', period: { from: '2025-01', to: '2025-04' } },
        },
      ]),
    ).toThrow(/only 0 eligible certificates/);
  });

  it('replaying the events rebuilds the same ledger', () => {
    const { ledger, events } = run([
      { kind: 'import', ranges: [range()] },
      { kind: 'transfer', amountMwh: 600, from: { holder: '' }, to: 'ALU', tradeId: 'T1' },
      {
        kind: 'claim',
        amountMwh: 250,
        from: { tradeId: 'T1' },
        target: { consumer: 'ALU', period: { from: '2025-03', to: '2025-05' } },
      },
    ]);
    expect(replay(events).ranges()).toEqual(ledger.ranges());
    expect(ledger.ranges().map((r) => [r.firstSerial, r.lastSerial, r.state])).toEqual([
      [1, 250, 'claimed'],
      [251, 600, 'transferred'],
      [601, 1000, 'held'],
    ]);
  });
});
