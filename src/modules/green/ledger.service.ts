/**
 * The certificate ledger over the database: every operation runs under the park's ledger lock, is checked by the pure
 * ledger against the current ranges, and becomes one append-only event; the ranges of the series it touched are
 * rewritten in the same transaction. Files of certificates are kept raw, with their refused rows.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '../../db/copy.ts';
import { AppError, formatIssue } from '../../lib/errors.ts';
import { canonicalJson } from '../../lib/json.ts';
import { localBucketStart, formatLocal } from '../../lib/time.ts';
import { parkSnapshot } from '../registry/index.ts';
import { parseCertificatesCsv } from './green-input.ts';
import * as repo from './green.repo.ts';
import { countOf, expiryMonth, isExpired, Ledger, spansText } from './ledger.ts';
import type {
  CertificateImportResult,
  CertificateRange,
  LedgerClaim,
  LedgerResult,
  LedgerView,
  ImportedRange,
  LedgerEventBody,
  LedgerOperation,
  LedgerTotals,
  SerialSpan,
} from './types.ts';

/** The park-local month (YYYY-MM) of an instant. */
export function localMonth(atMs: number, timeZone: string): string {
  return formatLocal(localBucketStart(atMs, 'month', timeZone), timeZone).slice(0, 7);
}

/** Who asks, on what evidence, and when (tests pass `nowMs`). */
export interface LedgerActor {
  actor: string;
  evidence: string;
  nowMs?: number;
}

function touchedSeries(body: LedgerEventBody): string[] {
  const all = body.kind === 'import' ? body.ranges.map((r) => r.series) : body.spans.map((s) => s.series);
  return [...new Set(all)];
}

/** Appends an event, applies it to the ledger, and rewrites the stored ranges of the series it touched. */
async function recordEvent(
  client: pg.PoolClient,
  parkId: string,
  ledger: Ledger,
  body: LedgerEventBody,
  evidence: string,
  actor: string,
): Promise<{ id: number; at: string }> {
  const event = await repo.insertEvent(client, parkId, body, evidence, actor);
  ledger.apply(body, event.id);
  const series = touchedSeries(body);
  const set = new Set(series);
  await repo.replaceSeries(
    client,
    parkId,
    series,
    ledger.ranges().filter((r) => set.has(r.series)),
  );
  return event;
}

async function commitOperation(
  client: pg.PoolClient,
  parkId: string,
  timeZone: string,
  op: LedgerOperation,
  who: LedgerActor,
  ownPlants: ReadonlySet<string>,
): Promise<LedgerResult> {
  await repo.lockLedger(client, parkId);
  const ledger = new Ledger(await repo.loadRanges(client, parkId));
  const month = localMonth(who.nowMs ?? Date.now(), timeZone);
  const body = ledger.resolve(op, { eventId: 0, month });
  if (body.kind === 'claim') {
    // Certificates of the park's own metered plant: its electricity already counts as green from the meter.
    const own = ledger
      .ranges()
      .find(
        (r) =>
          ownPlants.has(r.projectId) &&
          body.spans.some(
            (sp) =>
              sp.series === r.series && r.firstSerial <= sp.lastSerial && r.lastSerial >= sp.firstSerial,
          ),
      );
    if (own)
      throw new AppError(
        'CONFLICT',
        `${own.series}: project ${own.projectId} is the park's own meter, whose electricity already counts as green; claiming its certificates would count it twice`,
      );
  }
  const { id, at } = await recordEvent(client, parkId, ledger, body, who.evidence, who.actor);
  return { event: { id, body, actor: who.actor, at, evidence: who.evidence }, totals: ledger.totals() };
}

/**
 * Applies one ledger operation (transfer, claim, expire, or an import of ranges given as data). Transfers, claims and
 * imports need evidence; an expiry's evidence is the validity rule.
 */
