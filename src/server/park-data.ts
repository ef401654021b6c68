/**
 * The scoped query layer: every read and write of park data by the HTTP API goes through a ParkData built by the
 * gate (auth.ts) for one caller and one park. An enterprise user's scope names its organisation, and every method
 * here limits its answer to it — asking for another organisation or one of its meters is NOT_FOUND, exactly as if
 * it did not exist. This is the one place that rule is enforced; the access tests call every route against it.
 */
import type pg from 'pg';
import { AppError } from '../lib/errors.ts';
import { formatLocal, SLOT_MS } from '../lib/time.ts';
import { meterInScope, type ParkScope } from '../modules/access/index.ts';
import * as carbon from '../modules/carbon/index.ts';
import * as green from '../modules/green/index.ts';
import * as indicators from '../modules/indicators/index.ts';
import { energyFlow, energyTrend, organisationRanking, parkOverview } from '../modules/energy/index.ts';
import * as microgrid from '../modules/microgrid/index.ts';
import { parkSnapshot, type MeterRow, type ParkRow, type ParkSnapshot } from '../modules/registry/index.ts';
import {
  energyByCarrier,
  firstDataMonth,
  ingestBatch,
  lastReadingAt,
  latestReadingAt,
  meterSeries,
  parsePeriod,
  pipelineMetersOf,
  rejectedCountsByMeter,
  rejectedRecords,
  subMeterBalance,
  type ParkMeters,
  type Period,
  type ReadingRecord,
  type Resolution,
} from '../modules/telemetry/index.ts';
import { serialise, type AnswerCache, type JsonText } from './answer-cache.ts';
import type {
  IngestResultView,
  MeterView,
  OrganisationDetail,
  OrganisationView,
  ParkInfo,
} from './api-types.ts';

/**
 * What the server keeps in memory across requests: the pipeline's meter table of each park (checked against the
 * park's definition version on every use, so an apply by any process is seen at once) and, unless it is switched
 * off, the answer cache of the dashboard endpoints.
 */
export class ParkMetersCache {
  constructor(readonly answers?: AnswerCache) {}

  /** The pipeline's meter table of the park at its current definition. */
  async get(pool: pg.Pool, parkId: string): Promise<ParkMeters> {
    return pipelineMetersOf(await parkSnapshot(pool, parkId));
  }
}

export class ParkData {
  constructor(
    readonly pool: pg.Pool,
    readonly scope: ParkScope,
    readonly park: ParkRow,
    private readonly now: () => number,
    private readonly parkMeters: ParkMetersCache,
  ) {}

  /** A period string in the park's zone. */
  period(text: string): Period {
    return parsePeriod(text, this.park.timezone);
  }

  /** The park's definition version, as the gate read it for this request. */
  private get version(): number {
    return this.park.definitionVersion;
  }

  /** The park's definition, checked against the version the gate read for this request. */
  private snapshot(): Promise<ParkSnapshot> {
    return parkSnapshot(this.pool, this.park.id, this.version);
  }

  /**
   * The JSON answer of a dashboard endpoint, from the answer cache when the park's definition and data are those it
   * was computed under. The key holds the park, the caller's scope (the whole park, or one organisation: an
   * enterprise user's answers are never another caller's), the endpoint and its parameters, and `clock`: how the
   * answer depends on the time — null when it depends on the very instant (then it is computed every time).
   */
  private async answer(
    endpoint: string,
    params: readonly (string | undefined)[],
    clock: string | null,
    compute: () => Promise<unknown>,
  ): Promise<JsonText> {
    const cache = this.parkMeters.answers;
    if (!cache || clock === null || this.scope.meters !== null) return serialise(await compute());
    const scope = this.scope.organisation === null ? 'park' : `organisation:${this.scope.organisation}`;
    const key = JSON.stringify([this.park.id, scope, endpoint, ...params, clock]);
    return cache.get(key, `${this.park.definitionVersion}:${this.park.dataVersion}`, compute);
  }

