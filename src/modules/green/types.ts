/**
 * Shapes of the green-electricity ledger, trades, matching answers and statements, shared by the server and the web
 * app (import-free but for the matching engine's own import-free types, so that the web app may import it type-only).
 */
import type { ConsumerMatchingJson, MatchingResultJson } from './matching-types.ts';

export type * from './matching-types.ts';
export type * from './trace-types.ts';

/** Where in an input a problem sits and why (the shape of lib/errors.ts's InputIssue). */
export interface GreenInputIssue {
  file?: string;
  line?: number;
  field?: string;
  reason: string;
}

/** Where a certificate range stands (国能发新能规〔2024〕67号: transferred 划转, claimed/cancelled 核销, expired). */
export type CertificateState = 'held' | 'transferred' | 'claimed' | 'expired';
export const CERTIFICATE_STATES: readonly CertificateState[] = ['held', 'transferred', 'claimed', 'expired'];

/** Technologies that receive green certificates (发改能源〔2023〕1044号). */
export const CERTIFICATE_TECHNOLOGIES = [
  'pv',
  'wind',
  'hydro',
  'biomass',
  'geothermal',
  'ocean',
  'other_renewable',
] as const;
export type CertificateTechnology = (typeof CERTIFICATE_TECHNOLOGIES)[number];

/**
 * Technologies whose metered electricity counts as green: those that receive certificates, named (a meter's
 * technology is one of the park model's, which has no catch-all renewable).
 */
export const GREEN_TECHNOLOGIES: readonly string[] = CERTIFICATE_TECHNOLOGIES.filter(
  (t) => t !== 'other_renewable',
);

/** A park-local span of whole months, both included, YYYY-MM. */
export interface MonthSpan {
  from: string;
  to: string;
}

/** What a claim is for: the consumer ('' = the park as a whole) and the consumption months. */
export interface ClaimTarget {
  consumer: string;
  period: MonthSpan;
}

/** A range as imported: every attribute of the certificates, the state they arrive in (held or transferred). */
export interface ImportedRange {
  series: string;
  /** Inclusive. */
  firstSerial: number;
  /** Inclusive. */
  lastSerial: number;
  projectId: string;
  projectName: string;
  technology: CertificateTechnology;
  /** Park-local production month, YYYY-MM: the certificate is valid for 24 months from it (included). */
  productionMonth: string;
  /** Non-tradable certificates (self-consumed, older hydro) cannot be transferred. */
  tradable: boolean;
  /** Organisation that holds it; '' = the park's own account. */
  holder: string;
  state: 'held' | 'transferred';
  /** The green-power trade it travelled with, if any. */
  tradeId?: string;
}

/**
 * A run of consecutive certificates of one series (1 certificate = 1 MWh), all in the same state. Serials are unique
 * within a series (the issuer's batch or project-month number); ranges of a series never overlap.
 */
export interface CertificateRange extends Omit<ImportedRange, 'state'> {
  state: CertificateState;
  /** Set when claimed: for whom, for which months, by which claim event. */
  claim?: ClaimTarget & { eventId: number };
  /** The event that put the range in this state. */
  eventId: number;
}

/** A set of serials of one series: [firstSerial, lastSerial]. */
export interface SerialSpan {
  series: string;
  firstSerial: number;
  lastSerial: number;
}

/** Which certificates an amount-based operation may take. */
export interface RangeFilter {
  holder?: string;
  tradeId?: string;
  technology?: CertificateTechnology;
  /** Production months, both included. */
  production?: MonthSpan;
  series?: string;
}

/**
 * An operation on the ledger, as asked. Amount-based operations pick certificates (oldest production month first, so
 * that what would expire first is used first) and are recorded with the exact spans they took.
 */
export type LedgerOperation =
  | { kind: 'import'; ranges: ImportedRange[] }
  | { kind: 'transfer'; spans: SerialSpan[]; to: string; tradeId?: string }
  | { kind: 'transfer'; amountMwh: number; from: RangeFilter; to: string; tradeId?: string }
  | { kind: 'claim'; spans: SerialSpan[]; target: ClaimTarget }
  | { kind: 'claim'; amountMwh: number; from: RangeFilter; target: ClaimTarget }
  /** Marks every held or transferred certificate whose validity ended before `month` (YYYY-MM) as expired. */
  | { kind: 'expire'; month: string };

/** An operation as recorded: amounts resolved to exact spans, so that replaying events rebuilds the ledger. */
export type LedgerEventBody =
  | { kind: 'import'; ranges: ImportedRange[] }
  | { kind: 'transfer'; spans: SerialSpan[]; to: string; tradeId?: string }
  | { kind: 'claim'; spans: SerialSpan[]; target: ClaimTarget }
  | { kind: 'expire'; month: string; spans: SerialSpan[] };

/** One event of the append-only ledger: what changed, who did it, when and on what evidence. */
export interface LedgerEvent {
  id: number;
  body: LedgerEventBody;
  actor: string;
  at: string;
  evidence: string;
}

/** Totals of the ledger by state (MWh = certificates). */
export interface LedgerTotals {
  held: number;
  transferred: number;
  claimed: number;
  expired: number;
}