export async function applyLedgerOperation(
  pool: pg.Pool,
  parkId: string,
  op: LedgerOperation,
  who: LedgerActor,
): Promise<LedgerResult> {
  const snapshot = await parkSnapshot(pool, parkId);
  const orgs = new Set(snapshot.allOrganisations.map((o) => o.id));
  const evidence =
    op.kind === 'expire' ? who.evidence || 'validity: 24 months from the production month' : who.evidence;
  if (!evidence.trim())
    throw new AppError(
      'BAD_INPUT',
      `a ${op.kind} needs its evidence (certificate record, transfer or cancellation note)`,
    );
  const check = (org: string, what: string) => {
    if (org && !orgs.has(org))
      throw new AppError('BAD_INPUT', `${what} "${org}" is not an organisation of this park`);
  };
  if (op.kind === 'transfer') check(op.to, 'receiving organisation');
  if (op.kind === 'claim') check(op.target.consumer, 'consumer');
  if (op.kind === 'import') for (const r of op.ranges) check(r.holder, 'holder');
  // An expiry without a month is judged in the park's current month.
  const resolved =
    op.kind === 'expire' && !op.month
      ? { ...op, month: localMonth(who.nowMs ?? Date.now(), snapshot.park.timezone) }
      : op;
  return inTransaction(pool, (client) =>
    commitOperation(
      client,
      parkId,
      snapshot.park.timezone,
      resolved,
      { ...who, evidence },
      ownPlants(snapshot),
    ),
  );
}

/** Codes of the park's green generation and direct-supply meters: certificates whose project is one of them are not claimable. */
function ownPlants(snapshot: Awaited<ReturnType<typeof parkSnapshot>>): Set<string> {
  return new Set(
    snapshot.meters
      .filter((m) => m.spec.role === 'generation' || m.spec.role === 'direct_green_supply')
      .map((m) => m.code),
  );
}

const rangeKey = (r: ImportedRange) =>
  canonicalJson({ ...r, tradeId: r.tradeId ?? null, projectName: r.projectName });

/**
 * Imports a certificates CSV: good rows become one import event; rows already imported with the same attributes are
 * unchanged (a re-import changes nothing); rows that clash with the ledger or fail their checks are refused and kept
 * with their reasons. A header that cannot be read refuses the file.
 */
export async function importCertificatesCsv(
  pool: pg.Pool,
  parkId: string,
  content: string,
  options: { file: string; actor: string; evidence?: string; nowMs?: number },
): Promise<CertificateImportResult> {
  const snapshot = await parkSnapshot(pool, parkId);
  const parsed = parseCertificatesCsv(
    content,
    options.file,
    new Set(snapshot.allOrganisations.map((o) => o.id)),
  );
  if (parsed.issues.length > 0)
    throw new AppError('BAD_INPUT', parsed.issues.map(formatIssue).join('\n'), { issues: parsed.issues });
  const month = localMonth(options.nowMs ?? Date.now(), snapshot.park.timezone);
  const sha256 = createHash('sha256').update(content).digest('hex');
  return inTransaction(pool, async (client) => {
    await repo.lockLedger(client, parkId);
    const current = await repo.loadRanges(client, parkId);
    const ledger = new Ledger(current);
    // Rows are checked one by one against a scratch copy that takes each accepted row in, so that a bad row refuses
    // only itself and a row overlapping an earlier one of the file is caught (linear in the file, not quadratic).
    const scratch = new Ledger(current);
    const before = new Set(
      (await repo.importBodies(client, parkId)).flatMap((b) =>
        b.kind === 'import' ? b.ranges.map(rangeKey) : [],
      ),
    );
    const rejected = [...parsed.rejected];
    const fresh: ImportedRange[] = [];
    let unchanged = 0;
    for (const { line, ...r } of parsed.rows) {
      if (before.has(rangeKey(r))) {
        unchanged++;
        continue;
      }
      try {
        scratch.apply(scratch.resolve({ kind: 'import', ranges: [r] }, { eventId: 0, month }), 0);
        fresh.push(r);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        const reason = e.message.replace(/^range \d+ /, '');
        rejected.push({
          line,
          raw: content.split(/\r?\n/)[line - 1] ?? '',
          issues: [{ file: options.file, line, field: 'first_serial', reason }],
        });
      }
    }
    let eventId: number | null = null;
    if (fresh.length > 0) {
      const body: LedgerEventBody = { kind: 'import', ranges: fresh };
      const evidence = options.evidence?.trim() || `${options.file} (sha256 ${sha256.slice(0, 12)})`;
      eventId = (await recordEvent(client, parkId, ledger, body, evidence, options.actor)).id;
    }
    rejected.sort((a, b) => a.line - b.line);
    const importId = await repo.insertImport(client, parkId, {
      kind: 'certificates',
      file: options.file,
      raw: content,
      sha256,
      received: parsed.rows.length + parsed.rejected.length,
      accepted: fresh.length,
      unchanged,
      rejected,
      eventId,
      actor: options.actor,
    });
    return {
      importId,
      eventId,
      received: parsed.rows.length + parsed.rejected.length,
      accepted: fresh.length,
      unchanged,
      rejected,
    };
  });
}