  /**
   * How an answer over `period` depends on the clock `nowMs`: not at all once the period has ended before the
   * current 15-minute slot ('over'); else through the expected slots, which change once per slot ('slots' → the
   * slot), or through the instant itself ('instant' → null: not cached).
   */
  private clock(period: Period, nowMs: number, dependence: 'slots' | 'instant'): string | null {
    const slotMs = Math.floor(nowMs / SLOT_MS) * SLOT_MS;
    if (period.toMs <= slotMs) return 'over';
    return dependence === 'slots' ? `slot ${slotMs}` : null;
  }

  /**
   * The organisation a request may ask about: an enterprise user gets its own whatever it omits, and NOT_FOUND for
   * any other; others get what they asked for (checked to exist) or the whole park (undefined).
   */
  async organisation(requested: string | undefined): Promise<string | undefined> {
    const own = this.scope.organisation;
    if (own !== null) {
      if (requested !== undefined && requested !== own) throw this.noOrganisation(requested);
      return own;
    }
    if (requested === undefined) return undefined;
    const { organisations } = await this.snapshot();
    if (!organisations.some((o) => o.id === requested)) throw this.noOrganisation(requested);
    return requested;
  }

  private noOrganisation(id: string): AppError {
    return new AppError('NOT_FOUND', `no organisation "${id}" in park "${this.park.id}"`);
  }

  /** The meters the caller may see (shared and frozen: never change them). */
  async meters(): Promise<readonly MeterRow[]> {
    const { meters } = await this.snapshot();
    if (this.scope.organisation === null && this.scope.meters === null) return meters;
    return meters.filter((m) =>
      meterInScope(this.scope, { code: m.code, organisation: m.spec.organisation }),
    );
  }

  /** One meter the caller may see, or NOT_FOUND. */
  async meter(code: string): Promise<MeterRow> {
    const m = (await this.snapshot()).metersByCode.get(code);
    if (!m || !meterInScope(this.scope, { code: m.code, organisation: m.spec.organisation }))
      throw new AppError('NOT_FOUND', `no meter "${code}" in park "${this.park.id}"`);
    return m;
  }

  async organisations(): Promise<OrganisationView[]> {
    const [{ organisations: orgs }, meters] = await Promise.all([this.snapshot(), this.meters()]);
    const counts = new Map<string, number>();
    for (const m of meters) counts.set(m.spec.organisation, (counts.get(m.spec.organisation) ?? 0) + 1);
    return orgs
      .filter((o) => this.scope.organisation === null || o.id === this.scope.organisation)
      .map((o) => ({
        id: o.id,
        name: o.name,
        kind: o.kind ?? null,
        industryCode: o.industryCode ?? null,
        uscc: o.uscc ?? null,
        meters: counts.get(o.id) ?? 0,
      }));
  }

  /** The park, its organisations in scope and the range of the data (ParkInfo). */
  async info(): Promise<JsonText> {
    return this.answer('info', [], '', async (): Promise<ParkInfo> => {
      const meters = await this.meters();
      const ids = meters.map((m) => m.id);
      const [organisations, last, first] = await Promise.all([
        this.organisations(),
        latestReadingAt(this.pool, ids),
        firstDataMonth(this.pool, ids),
      ]);
      const dataToMs = last ?? null;
      const p = this.park.spec;
      return {
        id: p.id,
        name: p.name,
        province: p.province,
        timezone: p.timezone,
        gridRegion: p.gridRegion,
        location: p.location,
        organisations,
        dataFromMs: first ?? null,
        dataToMs,
        // The last data instant belongs to the interval ending there: step back 1 ms for its local day.
        latestDay: dataToMs === null ? null : formatLocal(dataToMs - 1, this.park.timezone).slice(0, 10),
        meters: meters.length,
      };
    });
  }

  /** OverviewResponse. */
  async overview(periodText: string, organisation?: string): Promise<JsonText> {
    const org = await this.organisation(organisation);
    const period = this.period(periodText);
    const nowMs = this.now();
    return this.answer('overview', [periodText, org], this.clock(period, nowMs, 'instant'), () =>
      parkOverview(this.pool, this.park.id, period, {
        organisation: org,
        nowMs,
        definitionVersion: this.version,
      }),
    );
  }

