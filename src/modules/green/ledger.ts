/**
 * The green-certificate ledger as a pure fold: the ledger is the result of applying its events in order, and an
 * operation either becomes one event (with amounts resolved to exact serial spans) or is refused with its reason.
 * Ranges split where an operation covers part of them; a certificate is in exactly one range, in one state, so a
 * claimed certificate cannot be claimed again whatever the order of operations.
 */
import { AppError } from '../../lib/errors.ts';
import {
  CERTIFICATE_TECHNOLOGIES,
  type CertificateRange,
  type ClaimTarget,
  type ImportedRange,
  type LedgerEventBody,
  type LedgerOperation,
  type LedgerTotals,
  type MonthSpan,
  type RangeFilter,
  type SerialSpan,
} from './types.ts';

/** Months a certificate stays valid, counting its production month (国能发新能规〔2024〕67号: two years). */
export const VALIDITY_MONTHS = 24;

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Whether `text` is a month YYYY-MM. */
export function isMonth(text: string): boolean {
  return MONTH_RE.test(text);
}

/** Months since year 0 of a YYYY-MM month. */
export function monthIndex(month: string): number {
  const m = MONTH_RE.exec(month);
  if (!m) throw new AppError('BAD_INPUT', `"${month}" is not a month (YYYY-MM)`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/** The YYYY-MM month `n` months after `month`. */
export function addMonths(month: string, n: number): string {
  const i = monthIndex(month) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** The months of a span, in order. */
export function monthsOf(span: MonthSpan): string[] {
  const out: string[] = [];
  for (let i = monthIndex(span.from), end = monthIndex(span.to); i <= end; i++)
    out.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  return out;
}

/** The first month in which a certificate produced in `productionMonth` is no longer valid. */
export function expiryMonth(productionMonth: string): string {
  return addMonths(productionMonth, VALIDITY_MONTHS);
}

/** Whether a certificate produced in `productionMonth` has expired by `month`. */
export function isExpired(productionMonth: string, month: string): boolean {
  return monthIndex(month) >= monthIndex(productionMonth) + VALIDITY_MONTHS;
}

/** Number of certificates (= MWh) in a range or span. */
export function countOf(r: { firstSerial: number; lastSerial: number }): number {
  return r.lastSerial - r.firstSerial + 1;
}

function spanText(s: SerialSpan): string {
  return s.firstSerial === s.lastSerial
    ? `${s.series} #${s.firstSerial}`
    : `${s.series} #${s.firstSerial}–${s.lastSerial}`;
}

/** A readable list of spans: `GEC-A #1–100, GEC-B #7`. */
export function spansText(spans: readonly SerialSpan[]): string {
  return spans.map(spanText).join(', ');
}

/** Context of an operation: the id its event will get and the park-local month it happens in. */
export interface OperationContext {
  eventId: number;
  /** Park-local month of the operation (validity is judged against it). */
  month: string;
}

/** The ledger's current ranges, by series, each series sorted by first serial and without overlaps. */
export class Ledger {
  private readonly bySeries = new Map<string, CertificateRange[]>();

  constructor(ranges: readonly CertificateRange[] = []) {
    for (const r of ranges) this.listOf(r.series).push({ ...r });
    for (const list of this.bySeries.values()) list.sort((a, b) => a.firstSerial - b.firstSerial);
  }

  private listOf(series: string): CertificateRange[] {
    let list = this.bySeries.get(series);
    if (!list) this.bySeries.set(series, (list = []));
    return list;
  }

  /** Every range, by series then serial. */
  ranges(): CertificateRange[] {
    return [...this.bySeries.keys()].sort().flatMap((s) => this.bySeries.get(s)!.map((r) => ({ ...r })));
  }

  /** Certificates by state. */
  totals(): LedgerTotals {
    const t: LedgerTotals = { held: 0, transferred: 0, claimed: 0, expired: 0 };
    for (const list of this.bySeries.values()) for (const r of list) t[r.state] += countOf(r);
    return t;
  }

  /** The ranges covering a span, or the first serial of the span that no range holds. */
  private covering(
    span: SerialSpan,
  ): { ok: true; ranges: CertificateRange[] } | { ok: false; serial: number } {
    const list = this.bySeries.get(span.series) ?? [];
    const out: CertificateRange[] = [];
    let next = span.firstSerial;
    for (const r of list) {
      if (r.lastSerial < next) continue;
      if (r.firstSerial > span.lastSerial) break;
      if (r.firstSerial > next) return { ok: false, serial: next };
      out.push(r);
      next = r.lastSerial + 1;
      if (next > span.lastSerial) break;
    }
    if (next <= span.lastSerial) return { ok: false, serial: next };
    return { ok: true, ranges: out };
  }

  /** Replaces the part of the series covered by `span` with `change` applied, splitting the ranges at its ends. */
  private rewrite(span: SerialSpan, change: (r: CertificateRange) => CertificateRange): void {
    const list = this.listOf(span.series);
    const out: CertificateRange[] = [];
    for (const r of list) {
      if (r.lastSerial < span.firstSerial || r.firstSerial > span.lastSerial) {
        out.push(r);
        continue;
      }
      if (r.firstSerial < span.firstSerial) out.push({ ...r, lastSerial: span.firstSerial - 1 });
      const first = Math.max(r.firstSerial, span.firstSerial);
      const last = Math.min(r.lastSerial, span.lastSerial);
      out.push(change({ ...r, firstSerial: first, lastSerial: last }));
      if (r.lastSerial > span.lastSerial) out.push({ ...r, firstSerial: span.lastSerial + 1 });
    }
    this.bySeries.set(span.series, merge(out));
  }

  /**
   * Checks an operation and turns it into the event body that records it; throws BAD_INPUT or CONFLICT with the
   * reason when the ledger refuses it. Does not change the ledger (see `apply`).
   */
  resolve(op: LedgerOperation, ctx: OperationContext): LedgerEventBody {
    switch (op.kind) {
      case 'import':
        this.checkImport(op.ranges, ctx);
        return { kind: 'import', ranges: op.ranges.map((r) => ({ ...r })) };
      case 'transfer': {
        const eligible = (r: CertificateRange) => transferRefusal(r, ctx.month);
        const spans =
          'spans' in op
            ? this.checkSpans(op.spans, eligible)
            : this.pick(op.amountMwh, op.from, eligible, 'transfer');
        if (!op.to.trim()) throw new AppError('BAD_INPUT', 'a transfer needs the receiving organisation');
        return {
          kind: 'transfer',
          spans,
          to: op.to,
          ...(op.tradeId ? { tradeId: op.tradeId } : {}),
        };
      }
      case 'claim': {
        checkTarget(op.target);
        const eligible = (r: CertificateRange) => claimRefusal(r, op.target, ctx.month);
        const spans =
          'spans' in op
            ? this.checkSpans(op.spans, eligible)
            : this.pick(op.amountMwh, { holder: op.target.consumer, ...op.from }, eligible, 'claim');
        return {
          kind: 'claim',
          spans,
          target: { consumer: op.target.consumer, period: { ...op.target.period } },
        };
      }
      case 'expire': {
        if (!isMonth(op.month))
          throw new AppError('BAD_INPUT', `expire: "${op.month}" is not a month (YYYY-MM)`);
        const spans: SerialSpan[] = [];
        for (const r of this.ranges())
          if ((r.state === 'held' || r.state === 'transferred') && isExpired(r.productionMonth, op.month))
            spans.push({ series: r.series, firstSerial: r.firstSerial, lastSerial: r.lastSerial });
        return { kind: 'expire', month: op.month, spans };
      }
    }
  }

  /** Applies a recorded event (as `resolve` made it) to the ledger. */
  apply(body: LedgerEventBody, eventId: number): void {
    switch (body.kind) {
      case 'import':
        for (const r of body.ranges) {
          const { tradeId, ...rest } = r;
          const list = this.listOf(r.series);
          // Insert in serial order (binary search): imports of many ranges stay linear per range, not a sort each.
          let lo = 0;
          let hi = list.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (list[mid]!.firstSerial < r.firstSerial) lo = mid + 1;
            else hi = mid;
          }
          list.splice(lo, 0, { ...rest, ...(tradeId ? { tradeId } : {}), eventId });
        }
        for (const series of new Set(body.ranges.map((r) => r.series)))
          this.bySeries.set(series, merge(this.listOf(series)));
        return;
      case 'transfer':
        for (const s of body.spans)
          this.rewrite(s, (r) => ({
            ...r,
            state: 'transferred',
            holder: body.to,
            ...(body.tradeId ? { tradeId: body.tradeId } : {}),
            eventId,
          }));
        return;
      case 'claim':
        for (const s of body.spans)
          this.rewrite(s, (r) => ({ ...r, state: 'claimed', claim: { ...body.target, eventId }, eventId }));
        return;
      case 'expire':
        for (const s of body.spans) this.rewrite(s, (r) => ({ ...r, state: 'expired', eventId }));
        return;
    }
  }

  private checkImport(ranges: readonly ImportedRange[], ctx: OperationContext): void {
    if (ranges.length === 0) throw new AppError('BAD_INPUT', 'nothing to import');
    const seen = new Map<string, ImportedRange[]>();
    ranges.forEach((r, i) => {
      const where = `range ${i + 1} (${spanText(r)})`;
      const reason = importRefusal(r, ctx.month);
      if (reason) throw new AppError('BAD_INPUT', `${where}: ${reason}`);
      const inLedger = (this.bySeries.get(r.series) ?? []).find(
        (x) => x.firstSerial <= r.lastSerial && x.lastSerial >= r.firstSerial,
      );
      if (inLedger)
        throw new AppError(
          'CONFLICT',
          `${where}: overlaps ${spanText(inLedger)} already in the ledger (a serial exists once)`,
        );
      const mine = seen.get(r.series) ?? [];
      const other = mine.find((x) => x.firstSerial <= r.lastSerial && x.lastSerial >= r.firstSerial);
      if (other) throw new AppError('BAD_INPUT', `${where}: overlaps ${spanText(other)} in the same import`);
      mine.push(r);
      seen.set(r.series, mine);
    });
  }

  private checkSpans(
    spans: readonly SerialSpan[],
    refusal: (r: CertificateRange) => string | undefined,
  ): SerialSpan[] {
    if (spans.length === 0) throw new AppError('BAD_INPUT', 'no certificates named');
    const bySeries = new Map<string, SerialSpan[]>();
    for (const s of spans) {
      if (!isSerial(s.firstSerial) || !isSerial(s.lastSerial) || s.firstSerial > s.lastSerial)
        throw new AppError('BAD_INPUT', `${spanText(s)}: serials must be whole numbers, first ≤ last`);
      const mine = bySeries.get(s.series) ?? [];
      const other = mine.find((x) => x.firstSerial <= s.lastSerial && x.lastSerial >= s.firstSerial);
      if (other)
        throw new AppError('BAD_INPUT', `${spanText(s)} overlaps ${spanText(other)} in the same request`);
      mine.push(s);
      bySeries.set(s.series, mine);
      const cover = this.covering(s);
      if (!cover.ok)
        throw new AppError(
          'NOT_FOUND',
          `${spanText(s)}: certificate ${s.series} #${cover.serial} is not in the ledger`,
        );
      for (const r of cover.ranges) {
        const reason = refusal(r);
        if (reason)
          throw new AppError(
            'CONFLICT',
            `${spanText({ series: r.series, firstSerial: Math.max(r.firstSerial, s.firstSerial), lastSerial: Math.min(r.lastSerial, s.lastSerial) })}: ${reason}`,
          );
      }
    }
    return spans.map((s) => ({ series: s.series, firstSerial: s.firstSerial, lastSerial: s.lastSerial }));
  }

  /** Picks `amount` eligible certificates, oldest production month first (what expires first goes first). */
  private pick(
    amountMwh: number,
    filter: RangeFilter,
    refusal: (r: CertificateRange) => string | undefined,
    what: string,
  ): SerialSpan[] {
    if (!Number.isInteger(amountMwh) || amountMwh <= 0)
      throw new AppError(
        'BAD_INPUT',
        `${what}: the amount is a whole number of MWh (1 certificate = 1 MWh), > 0`,
      );
    const candidates = this.ranges()
      .filter((r) => matches(r, filter) && refusal(r) === undefined)
      .sort(
        (a, b) =>
          a.productionMonth.localeCompare(b.productionMonth) ||
          a.series.localeCompare(b.series) ||
          a.firstSerial - b.firstSerial,
      );
    const spans: SerialSpan[] = [];
    let left = amountMwh;
    for (const r of candidates) {
      if (left === 0) break;
      const take = Math.min(left, countOf(r));
      spans.push({ series: r.series, firstSerial: r.firstSerial, lastSerial: r.firstSerial + take - 1 });
      left -= take;
    }
    if (left > 0)
      throw new AppError(
        'CONFLICT',
        `${what} ${amountMwh} MWh: only ${amountMwh - left} eligible certificates${filterText(filter)}`,
      );
    return spans;
  }
}

function isSerial(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function matches(r: CertificateRange, f: RangeFilter): boolean {
  if (f.holder !== undefined && r.holder !== f.holder) return false;
  if (f.tradeId !== undefined && r.tradeId !== f.tradeId) return false;
  if (f.technology !== undefined && r.technology !== f.technology) return false;
  if (f.series !== undefined && r.series !== f.series) return false;
  if (f.production && (r.productionMonth < f.production.from || r.productionMonth > f.production.to))
    return false;
  return true;
}

function filterText(f: RangeFilter): string {
  const parts: string[] = [];
  if (f.holder !== undefined) parts.push(`held by ${f.holder || 'the park'}`);
  if (f.tradeId) parts.push(`of trade ${f.tradeId}`);
  if (f.technology) parts.push(f.technology);
  if (f.series) parts.push(`series ${f.series}`);
  if (f.production) parts.push(`produced ${f.production.from}..${f.production.to}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function importRefusal(r: ImportedRange, month: string): string | undefined {
  if (!r.series.trim()) return 'the series is missing';
  if (!isSerial(r.firstSerial) || !isSerial(r.lastSerial)) return 'serials must be whole numbers ≥ 0';
  if (r.firstSerial > r.lastSerial) return 'the first serial is after the last';
  if (!isMonth(r.productionMonth)) return `production month "${r.productionMonth}" is not YYYY-MM`;
  if (r.productionMonth > month) return `production month ${r.productionMonth} is in the future`;
  if (isExpired(r.productionMonth, month))
    return `expired: valid until ${addMonths(r.productionMonth, VALIDITY_MONTHS - 1)} (24 months from production)`;
  if (!(CERTIFICATE_TECHNOLOGIES as readonly string[]).includes(r.technology))
    return `technology "${r.technology}" does not receive certificates (${CERTIFICATE_TECHNOLOGIES.join(', ')})`;
  if (r.state !== 'held' && r.state !== 'transferred') return 'certificates arrive held or transferred';
  if (r.state === 'transferred' && !r.holder)
    return 'transferred certificates need their receiving organisation';
  return undefined;
}

function transferRefusal(r: CertificateRange, month: string): string | undefined {
  if (r.state === 'transferred')
    return `already transferred to ${r.holder || 'the park'} (a tradable certificate is traded once)`;
  if (r.state !== 'held') return `${r.state}`;
  if (!r.tradable) return 'not tradable (self-consumed or older hydro certificates)';
  if (isExpired(r.productionMonth, month)) return `expired in ${expiryMonth(r.productionMonth)}`;
  return undefined;
}

function claimRefusal(r: CertificateRange, target: ClaimTarget, month: string): string | undefined {
  if (r.state === 'claimed')
    return `already claimed for ${r.claim?.consumer || 'the park'} ${r.claim?.period.from}..${r.claim?.period.to}`;
  if (r.state === 'expired') return 'expired';
  if (r.holder !== target.consumer)
    return `held by ${r.holder || 'the park'}, not by ${target.consumer || 'the park'}: transfer them first`;
  if (isExpired(r.productionMonth, month)) return `expired in ${expiryMonth(r.productionMonth)}`;
  if (r.productionMonth > target.period.to)
    return `produced in ${r.productionMonth}, after the consumption it would cover (to ${target.period.to})`;
  return undefined;
}

function checkTarget(t: ClaimTarget): void {
  if (!isMonth(t.period.from) || !isMonth(t.period.to))
    throw new AppError('BAD_INPUT', `claim period ${t.period.from}..${t.period.to}: months are YYYY-MM`);
  if (t.period.from > t.period.to)
    throw new AppError('BAD_INPUT', `claim period ${t.period.from}..${t.period.to}: ends before it starts`);
}

const same = (a: CertificateRange, b: CertificateRange) =>
  a.series === b.series &&
  a.projectId === b.projectId &&
  a.projectName === b.projectName &&
  a.technology === b.technology &&
  a.productionMonth === b.productionMonth &&
  a.tradable === b.tradable &&
  a.state === b.state &&
  a.holder === b.holder &&
  a.tradeId === b.tradeId &&
  a.eventId === b.eventId &&
  a.claim?.eventId === b.claim?.eventId;

/** Joins adjacent ranges that agree on everything (a split that was undone keeps the ledger compact). */
function merge(list: CertificateRange[]): CertificateRange[] {
  const out: CertificateRange[] = [];
  for (const r of list) {
    const last = out[out.length - 1];
    if (last && last.lastSerial + 1 === r.firstSerial && same(last, r)) last.lastSerial = r.lastSerial;
    else out.push({ ...r });
  }
  return out;
}

/** Rebuilds the ledger from its events, in order. */
export function replay(events: readonly { id: number; body: LedgerEventBody }[]): Ledger {
  const ledger = new Ledger();
  for (const e of events) ledger.apply(e.body, e.id);
  return ledger;
}

/** Months of a period: `2025`, `2025-Q2`, `2025-03` or `2025-01..2025-06`. */
export function periodSpan(text: string): MonthSpan {
  const t = text.trim();
  let m = /^(\d{4})$/.exec(t);
  if (m) return { from: `${m[1]}-01`, to: `${m[1]}-12` };
  if ((m = /^(\d{4})-Q([1-4])$/i.exec(t))) {
    const q = Number(m[2]);
    return {
      from: `${m[1]}-${String(q * 3 - 2).padStart(2, '0')}`,
      to: `${m[1]}-${String(q * 3).padStart(2, '0')}`,
    };
  }
  const [from = '', to = from, ...rest] = t.split('..');
  if (rest.length > 0 || !isMonth(from) || !isMonth(to))
    throw new AppError('BAD_INPUT', `period "${text}": expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM..YYYY-MM`);
  if (from > to) throw new AppError('BAD_INPUT', `period "${text}": the last month is before the first`);
  return { from, to };
}