/** A green-power trade contract (绿电交易): the buyer, the counterparty, the technology, the period and volume. */
export interface GreenTrade {
  id: string;
  /** The buying organisation of the park. */
  buyer: string;
  counterparty: string;
  technology: CertificateTechnology;
  period: MonthSpan;
  contractedMwh: number;
  /** 'month': settled per month; 'hour': per hour. */
  settlement: 'month' | 'hour';
  evidence: string;
  version: number;
  createdBy: string;
  createdAt: string;
}

/** A settled volume of a trade: a park-local month or a UTC hour start. */
export interface TradeSettlement {
  tradeId: string;
  /** ISO instant of the hour start (hourly trades) or the month YYYY-MM (monthly trades). */
  at: string;
  mwh: number;
}

/** A trade with what has been settled and the certificates that came with it. */
export interface TradeSummary extends GreenTrade {
  settledMwh: number;
  settledByMonth: Record<string, number>;
  certificatesMwh: number;
  claimedMwh: number;
}

/** One source of a green-electricity consumption statement. */
export interface StatementSource {
  kind: 'onsite' | 'direct_supply' | 'storage' | 'shared' | 'certificate' | 'trade';
  id: string;
  technology: string;
  mwh: number;
  /** Meter codes, certificate spans or contract ids behind the figure. */
  evidence: string[];
}

/** What an operation did: its event and the ledger's totals after it. */
export interface LedgerResult {
  event: LedgerEvent;
  totals: LedgerTotals;
}

/** What a certificates import did. */
export interface CertificateImportResult {
  importId: number;
  eventId: number | null;
  received: number;
  accepted: number;
  unchanged: number;
  rejected: RejectedRow[];
}

/** One line of the ledger view: a range with its validity. */
export interface LedgerRangeView extends CertificateRange {
  mwh: number;
  /** First month in which the certificates are no longer valid. */
  expiresIn: string;
  /** Held or transferred but past validity: an expire operation will record it. */
  expiryDue: boolean;
}

/** The ledger as it stands: ranges (optionally of one holder or consumer), totals, and recent events. */
export interface LedgerView {
  month: string;
  totals: LedgerTotals;
  ranges: LedgerRangeView[];
  events: LedgerEvent[];
}

/** A claim of the ledger as the accounts and statements use it: one claim event's certificates for one consumer. */
export interface LedgerClaim {
  eventId: number;
  consumer: string;
  period: { from: string; to: string };
  /** Claimed certificates by instrument: those that travelled with a trade count as the trade. */
  certificateMwh: number;
  tradeMwh: number;
  tradeIds: string[];
  spans: SerialSpan[];
  technologies: string[];
  productionMonths: string[];
  evidence: string;
  actor: string;
  at: string;
}

/** A refused row: its line, its text and why. */
export interface RejectedRow {
  line: number;
  raw: string;
  issues: GreenInputIssue[];
}

/** What an import of trades, settlements or grid shares did. */
export interface GreenImportResult {
  importId: number;
  received: number;
  accepted: number;
  unchanged: number;
  rejected: RejectedRow[];
}

/** A version of a grid green share data set. */
export interface GridShareSetRow {
  id: string;
  version: number;
  label: string;
  source: string;
  status: 'published' | 'estimated' | 'traced' | 'unverified';
  resolution: 'hour' | 'month';
  createdBy: string;
  createdAt: string;
  values: number;
  from: string | null;
  to: string | null;
}

/** Completeness of the metered inputs: known 15-minute slots over those the meters should have sent. */
export interface MatchingCompleteness {
  knownSlots: number;
  expectedSlots: number;
  share: number | null;
  byOrganisation: Record<string, number | null>;
}

/** A matching answer: the result, what it was computed from, and how complete that was. */
export interface MatchingAnswer {
  park: string;
  period: MonthSpan;
  result: MatchingResultJson;
  gridShare: {
    id: string;
    version: number;
    status: string;
    source: string;
    resolution: string;
    missingHours: number;
  } | null;
  claims: {
    eventId: number;
    consumer: string;
    period: MonthSpan;
    certificateMwh: number;
    tradeMwh: number;
  }[];
  completeness: MatchingCompleteness;
  warnings: string[];
}

/** A statement, ready to print or to file as JSON. */
export interface GreenStatement {
  park: { id: string; name: string };
  organisation: { id: string; name: string };
  period: MonthSpan;
  method: string;
  consumptionMwh: number;
  sources: StatementSource[];
  shares: {
    annual: number | null;
    monthly: number | null;
    hourly: number | null;
    /** Hourly carbon-free score with the grid's green share (24/7 CFE). */
    cfe: number | null;
  };
  unmatched: { hours: number; energyMwh: number };
  surplusMwh: number;
  byMonth: ConsumerMatchingJson['byMonth'];
  heatMap: ConsumerMatchingJson['heatMap'] | null;
  gridShare: MatchingAnswer['gridShare'];
  completeness: number | null;
  rules: MatchingResultJson['rules'];
  warnings: string[];
  generatedAt: string;
}