  /** TrendResponse. */
  async trend(periodText: string, resolution: Resolution, organisation?: string): Promise<JsonText> {
    const org = await this.organisation(organisation);
    const period = this.period(periodText);
    const nowMs = this.now();
    return this.answer('trend', [periodText, resolution, org], this.clock(period, nowMs, 'slots'), () =>
      energyTrend(this.pool, this.park.id, period, resolution, {
        organisation: org,
        nowMs,
        definitionVersion: this.version,
      }),
    );
  }

  /** FlowResponse (independent of the clock). */
  async flow(periodText: string, organisation?: string): Promise<JsonText> {
    const org = await this.organisation(organisation);
    const period = this.period(periodText);
    return this.answer('flow', [periodText, org], '', () =>
      energyFlow(this.pool, this.park.id, period, { organisation: org, definitionVersion: this.version }),
    );
  }

  /** RankingResponse. The ranking's clock is the real one (Date.now), as it always was, not the app's `now`. */
  async ranking(periodText: string): Promise<JsonText> {
    const period = this.period(periodText);
    const own = this.scope.organisation;
    const nowMs = Date.now();
    return this.answer('ranking', [periodText], this.clock(period, nowMs, 'slots'), () =>
      organisationRanking(this.pool, this.park.id, period, {
        organisations: own === null ? undefined : [own],
        nowMs,
        definitionVersion: this.version,
      }),
    );
  }

  /** OrganisationDetail: its overview (the app's clock), comparison (the real clock) and meters. */
  async organisationDetail(id: string, periodText: string): Promise<JsonText> {
    const org = (await this.organisation(id))!;
    const period = this.period(periodText);
    const nowMs = this.now();
    const realNowMs = Date.now();
    const clock = this.clock(period, Math.min(nowMs, realNowMs), 'instant');
    return this.answer('organisation', [org, periodText], clock, async (): Promise<OrganisationDetail> => {
      const [orgs, overview, ranking, meters] = await Promise.all([
        this.organisations(),
        parkOverview(this.pool, this.park.id, period, {
          organisation: org,
          nowMs,
          definitionVersion: this.version,
        }),
        organisationRanking(this.pool, this.park.id, period, {
          organisations: [org],
          nowMs: realNowMs,
          definitionVersion: this.version,
        }),
        this.meterViews(org),
      ]);
      const comparison = ranking.rows.find((r) => r.organisation === org);
      if (!comparison) throw this.noOrganisation(id);
      return { organisation: orgs.find((o) => o.id === org)!, overview, comparison, meters };
    });
  }

  /** `{ meters: MeterView[] }`: the meters in scope (or of one organisation) with their last reading. */
  async meterList(organisation?: string): Promise<JsonText> {
    const org = await this.organisation(organisation);
    return this.answer('meters', [org], '', async () => ({ meters: await this.meterViews(org) }));
  }

  async meterViews(organisation?: string): Promise<MeterView[]> {
    const org = await this.organisation(organisation);
    const meters = (await this.meters()).filter((m) => org === undefined || m.spec.organisation === org);
    const [rejected, last] = await Promise.all([
      rejectedCountsByMeter(this.pool, this.park.id),
      lastReadingAt(
        this.pool,
        meters.map((m) => m.id),
      ),
    ]);
    return meters.map((m) => {
      const s = m.spec;
      return {
        id: m.code,
        name: s.name ?? null,
        organisation: s.organisation,
        site: s.site ?? null,
        carrier: s.carrier,
        role: s.role,
        technology: s.technology ?? null,
        readingKind: s.readingKind,
        unit: s.unit,
        quantityUnit: m.quantityUnit,
        intervalMinutes: s.intervalMinutes ?? 15,
        multiplier: s.multiplier ?? 1,
        rolloverAt: s.rolloverAt ?? null,
        parent: s.parent ?? null,
        capacity: s.capacity ?? null,
        archived: m.archived,
        rejectedRecords: rejected.get(m.code) ?? 0,
        lastReadingAtMs: last.get(m.id) ?? null,
      };
    });
  }

