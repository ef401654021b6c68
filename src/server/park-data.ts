/**
 * The scoped query layer: every read and write of park data by the HTTP API goes through a ParkData built by the
 * gate (auth.ts) for one caller and one park. An enterprise user's scope names its organisation, and every method
 * here limits its answer to it — asking for another organisation or one of its meters is NOT_FOUND, exactly as if
 * it did not exist. This is the one place that rule is enforced; the access tests call every route against it.
 */
import type pg from 'pg';
import { AppError } from '../lib/errors.ts';
import { formatLocal } from '../lib/time.ts';
import { meterInScope, type ParkScope } from '../modules/access/index.ts';
import { energyFlow, energyTrend, organisationRanking, parkOverview } from '../modules/energy/index.ts';
import { listMeters, listOrganisations, type MeterRow, type ParkRow } from '../modules/registry/index.ts';
import {
  energyByCarrier,
  firstDataMonth,
  ingestBatch,
  lastReadingAt,
  loadParkMeters,
  meterSeries,
  parsePeriod,
  rejectedCountsByMeter,
  rejectedRecords,
  subMeterBalance,
  type ParkMeters,
  type Period,
  type ReadingRecord,
  type Resolution,
} from '../modules/telemetry/index.ts';
import type {
  IngestResultView,
  MeterView,
  OrganisationDetail,
  OrganisationView,
  ParkInfo,
} from './api-types.ts';

/** The pipeline's meter table per park, loaded once and kept until the park definition changes (or 60 s pass). */
export class ParkMetersCache {
  private readonly entries = new Map<string, { atMs: number; meters: Promise<ParkMeters> }>();
  async get(pool: pg.Pool, parkId: string): Promise<ParkMeters> {
    const hit = this.entries.get(parkId);
    if (hit && Date.now() - hit.atMs < 60_000) return hit.meters;
    const meters = loadParkMeters(pool, parkId);
    this.entries.set(parkId, { atMs: Date.now(), meters });
    meters.catch(() => this.entries.delete(parkId));
    return meters;
  }
  invalidate(parkId: string): void {
    this.entries.delete(parkId);
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
    const orgs = await listOrganisations(this.pool, this.park.id);
    if (!orgs.some((o) => o.id === requested)) throw this.noOrganisation(requested);
    return requested;
  }

  private noOrganisation(id: string): AppError {
    return new AppError('NOT_FOUND', `no organisation "${id}" in park "${this.park.id}"`);
  }

  /** The meters the caller may see. */
  async meters(): Promise<MeterRow[]> {
    const all = await listMeters(this.pool, this.park.id);
    return all.filter((m) => meterInScope(this.scope, { code: m.code, organisation: m.spec.organisation }));
  }

  /** One meter the caller may see, or NOT_FOUND. */
  async meter(code: string): Promise<MeterRow> {
    const m = (await this.meters()).find((x) => x.code === code);
    if (!m) throw new AppError('NOT_FOUND', `no meter "${code}" in park "${this.park.id}"`);
    return m;
  }

  async organisations(): Promise<OrganisationView[]> {
    const [orgs, meters] = await Promise.all([listOrganisations(this.pool, this.park.id), this.meters()]);
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

  async info(): Promise<ParkInfo> {
    const meters = await this.meters();
    const ids = meters.map((m) => m.id);
    const [organisations, last, first] = await Promise.all([
      this.organisations(),
      lastReadingAt(this.pool, ids, Infinity),
      firstDataMonth(this.pool, ids),
    ]);
    const dataToMs = last.size > 0 ? Math.max(...last.values()) : null;
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
  }

  async overview(periodText: string, organisation?: string) {
    const org = await this.organisation(organisation);
    return parkOverview(this.pool, this.park.id, this.period(periodText), {
      organisation: org,
      nowMs: this.now(),
    });
  }

  async trend(periodText: string, resolution: Resolution, organisation?: string) {
    const org = await this.organisation(organisation);
    return energyTrend(this.pool, this.park.id, this.period(periodText), resolution, {
      organisation: org,
      nowMs: this.now(),
    });
  }

  async flow(periodText: string, organisation?: string) {
    const org = await this.organisation(organisation);
    return energyFlow(this.pool, this.park.id, this.period(periodText), { organisation: org });
  }

  async ranking(periodText: string) {
    const own = this.scope.organisation;
    return organisationRanking(this.pool, this.park.id, this.period(periodText), {
      organisations: own === null ? undefined : [own],
    });
  }

  async organisationDetail(id: string, periodText: string): Promise<OrganisationDetail> {
    const org = (await this.organisation(id))!;
    const period = this.period(periodText);
    const [orgs, overview, ranking, meters] = await Promise.all([
      this.organisations(),
      parkOverview(this.pool, this.park.id, period, { organisation: org, nowMs: this.now() }),
      organisationRanking(this.pool, this.park.id, period, { organisations: [org] }),
      this.meterViews(org),
    ]);
    const comparison = ranking.rows.find((r) => r.organisation === org);
    if (!comparison) throw this.noOrganisation(id);
    return { organisation: orgs.find((o) => o.id === org)!, overview, comparison, meters };
  }

  async meterViews(organisation?: string): Promise<MeterView[]> {
    const org = await this.organisation(organisation);
    const meters = (await this.meters()).filter((m) => org === undefined || m.spec.organisation === org);
    const [rejected, last] = await Promise.all([
      rejectedCountsByMeter(this.pool, this.park.id),
      lastReadingAt(
        this.pool,
        meters.map((m) => m.id),
        Infinity,
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

  async series(meterCode: string, periodText: string, resolution: Resolution) {
    const meter = await this.meter(meterCode);
    return meterSeries(this.pool, this.park.id, meter.code, this.period(periodText), resolution, this.now());
  }

  async energy(periodText: string) {
    const result = await energyByCarrier(this.pool, this.park.id, this.period(periodText), this.now());
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

  /**
   * Ingests readings sent by the caller. Every meter named must be in the caller's scope: otherwise the whole request
   * is refused (FORBIDDEN, naming the meters) and nothing is stored — the sender still has its data.
   */
  async ingest(records: readonly ReadingRecord[], source: string): Promise<IngestResultView> {
    if (this.scope.organisation !== null || this.scope.meters !== null) {
      const byCode = new Map((await listMeters(this.pool, this.park.id)).map((m) => [m.code, m]));
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