/** The ledger of a park; `organisation` narrows it to what that organisation holds or claimed. */
export async function ledgerView(
  pool: pg.Pool,
  parkId: string,
  options: { organisation?: string; nowMs?: number; events?: number } = {},
): Promise<LedgerView> {
  const snapshot = await parkSnapshot(pool, parkId);
  const month = localMonth(options.nowMs ?? Date.now(), snapshot.park.timezone);
  const all = await repo.loadRanges(pool, parkId);
  const org = options.organisation;
  const mine = org === undefined ? all : all.filter((r) => r.holder === org || r.claim?.consumer === org);
  const totals: LedgerTotals = { held: 0, transferred: 0, claimed: 0, expired: 0 };
  for (const r of mine) totals[r.state] += countOf(r);
  let events = await repo.listEvents(pool, parkId, {
    limit: org === undefined ? (options.events ?? 200) : 5000,
  });
  if (org !== undefined) {
    const touches = (s: readonly SerialSpan[]) =>
      s.some((sp) =>
        mine.some(
          (r) => r.series === sp.series && r.firstSerial <= sp.lastSerial && r.lastSerial >= sp.firstSerial,
        ),
      );
    events = events
      .filter((e) =>
        e.body.kind === 'import'
          ? e.body.ranges.some((r) => r.holder === org)
          : e.body.kind === 'transfer'
            ? e.body.to === org
            : e.body.kind === 'claim'
              ? e.body.target.consumer === org
              : touches(e.body.spans),
      )
      .slice(0, options.events ?? 200)
      // What others hold or claimed stays out of an organisation's view of the events it shares with them.
      .map((e) =>
        e.body.kind === 'import'
          ? { ...e, body: { ...e.body, ranges: e.body.ranges.filter((r) => r.holder === org) } }
          : e.body.kind === 'expire'
            ? { ...e, body: { ...e.body, spans: e.body.spans.filter((sp) => touches([sp])) } }
            : e,
      );
  }
  return {
    month,
    totals,
    ranges: mine.map((r) => ({
      ...r,
      mwh: countOf(r),
      expiresIn: expiryMonth(r.productionMonth),
      expiryDue: (r.state === 'held' || r.state === 'transferred') && isExpired(r.productionMonth, month),
    })),
    events,
  };
}

/** Whether anything was ever recorded in the park's ledger (one index probe). */
export const ledgerHasEvents = repo.hasEvents;

/** Claims whose consumption period overlaps [fromMonth, toMonth], one per claim event. */
export async function claimsOverlapping(
  pool: pg.Pool,
  parkId: string,
  fromMonth: string,
  toMonth: string,
): Promise<LedgerClaim[]> {
  const ranges = await repo.loadRanges(pool, parkId, { fromMonth, toMonth });
  if (ranges.length === 0) return [];
  const byEvent = new Map<number, CertificateRange[]>();
  for (const r of ranges) {
    const id = r.claim!.eventId;
    byEvent.set(id, [...(byEvent.get(id) ?? []), r]);
  }
  const events = new Map(
    (await repo.listEvents(pool, parkId, { ids: [...byEvent.keys()], limit: byEvent.size })).map((e) => [
      e.id,
      e,
    ]),
  );
  return [...byEvent.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([eventId, rs]) => {
      const e = events.get(eventId);
      const trade = rs.filter((r) => r.tradeId);
      return {
        eventId,
        consumer: rs[0]!.claim!.consumer,
        period: rs[0]!.claim!.period,
        certificateMwh: rs.filter((r) => !r.tradeId).reduce((s, r) => s + countOf(r), 0),
        tradeMwh: trade.reduce((s, r) => s + countOf(r), 0),
        tradeIds: [...new Set(trade.map((r) => r.tradeId!))].sort(),
        spans: rs.map((r) => ({ series: r.series, firstSerial: r.firstSerial, lastSerial: r.lastSerial })),
        technologies: [...new Set(rs.map((r) => r.technology))].sort(),
        productionMonths: [...new Set(rs.map((r) => r.productionMonth))].sort(),
        evidence: e?.evidence ?? '',
        actor: e?.actor ?? '',
        at: e?.at ?? '',
      };
    });
}

/** The spans of a claim as evidence text: `claim #12 (核销凭证 …): GEC-A #1–100`. */
export function claimEvidence(c: LedgerClaim): string {
  return `ledger claim #${c.eventId}${c.evidence ? ` (${c.evidence})` : ''}: ${spansText(c.spans)}${
    c.tradeIds.length ? `; trades ${c.tradeIds.join(', ')}` : ''
  }`;
}