  /** Series: a meter's series (meters outside the caller's scope are NOT_FOUND). */
  async series(meterCode: string, periodText: string, resolution: Resolution): Promise<JsonText> {
    const meter = await this.meter(meterCode);
    const period = this.period(periodText);
    const nowMs = this.now();
    const clock = this.clock(period, nowMs, 'slots');
    return this.answer('series', [meter.code, periodText, resolution], clock, () =>
      meterSeries(this.pool, this.park.id, meter.code, period, resolution, nowMs, this.version),
    );
  }

  async energy(periodText: string) {
    const result = await energyByCarrier(
      this.pool,
      this.park.id,
      this.period(periodText),
      this.now(),
      this.version,
    );
    const own = this.scope.organisation;
    if (own === null) return result;
    return { ...result, organisations: result.organisations.filter((o) => o.organisation === own), park: [] };
  }

  async balance(periodText: string, meterCode?: string) {
    if (meterCode !== undefined) await this.meter(meterCode);
    const rows = await subMeterBalance(
      this.pool,
      this.park.id,
      this.period(periodText),
      meterCode,
      this.now(),
      this.version,
    );
    if (this.scope.organisation === null) return rows;
    const visible = new Set((await this.meters()).map((m) => m.code));
    return rows
      .filter((r) => visible.has(r.parent))
      .map((r) => ({ ...r, children: r.children.filter((c) => visible.has(c.meter)) }));
  }

  async rejected(meterCode: string | undefined, limit: number) {
    if (meterCode !== undefined) await this.meter(meterCode);
    // Scoped callers see only records naming one of their meters: a record naming no known meter could be anyone's.
    const only = this.scope.organisation === null ? undefined : (await this.meters()).map((m) => m.code);
    return rejectedRecords(this.pool, this.park.id, meterCode, limit, only);
  }

  /** Park-level answers (planning, scorecards): not for a caller scoped to one organisation. */
  private parkLevelOnly(what: string): void {
    if (this.scope.organisation !== null)
      throw new AppError('FORBIDDEN', `${what} is park-level: park admins and auditors only`);
  }

  /** The saved scenarios, each with its newest run (the list shows it: one query, not one per scenario). */
  async scenarios() {
    this.parkLevelOnly('source-grid-load-storage');
    const [list, last] = await Promise.all([
      microgrid.listScenarios(this.pool, this.park.id),
      microgrid.lastRuns(this.pool, this.park.id),
    ]);
    return list.map((s) => ({
      id: s.id,
      kind: s.kind,
      name: s.name,
      updatedBy: s.updatedBy,
      updatedAtMs: s.updatedAtMs,
      lastRun: last.get(s.id) ?? null,
    }));
  }

  async scenario(id: string) {
    this.parkLevelOnly('source-grid-load-storage');
    const s = await microgrid.getScenario(this.pool, this.park.id, id);
    return { ...s, runs: await microgrid.listRuns(this.pool, this.park.id, id) };
  }

  async saveScenario(text: string, fileName: string) {
    const spec = await microgrid.saveScenario(this.pool, this.park.id, text, fileName, this.scope.actor);
    return spec;
  }

  /** Runs a saved scenario; `hooks` report the run's id and progress and can cancel it (microgrid-runs.ts). */
  async runScenario(
    id: string,
    hooks: Pick<microgrid.RunOptions, 'onRunStarted' | 'onProgress' | 'signal'> = {},
  ) {
    this.parkLevelOnly('source-grid-load-storage');
    const s = await microgrid.getScenario(this.pool, this.park.id, id);
    return s.kind === 'dispatch'
      ? microgrid.runDispatch(this.pool, this.park.id, s, this.scope.actor, { ...hooks, timeoutMs: 60_000 })
      : microgrid.runSizing(this.pool, this.park.id, s, this.scope.actor, { ...hooks, timeoutMs: 120_000 });
  }

  async run(runId: number) {
    this.parkLevelOnly('source-grid-load-storage');
    const r = await microgrid.findRunResult(this.pool, this.park.id, runId);
    if (!r) throw new AppError('NOT_FOUND', `no run ${runId} in park "${this.park.id}"`);
    return r;
  }

  // ---- carbon accounting ----------------------------------------------------------------------------------------

