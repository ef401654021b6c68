/**
 * Accounting (issue 4 targets): a park-year account of the demo park scaled to ~1,000 meters in < 500 ms, and
 * recomputation after late data that touches only the affected months.
 *
 * An account reads the boundary meters' `rollup_month` rows and nothing finer, so the database is the scaled demo
 * park's definition with a year of monthly rollups synthesised for every meter (seeded amounts, every slot measured)
 * rather than a year of readings ingested (the summary and dashboard benchmarks measure that path). The statistical
 * inputs and fuel densities are the demo's. Runs from bench/run.ts (`--only accounting`).
 */
import pg from 'pg';
import {
  accountFor,
  buildAccountRequest,
  computeAccount,
  computeAccounts,
  monthCacheStats,
} from '../src/modules/carbon/index.ts';
import { createDemoPark, DEMO_PARK_ID, ensureDemoCarbon } from '../src/modules/demo/index.ts';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import { log, machineLine, NOW, renderTable, schemaDb, urlWithSchema } from './common.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function accountingBench(url: string, meterScale: number): Promise<Record<string, unknown>> {
  const db = await schemaDb(url);
  try {
    const park = createDemoPark({ meterScale });
    await applyParkDefinition(db.pool, park);
    // A year of monthly rollups for every meter: park-local months of 2025 (UTC+8), all slots measured.
    await db.pool.query(
      `
      INSERT INTO rollup_month (meter_id, bucket_at, measured, estimated, quarantined, measured_slots,
                                estimated_slots, quarantined_slots)
      SELECT m.id, b.at, 1000 + (hashtext(m.id::text || b.at::text) & 65535), 0, 0,
             extract(epoch FROM (b.at + interval '1 month') - b.at) / 900, 0, 0
      FROM meter m
      CROSS JOIN LATERAL (
        SELECT (timestamp '2025-01-01' + make_interval(months => k)) AT TIME ZONE 'Asia/Shanghai' AS at
        FROM generate_series(0, 11) k
      ) b
      WHERE m.park_id = $1`,
      [DEMO_PARK_ID],
    );
    await ensureDemoCarbon(db.pool, DEMO_PARK_ID);
    await db.pool.query('VACUUM ANALYZE');
    const meters = park.meters.length;
    log(`\n[accounting] ${meters} meters, a year of monthly rollups; ${machineLine()}`);

    const query = { organisation: null, period: '2025', nowMs: NOW } as const;
    // Cold: a fresh pool has an empty month cache.
    const colds: number[] = [];
    for (let i = 0; i < 5; i++) {
      const pool = new pg.Pool({ connectionString: urlWithSchema(url, db.schema), max: 4 });
      const s = performance.now();
      await accountFor(pool, DEMO_PARK_ID, query);
      colds.push(performance.now() - s);
      await pool.end();
    }
    // Warm: nothing changed, every month from the cache (one stamp query), the pure computation again.
    await accountFor(db.pool, DEMO_PARK_ID, query);
    const warms: number[] = [];
    for (let i = 0; i < 7; i++) {
      const s = performance.now();
      await accountFor(db.pool, DEMO_PARK_ID, query);
      warms.push(performance.now() - s);
    }
    // Late data: one month's rollups of 50 meters rewritten; only that month is read again.
    const lates: number[] = [];
    let missesPerLate = 0;
    for (let i = 0; i < 5; i++) {
      await db.pool.query(
        `UPDATE rollup_month SET measured = measured + 1
         WHERE meter_id IN (SELECT id FROM meter WHERE park_id = $1 ORDER BY id LIMIT 50)
           AND bucket_at = (timestamp '2025-03-01' AT TIME ZONE 'Asia/Shanghai')`,
        [DEMO_PARK_ID],
      );
      const before = monthCacheStats.misses;
      const s = performance.now();
      await accountFor(db.pool, DEMO_PARK_ID, query);
      lates.push(performance.now() - s);
      missesPerLate = monthCacheStats.misses - before;
    }
    // The pure computation alone (inputs gathered once).
    const request = await buildAccountRequest(db.pool, DEMO_PARK_ID, query);
    const pures: number[] = [];
    for (let i = 0; i < 7; i++) {
      const s = performance.now();
      computeAccount(request);
      pures.push(performance.now() - s);
    }
    // Every organisation's account as well (what a scorecard computes): one by one, and together (shared ledgers).
    const s = performance.now();
    const oneByOne = request.organisations.map((o) => computeAccount({ ...request, organisation: o.id }));
    const allOrgsMs = performance.now() - s;
    const s2 = performance.now();
    const together = computeAccounts(
      request,
      request.organisations.map((o) => o.id),
    );
    const togetherMs = performance.now() - s2;
    const same = JSON.stringify(oneByOne) === JSON.stringify(together);

    const figures = {
      meters,
      coldMedianMs: median(colds),
      warmMedianMs: median(warms),
      lateMedianMs: median(lates),
      monthsRecomputedAfterLateData: missesPerLate,
      pureMedianMs: median(pures),
      organisations: request.organisations.length,
      allOrganisationAccountsMs: allOrgsMs,
      allOrganisationAccountsTogetherMs: togetherMs,
    };
    log(
      renderTable(
        ['park-year account (' + meters + ' meters)', 'median ms', 'target'],
        [
          ['cold (fresh process: 12 months read)', figures.coldMedianMs.toFixed(1), '< 500'],
          ['warm (no change: months from cache)', figures.warmMedianMs.toFixed(1), ''],
          [
            `after late data in one month (${missesPerLate} month read again)`,
            figures.lateMedianMs.toFixed(1),
            '',
          ],
          ['the pure computation alone', figures.pureMedianMs.toFixed(1), ''],
          [`all ${figures.organisations} organisation accounts, one by one (pure)`, allOrgsMs.toFixed(1), ''],
          [
            `the same together, ledgers shared (${same ? 'identical' : 'DIFFERENT'})`,
            togetherMs.toFixed(1),
            '',
          ],
        ],
      ),
    );
    log(
      `[accounting] cold ÷ late-data recompute: ${(figures.coldMedianMs / figures.lateMedianMs).toFixed(1)}×; months recomputed after late data: ${missesPerLate} of 12`,
    );
    return figures;
  } finally {
    await db.drop();
  }
}