  /**
   * An account's figures as a scoped caller may see them: an enterprise user's own organisation only, and of the
   * allocation shares (which reveal how the others consume) only its own.
   */
  private scopedAccount(account: carbon.Account): carbon.Account {
    const own = this.scope.organisation;
    if (own === null || !account.allocation) return account;
    const shares: Record<string, Record<string, number>> = {};
    for (const [month, byOrg] of Object.entries(account.allocation.shares))
      shares[month] = own in byOrg ? { [own]: byOrg[own]! } : {};
    return { ...account, allocation: { ...account.allocation, shares } };
  }

  /** The account of the park (park-level callers) or an organisation, live or closed with any restatement. */
  async account(periodText: string, organisation?: string, profile?: string): Promise<carbon.AccountAnswer> {
    const org = (await this.organisation(organisation)) ?? null;
    const answer = await carbon.accountFor(this.pool, this.park.id, {
      organisation: org,
      period: periodText,
      ...(profile ? { profile } : {}),
      nowMs: this.now(),
    });
    return {
      ...answer,
      account: this.scopedAccount(answer.account),
      restatement: answer.restatement
        ? { ...answer.restatement, current: this.scopedAccount(answer.restatement.current) }
        : null,
    };
  }

  /** Closes a period (park admins): freezes the account; closing again is a restatement with a reason. */
  async closeAccount(
    periodText: string,
    organisation: string | undefined,
    profile?: string,
    reason?: string,
  ) {
    const org = (await this.organisation(organisation)) ?? null;
    return carbon.closePeriod(this.pool, this.park.id, {
      organisation: org,
      period: periodText,
      ...(profile ? { profile } : {}),
      ...(reason ? { reason } : {}),
      by: this.scope.actor,
      nowMs: this.now(),
    });
  }

  /** Closed periods: the caller's organisation's only, for an enterprise user. */
  async closes() {
    const own = this.scope.organisation;
    return carbon.listCloses(this.pool, this.park.id, own === null ? undefined : own);
  }

  /** Factor library: the defaults, the park's versions and — for an enterprise user — only its own organisation's. */
  async factors(): Promise<carbon.Factor[]> {
    const all = await carbon.listFactors(this.pool, this.park.id);
    const own = this.scope.organisation;
    if (own === null) return all;
    const prefix = `org:${this.park.id}/`;
    return all.filter((f) => !f.scope.startsWith(prefix) || f.scope === `${prefix}${own}`);
  }

  async addFactor(input: Omit<carbon.NewFactor, 'by'>): Promise<carbon.Factor> {
    const { organisations } = await this.snapshot();
    return carbon.addFactor(this.pool, this.park.id, new Set(organisations.map((o) => o.id)), {
      ...input,
      by: this.scope.actor,
    });
  }

  async profiles(): Promise<carbon.MethodProfile[]> {
    return carbon.listProfiles(this.pool, this.park.id);
  }

  async saveProfile(input: {
    from: string;
    id: string;
    name: string;
    nameEn?: string;
    changes: Partial<carbon.MethodProfile>;
  }): Promise<carbon.MethodProfile> {
    return carbon.saveProfile(this.pool, this.park.id, { ...input, by: this.scope.actor });
  }

  /** Latest statistical values over a period's months (scoped to the caller's organisation). */
  async statistics(periodText: string, organisation?: string): Promise<carbon.StatisticValue[]> {
    const org = await this.organisation(organisation);
    const months = carbon.accountMonths(periodText);
    return carbon.listStatistics(this.pool, this.park.id, months[0]!, months[months.length - 1]!, org);
  }

  /** Organisations the caller may enter statistics for. */
  private async writableOrganisations(): Promise<Set<string>> {
    const own = this.scope.organisation;
    if (own !== null) return new Set([own]);
    return new Set((await this.snapshot()).organisations.map((o) => o.id));
  }

  async submitStatistics(rows: readonly carbon.RawStatisticRow[]): Promise<carbon.StatisticBatchResult> {
    return carbon.submitStatistics(this.pool, this.park.id, rows, {
      actor: this.scope.actor,
      allowed: await this.writableOrganisations(),
    });
  }

  async importStatistics(csv: string, file?: string): Promise<carbon.StatisticBatchResult> {
    return carbon.importStatisticsCsv(this.pool, this.park.id, csv, {
      actor: this.scope.actor,
      allowed: await this.writableOrganisations(),
      ...(file ? { file } : {}),
    });
  }

  /** Statistics batches with their refused rows: an enterprise user sees the ones it sent. */
  async statisticBatches() {
    const all = await carbon.statisticBatches(this.pool, this.park.id);
    return this.scope.organisation === null ? all : all.filter((b) => b.actor === this.scope.actor);
  }

  // ---- green electricity ---------------------------------------------------------------------------------------

  /** The certificate ledger: the whole park's, or an enterprise user's own holdings and claims. */
  async ledger(organisation?: string): Promise<green.LedgerView> {
    const org = await this.organisation(organisation);
    return green.ledgerView(this.pool, this.park.id, {
      ...(org !== undefined ? { organisation: org } : {}),
      nowMs: this.now(),
    });
  }

  /**
   * A ledger operation. Park admins do everything; an enterprise user may only claim certificates it holds, for
   * itself (the gate lets it in with `enter_statistics`).
   */
  async ledgerOperation(op: green.LedgerOperation, evidence: string): Promise<green.LedgerResult> {
    const own = this.scope.organisation;
    if (own !== null) {
      if (op.kind !== 'claim')
        throw new AppError('FORBIDDEN', `${this.scope.actor} may only claim certificates`);
      if (op.target.consumer !== own) throw this.noOrganisation(op.target.consumer || '(park)');
    }
    return green.applyLedgerOperation(this.pool, this.park.id, op, {
      actor: this.scope.actor,
      evidence,
      nowMs: this.now(),
    });
  }

  async importCertificates(csv: string, file?: string, evidence?: string) {
    return green.importCertificatesCsv(this.pool, this.park.id, csv, {
      file: file ?? 'certificates.csv',
      actor: this.scope.actor,
      ...(evidence ? { evidence } : {}),
      nowMs: this.now(),
    });
  }

  /** Green-power trades: an enterprise user sees those it bought. */
  async trades(): Promise<green.TradeSummary[]> {
    const own = this.scope.organisation;
    return green.listTrades(this.pool, this.park.id, own === null ? undefined : own);
  }

  async importTrades(csv: string, kind: 'contracts' | 'settlements', file?: string) {
    const o = { file: file ?? `${kind}.csv`, actor: this.scope.actor };
    return kind === 'contracts'
      ? green.importTradesCsv(this.pool, this.park.id, csv, o)
      : green.importSettlementsCsv(this.pool, this.park.id, csv, o);
  }

  /** Grid green share data sets (public data: everyone in the park reads them). */
  async gridShareSets(): Promise<green.GridShareSetRow[]> {
    return green.gridShareSets(this.pool, this.park.id);
  }

  async gridShareValues(id: string, version?: number) {
    const sets = await green.gridShareSets(this.pool, this.park.id, id);
    const set = version === undefined ? sets[0] : sets.find((s) => s.version === version);
    if (!set)
      throw new AppError('NOT_FOUND', `no grid green share data set "${id}"${version ? ` v${version}` : ''}`);
    return { set, values: await green.gridShareValues(this.pool, this.park.id, set.id, set.version) };
  }

  async importGridShare(
    csv: string,
    meta: { id: string; label?: string; source: string; status: green.GridShareStatus; file?: string },
  ) {
    return green.importGridShareCsv(this.pool, this.park.id, csv, {
      file: meta.file ?? `${meta.id}.csv`,
      actor: this.scope.actor,
      id: meta.id,
      label: meta.label ?? meta.id,
      source: meta.source,
      status: meta.status,
    });
  }

  /**
   * Matching over a period. An enterprise user gets its own organisation's result only: no park aggregate, and of the
   * shared resources only what was allocated to it (the rest would reveal how the others consume).
   */
  async matching(period: string, gridShare?: string, contract?: string): Promise<green.MatchingAnswer> {
    const own = this.scope.organisation;
    const answer = await green.matchingFor(this.pool, this.park.id, {
      period,
      heatMaps: own === null ? 'all' : [own],
      ...(gridShare ? { gridShare } : {}),
      ...(contract ? { allocation: green.parseContracts(contract.split(';')) } : {}),
      nowMs: this.now(),
    });
    if (own === null) return answer;
    const r = answer.result;
    const mine = r.consumers.filter((c) => c.id === own);
    return {
      ...answer,
      result: {
        ...r,
        consumers: mine,
        park: { ...mine[0]!, id: own },
        // Of a shared resource, only what it gave this organisation: its total, what the others took and what the
        // shared storage drew would tell how much the others consume.
        shared: r.shared.map(({ storage: _storage, ...s }) => ({
          ...s,
          totalMwh: s.allocatedMwh[own] ?? 0,
          drawnToStorageMwh: 0,
          allocatedMwh: own in s.allocatedMwh ? { [own]: s.allocatedMwh[own]! } : {},
          unallocatedMwh: 0,
        })),
      },
      claims: answer.claims.filter((c) => c.consumer === own),
      completeness: {
        ...answer.completeness,
        byOrganisation: { [own]: answer.completeness.byOrganisation[own] ?? null },
      },
    };
  }

  /** The green-electricity consumption statement of an organisation (an enterprise user: its own). */
  async greenStatement(
    period: string,
    organisation: string | undefined,
    gridShare?: string,
    contract?: string,
  ) {
    const org = await this.organisation(organisation);
    if (org === undefined)
      throw new AppError('BAD_INPUT', 'a statement is for one organisation: give organisation');
    return green.statementFor(this.pool, this.park.id, org, {
      period,
      ...(gridShare ? { gridShare } : {}),
      ...(contract ? { allocation: green.parseContracts(contract.split(';')) } : {}),
      nowMs: this.now(),
    });
  }

  // ---- indicators -----------------------------------------------------------------------------------------------

  /** The park's scorecard for a year: park-level (it rests on the whole park's account). */
  async scorecard(
    year: number,
    set?: string,
    profile?: string,
    targetYear?: number,
  ): Promise<indicators.Scorecard> {
    this.parkLevelOnly('the indicator scorecard');
    return indicators.scorecardFor(this.pool, this.park.id, {
      year,
      ...(set ? { set } : {}),
      ...(profile ? { profile } : {}),
      ...(targetYear !== undefined ? { targetYear } : {}),
      nowMs: this.now(),
    });
  }

  async indicatorSets(): Promise<indicators.IndicatorSet[]> {
    return indicators.listIndicatorSets(this.pool, this.park.id);
  }

  async configureIndicatorSet(
    id: string,
    overrides: readonly Omit<indicators.ThresholdOverride, 'by' | 'at'>[],
  ): Promise<indicators.IndicatorSet> {
    return indicators.configureParkSet(this.pool, this.park.id, id, overrides, this.scope.actor);
  }

  /**
   * Ingests readings sent by the caller. Every meter named must be in the caller's scope: otherwise the whole request
   * is refused (FORBIDDEN, naming the meters) and nothing is stored — the sender still has its data.
   */
  async ingest(records: readonly ReadingRecord[], source: string): Promise<IngestResultView> {
    if (this.scope.organisation !== null || this.scope.meters !== null) {
      const byCode = (await this.snapshot()).metersByCode;
      const outside = new Set<string>();
      for (const r of records) {
        const m = byCode.get(r.meter);
        if (m && !meterInScope(this.scope, { code: m.code, organisation: m.spec.organisation }))
          outside.add(r.meter);
      }
      if (outside.size > 0) {
        const list = [...outside].slice(0, 5).join(', ');
        throw new AppError('FORBIDDEN', `${this.scope.actor} may not write meter(s) ${list}`);
      }
    }
    const park = await this.parkMeters.get(this.pool, this.park.id);
    const r = await ingestBatch(this.pool, park, records, {
      source,
      actor: this.scope.actor,
      nowMs: this.now(),
    });
    return {
      batchId: r.batchId,
      received: r.received,
      inserted: r.inserted,
      unchanged: r.unchanged,
      revised: r.revised,
      rejected: r.rejected,
      rejections: r.rejections.map((x) => ({
        meterCode: x.meterCode,
        line: x.line,
        field: x.field,
        reason: x.reason,
        raw: x.raw,
      })),
    };
  }
}
