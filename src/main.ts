/** The `lingtan` command line: parses argv, builds dependencies, runs one command. The only place that reads env. */
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { registerCarbonCommands } from './cli/carbon-commands.ts';
import { registerGreenCommands } from './cli/green-commands.ts';
import { registerTraceCommand } from './cli/trace-command.ts';
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { AppError, exitCodeFor, formatIssue } from './lib/errors.ts';
import { formatNumber, formatPercent, renderCsv, renderTable } from './lib/format.ts';
import { formatLocal } from './lib/time.ts';
import type {
  Infeasibility,
  resultCsv as ResultCsv,
  SolveFailure,
  SolveProgress,
} from './modules/microgrid/index.ts';
import {
  applyParkDefinition,
  exportPark,
  exportParkDefinition,
  getPark,
  listParks,
  parseParkDefinition,
} from './modules/registry/index.ts';
import {
  energyByCarrier,
  importReadingsCsv,
  meterSeries,
  parsePeriod,
  rebuildRollups,
  rederiveMeters,
  rejectedRecords,
  subMeterBalance,
  type Resolution,
} from './modules/telemetry/index.ts';

const config = loadConfig(process.env, process.cwd());
// `lingtan series … | head`: a closed pipe ends the output, not the program (the database must still close cleanly).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
const program = new Command('lingtan')
  .description('Lingtan (零碳): energy-carbon management for zero-carbon industrial parks')
  .showHelpAfterError();

async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: path.join(config.home, 'pg'),
    port: config.embeddedPgPort,
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** The park a command acts on: --park, LINGTAN_PARK, or the only park there is. */
async function resolvePark(db: Database, given: string | undefined, cfg: Config): Promise<string> {
  const wanted = given ?? cfg.defaultPark;
  if (wanted) return (await getPark(db.pool, wanted)).id;
  const parks = await listParks(db.pool);
  if (parks.length === 1) return parks[0]!.id;
  if (parks.length === 0)
    throw new AppError('NOT_FOUND', 'no park yet: run `lingtan demo` or `lingtan park apply <file>`');
  throw new AppError(
    'BAD_INPUT',
    `several parks (${parks.map((p) => p.id).join(', ')}): choose one with --park`,
  );
}

const parkOption = new Option('--park <id>', 'park id (default: LINGTAN_PARK, or the only park)');
const formatOption = new Option('--format <format>', 'output format')
  .choices(['table', 'json', 'csv'])
  .default('table');

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

const park = program.command('park').description('parks, organisations, sites and meters');
park
  .command('apply <file>')
  .description('create or update a park from a definition file (YAML or JSON); idempotent')
  .action(async (file: string) => {
    if (!fs.existsSync(file)) throw new AppError('NOT_FOUND', `${file}: no such file`);
    const def = parseParkDefinition(fs.readFileSync(file, 'utf8'), path.basename(file));
    await withDb(async (db) => {
      const s = await applyParkDefinition(db.pool, def);
      const c = (x: { created: number; updated: number; unchanged: number; archived: number }) =>
        `${x.created} created, ${x.updated} updated, ${x.unchanged} unchanged${x.archived ? `, ${x.archived} archived` : ''}`;
      print(`park ${s.parkId}: ${s.park}`);
      print(`organisations: ${c(s.organisations)}`);
      print(`sites: ${c(s.sites)}`);
      print(`meters: ${c(s.meters)}`);
      if (s.metersWithoutCapacity.length > 0) {
        print(
          `note: ${s.metersWithoutCapacity.length} meter(s) have no capacity, so spikes cannot be detected on them`,
        );
      }
      if (s.metersToRederive.length > 0) {
        print(
          `deriving the readings of ${s.metersToRederive.length} meter(s) again (their settings changed) …`,
        );
        await rederiveMeters(db.pool, s.metersToRederive);
      }
    });
  });
park
  .command('export')
  .description('write the park definition (YAML, or JSON with --json)')
  .addOption(parkOption)
  .option('--json', 'JSON instead of YAML')
  .option('-o, --output <file>', 'write to a file instead of standard output')
  .action(async (opts: { park?: string; json?: boolean; output?: string }) => {
    await withDb(async (db) => {
      const def = await exportPark(db.pool, await resolvePark(db, opts.park, config));
      const text = opts.json ? `${JSON.stringify(def, null, 2)}\n` : exportParkDefinition(def);
      if (opts.output) fs.writeFileSync(opts.output, text);
      else print(text);
    });
  });
park
  .command('list')
  .description('list parks')
  .action(async () => {
    await withDb(async (db) => {
      const parks = await listParks(db.pool);
      print(
        renderTable(
          ['id', 'name', 'province', 'timezone'],
          parks.map((p) => [p.id, p.name, p.province, p.timezone]),
        ),
      );
    });
  });

program
  .command('import')
  .description('import data')
  .command('readings <file>')
  .description(
    'back-fill readings from CSV (meter,at,value[,unit]); resumable, and a re-import changes nothing',
  )
  .addOption(parkOption)
  .option('--batch <rows>', 'rows per transaction', (v) => Number(v), 50_000)
  .option('--force', 'import again even if this exact file was imported before')
  .action(async (file: string, opts: { park?: string; batch: number; force?: boolean }) => {
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park, config);
      const started = Date.now();
      const bar = progressBar();
      const r = await importReadingsCsv(db.pool, parkId, file, {
        batchRows: opts.batch,
        force: Boolean(opts.force),
        onProgress: (p) => bar(p.bytesDone / p.bytesTotal, `${formatNumber(p.linesDone, 0)} lines`),
      });
      bar.done();
      if (r.alreadyImported) {
        print(
          `${file} was already imported whole (${formatNumber(r.lines - 1, 0)} rows); nothing to do (--force re-runs it)`,
        );
        return;
      }
      const seconds = (Date.now() - started) / 1000;
      if (r.resumedFromLine > 0) print(`resumed after line ${r.resumedFromLine}`);
      print(
        `${formatNumber(r.received, 0)} rows in ${seconds.toFixed(1)} s (${formatNumber(r.received / Math.max(seconds, 0.001), 0)} rows/s): ` +
          `${formatNumber(r.inserted, 0)} new, ${formatNumber(r.unchanged, 0)} unchanged, ${formatNumber(r.revised, 0)} revised, ${formatNumber(r.rejected, 0)} rejected`,
      );
      for (const rej of r.firstRejections)
        print(
          `  ${formatIssue({ file: path.basename(file), line: rej.line ?? undefined, field: rej.field, reason: rej.reason })}`,
        );
      if (r.rejected > r.firstRejections.length)
        print(`  … all rejected records: lingtan rejected --park ${parkId}`);
    });
  });

program
  .command('series <meter>')
  .description("a meter's series with coverage and flags")
  .addOption(parkOption)
  .requiredOption('--period <period>', 'YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD or FROM..TO')
  .addOption(
    new Option('--resolution <r>', 'bucket size').choices(['15m', 'hour', 'day', 'month']).default('day'),
  )
  .addOption(formatOption)
  .action(
    async (
      meter: string,
      opts: { park?: string; period: string; resolution: Resolution; format: string },
    ) => {
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park, config);
        const tz = (await getPark(db.pool, parkId)).timezone;
        const s = await meterSeries(db.pool, parkId, meter, parsePeriod(opts.period, tz), opts.resolution);
        if (opts.format === 'json') return print(JSON.stringify(s, null, 2));
        const header = [
          'start',
          `quantity (${s.unit})`,
          'measured',
          'estimated',
          'quarantined',
          'coverage',
          'status',
          'flags',
        ];
        if (opts.format === 'csv') {
          return print(
            renderCsv(
              header,
              s.points.map((p) => [
                formatLocal(p.startMs, tz),
                p.quantity,
                p.measured,
                p.estimated,
                p.quarantined,
                p.coverage,
                p.status,
                p.flags.join(' '),
              ]),
            ),
          );
        }
        print(
          renderTable(
            header,
            s.points.map((p) => [
              formatLocal(p.startMs, tz),
              formatNumber(p.quantity, 3),
              formatNumber(p.measured, 3),
              formatNumber(p.estimated, 3),
              formatNumber(p.quarantined, 3),
              formatPercent(p.coverage),
              p.status,
              p.flags.join(' '),
            ]),
          ),
        );
        print(
          `total ${formatNumber(s.totals.quantity, 3)} ${s.unit} (estimated ${formatNumber(s.totals.estimated, 3)}, quarantined ${formatNumber(s.totals.quarantined, 3)}), coverage ${formatPercent(s.totals.coverage)}`,
        );
        for (const r of s.revisions)
          print(
            `revision: ${formatLocal(r.atMs, tz)} was ${r.value} (batch ${r.batchId}), replaced by batch ${r.supersededBy}`,
          );
      });
    },
  );

program
  .command('energy')
  .description('energy by carrier per organisation and for the park over a period')
  .addOption(parkOption)
  .requiredOption('--period <period>', 'YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD or FROM..TO')
  .option('--org <id>', 'one organisation only')
  .addOption(formatOption)
  .action(async (opts: { park?: string; period: string; org?: string; format: string }) => {
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park, config);
      const tz = (await getPark(db.pool, parkId)).timezone;
      const r = await energyByCarrier(db.pool, parkId, parsePeriod(opts.period, tz));
      const rows = [
        ...r.organisations.filter((o) => !opts.org || o.organisation === opts.org),
        ...(opts.org ? [] : r.park),
      ];
      if (opts.format === 'json') return print(JSON.stringify({ period: r.period, rows }, null, 2));
      const header = [
        'organisation',
        'carrier',
        'unit',
        'net',
        'import',
        'generation',
        'export',
        'estimated',
        'quarantined',
        'coverage',
      ];
      const cells = rows.map((g) => [
        g.organisation ?? '(park)',
        g.carrier,
        g.unit,
        formatNumber(g.net),
        formatNumber(g.byRole.import ?? 0),
        formatNumber(g.byRole.generation ?? 0),
        formatNumber(g.byRole.export ?? 0),
        formatNumber(g.estimated),
        formatNumber(g.quarantined),
        formatPercent(g.coverage),
      ]);
      print(opts.format === 'csv' ? renderCsv(header, cells) : renderTable(header, cells));
    });
  });

program
  .command('balance')
  .description('sub-metering balance: parent meter vs the sum of its children, and the unmetered remainder')
  .addOption(parkOption)
  .requiredOption('--period <period>', 'YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD or FROM..TO')
  .option('--meter <parent>', 'one parent meter only')
  .addOption(formatOption)
  .action(async (opts: { park?: string; period: string; meter?: string; format: string }) => {
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park, config);
      const tz = (await getPark(db.pool, parkId)).timezone;
      const rows = await subMeterBalance(db.pool, parkId, parsePeriod(opts.period, tz), opts.meter);
      if (opts.format === 'json') return print(JSON.stringify(rows, null, 2));
      const header = [
        'parent',
        'unit',
        'parent qty',
        'children',
        'Σ children',
        'unmetered',
        'share',
        'coverage',
      ];
      const cells = rows.map((b) => [
        b.parent,
        b.unit,
        formatNumber(b.parentQuantity),
        String(b.children.length),
        formatNumber(b.childrenQuantity),
        formatNumber(b.unmetered),
        formatPercent(b.unmeteredShare),
        formatPercent(b.coverage),
      ]);
      print(opts.format === 'csv' ? renderCsv(header, cells) : renderTable(header, cells));
    });
  });

program
  .command('rejected')
  .description('rejected records with their reasons (all kept)')
  .addOption(parkOption)
  .option('--meter <code>', 'one meter only')
  .option('--limit <n>', 'how many', (v) => Number(v), 50)
  .addOption(formatOption)
  .action(async (opts: { park?: string; meter?: string; limit: number; format: string }) => {
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park, config);
      const r = await rejectedRecords(db.pool, parkId, opts.meter, opts.limit);
      if (opts.format === 'json') return print(JSON.stringify(r, null, 2));
      print(
        renderTable(
          ['batch', 'source', 'line', 'meter', 'field', 'reason', 'raw'],
          r.rows.map((x) => [
            String(x.batchId),
            x.fileName ?? x.source,
            x.line === null ? '' : String(x.line),
            x.meterCode ?? '',
            x.field,
            x.reason,
            x.raw,
          ]),
        ),
      );
      print(
        `${r.total} rejected record(s)${r.total > r.rows.length ? `, newest ${r.rows.length} shown` : ''}`,
      );
    });
  });

program
  .command('rollups')
  .description('maintenance of the hour/day/month rollups')
  .command('rebuild')
  .description('rebuild rollups from the readings, in SQL (a repair tool; the pipeline keeps them current)')
  .addOption(parkOption)
  .option('--meter <code...>', 'only these meters')
  .action(async (opts: { park?: string; meter?: string[] }) => {
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park, config);
      const started = Date.now();
      const n = await rebuildRollups(db.pool, parkId, opts.meter);
      print(`rebuilt the rollups of ${n} meter(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
  });

program
  .command('demo')
  .description('build the synthetic Yunnan demo park (one year of 15-minute data, with faults)')
  .option('--days <n>', 'days of data', (v) => Number(v), 365)
  .option('--scale <x>', 'sub-meter multiplier (3.4 ≈ 1,000 meters)', (v) => Number(v), 1)
  .option('--force', 'rebuild even if the demo park already has data')
  .action(async (opts: { days: number; scale: number; force?: boolean }) => {
    const { buildDemo } = await import('./modules/demo/index.ts');
    await withDb(async (db) => {
      const bar = progressBar();
      const r = await buildDemo(db.pool, {
        days: opts.days,
        meterScale: opts.scale,
        force: Boolean(opts.force),
        onProgress: (share, label) => bar(share, label),
      });
      bar.done();
      print(r.summary);
    });
  });

const user = program.command('user').description('log-ins: park admins, enterprise users, auditors');

/** A password from stdin (--password-stdin) or a new random one, printed once. */
async function passwordFrom(opts: {
  passwordStdin?: boolean;
}): Promise<{ password: string; generated: boolean }> {
  if (opts.passwordStdin) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return { password: text.replace(/\r?\n$/, ''), generated: false };
  }
  const { randomBytes } = await import('node:crypto');
  return { password: randomBytes(12).toString('base64url'), generated: true };
}

const cliActor = () => `cli:${process.env.USER ?? 'unknown'}`;

user
  .command('add <username>')
  .description('create a user with access to a park (prints a generated password unless --password-stdin)')
  .addOption(parkOption)
  .addOption(
    new Option('--role <role>', 'role')
      .choices(['park_admin', 'enterprise_user', 'auditor'])
      .makeOptionMandatory(),
  )
  .option('--organisation <id>', 'the organisation of an enterprise user')
  .option('--name <display name>', 'display name')
  .option('--password-stdin', 'read the password from stdin')
  .action(
    async (
      username: string,
      opts: {
        park?: string;
        role: 'park_admin' | 'enterprise_user' | 'auditor';
        organisation?: string;
        name?: string;
        passwordStdin?: boolean;
      },
    ) => {
      const { createUser } = await import('./modules/access/index.ts');
      const { password, generated } = await passwordFrom(opts);
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park, config);
        const u = await createUser(
          db.pool,
          {
            username,
            displayName: opts.name,
            role: opts.role,
            organisation: opts.organisation,
            password,
            parkId,
          },
          cliActor(),
        );
        print(
          `created ${u.username} (${u.role}${u.organisation ? `, ${u.organisation}` : ''}) in park ${parkId}`,
        );
        if (generated) print(`password: ${password}`);
      });
    },
  );

user
  .command('list')
  .description("a park's users")
  .addOption(parkOption)
  .action(async (opts: { park?: string }) => {
    const { listUsers } = await import('./modules/access/index.ts');
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park, config);
      const users = await listUsers(db.pool, parkId);
      print(
        renderTable(
          ['user', 'name', 'role', 'organisation', 'revoked'],
          users.map((u) => [u.username, u.displayName, u.role, u.organisation ?? '', u.revoked ? 'yes' : '']),
        ),
      );
    });
  });

user
  .command('revoke <username>')
  .description("take a user's access to a park away (and end its sessions when no park is left)")
  .addOption(parkOption)
  .action(async (username: string, opts: { park?: string }) => {
    const { revokeUserAccess } = await import('./modules/access/index.ts');
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park, config);
      await revokeUserAccess(db.pool, parkId, username, cliActor());
      print(`revoked ${username} in park ${parkId}`);
    });
  });

user
  .command('passwd <username>')
  .description("set a user's password (generated unless --password-stdin); ends its sessions")
  .option('--password-stdin', 'read the password from stdin')
  .action(async (username: string, opts: { passwordStdin?: boolean }) => {
    const { setUserPassword } = await import('./modules/access/index.ts');
    const { password, generated } = await passwordFrom(opts);
    await withDb(async (db) => {
      await setUserPassword(db.pool, username, password, cliActor());
      print(`password of ${username} set${generated ? `: ${password}` : ''}`);
    });
  });

const gateway = program.command('gateway').description('gateway tokens for HTTP and MQTT ingestion');

gateway
  .command('add <id>')
  .description('create a gateway and print its token (shown once)')
  .addOption(parkOption)
  .option('--name <name>', 'display name')
  .option('--meters <codes>', 'comma-separated meters it may write (default: every meter of the park)')
  .action(async (id: string, opts: { park?: string; name?: string; meters?: string }) => {
    const { createGateway } = await import('./modules/access/index.ts');
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park, config);
      const meters = opts.meters
        ?.split(',')
        .map((m) => m.trim())
        .filter(Boolean);
      const g = await createGateway(db.pool, parkId, { id, name: opts.name, meters }, cliActor());
      print(
        `gateway ${g.id} in park ${parkId}${g.meters ? ` (${g.meters.length} meters)` : ' (all meters)'}`,
      );
      print(`token: ${g.token}`);
      print(
        `MQTT: username ${parkId}/${g.id}, password = the token, topic lingtan/${parkId}/${g.id}/readings`,
      );
    });
  });

gateway
  .command('list')
  .description("a park's gateways")
  .addOption(parkOption)
  .action(async (opts: { park?: string }) => {
    const { listGateways } = await import('./modules/access/index.ts');
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park, config);
      const list = await listGateways(db.pool, parkId);
      print(
        renderTable(
          ['gateway', 'name', 'meters', 'created by', 'revoked', 'last seen'],
          list.map((g) => [
            g.id,
            g.name,
            g.meters ? String(g.meters.length) : 'all',
            g.createdBy,
            g.revoked ? 'yes' : '',
            g.lastSeenAtMs ? new Date(g.lastSeenAtMs).toISOString() : '',
          ]),
        ),
      );
    });
  });

gateway
  .command('revoke <id>')
  .description("revoke a gateway's token")
  .addOption(parkOption)
  .action(async (id: string, opts: { park?: string }) => {
    const { revokeGateway } = await import('./modules/access/index.ts');
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park, config);
      await revokeGateway(db.pool, parkId, id, cliActor());
      print(`revoked gateway ${id} in park ${parkId}`);
    });
  });

const microgrid = program
  .command('microgrid')
  .description('source-grid-load-storage: sizing and dispatch scenarios');

/** A scenario given as a file (saved first) or as the id of a saved one. */
async function scenarioId(db: Database, parkId: string, ref: string): Promise<string> {
  if (!fs.existsSync(ref)) return ref;
  const { saveScenario } = await import('./modules/microgrid/index.ts');
  // Profiles in CSV files beside the scenario are read now and saved with it: a saved scenario runs without them.
  const spec = await saveScenario(
    db.pool,
    parkId,
    fs.readFileSync(ref, 'utf8'),
    path.basename(ref),
    cliActor(),
    {
      baseDir: path.dirname(path.resolve(ref)),
    },
  );
  return spec.id;
}

/** Writes a run's per-step dispatch as CSV (park-local times) when --csv names a file. */
async function writeResultCsv(
  db: Database,
  parkId: string,
  file: string | undefined,
  outcome: Parameters<typeof ResultCsv>[0],
): Promise<void> {
  if (!file) return;
  const { resultCsv } = await import('./modules/microgrid/index.ts');
  fs.writeFileSync(file, resultCsv(outcome, (await getPark(db.pool, parkId)).timezone));
  process.stderr.write(`wrote ${file}\n`);
}

/** Progress of a long solve, on stderr. */
function solveProgress(p: SolveProgress): void {
  if (p.kind === 'iterations')
    process.stderr.write(`  ${p.iterations} iterations, ${(p.elapsedMs / 1000).toFixed(1)} s\n`);
}

/** Prints a run's notes, and — when there is no plan — why (the conflicts and their relaxations); false then. */
function reportedOptimal<T extends { status: 'optimal' }>(
  runId: number,
  outcome: T | Infeasibility | SolveFailure,
  notes: readonly string[],
): outcome is T {
  for (const n of notes) process.stderr.write(`note: ${n}\n`);
  if (outcome.status === 'optimal') return true;
  print(`run ${runId}: ${outcome.status} — ${outcome.message}`);
  for (const c of outcome.status === 'infeasible' ? outcome.conflicts : [])
    print(`  ${c.constraint}: ${c.description} (relax by ${formatNumber(c.relaxBy)} ${c.unit})`);
  process.exitCode = 1;
  return false;
}

microgrid
  .command('size <scenario>')
  .description(
    '以荷定源: the PV, wind and storage to build for a target at the least annualised cost (file or id)',
  )
  .addOption(parkOption)
  .addOption(formatOption)
  .option('--days <k>', 'fast mode: solve on k representative days', (v) => Number(v))
  .option('--compare', 'with --days: also solve the full year and report the error')
  .option('--csv <file>', 'also write the hourly dispatch as CSV (park-local times)')
  .action(
    async (
      ref: string,
      opts: { park?: string; format: string; days?: number; compare?: boolean; csv?: string },
    ) => {
      const { runSizing } = await import('./modules/microgrid/index.ts');
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park, config);
        const id = await scenarioId(db, parkId, ref);
        const { runId, outcome, notes } = await runSizing(db.pool, parkId, id, cliActor(), {
          ...(opts.days !== undefined ? { representativeDays: opts.days } : {}),
          compareWithFullYear: Boolean(opts.compare),
          onProgress: solveProgress,
        });
        if (outcome.status === 'optimal') await writeResultCsv(db, parkId, opts.csv, outcome);
        if (opts.format === 'json') return print(JSON.stringify({ runId, notes, ...outcome }, null, 2));
        if (!reportedOptimal(runId, outcome, notes)) return;
        print(`run ${runId}: optimal (${outcome.mode}), green share ${formatPercent(outcome.greenShare)}`);
        print(
          renderTable(
            ['technology', 'existing', 'added', 'total'],
            Object.entries(outcome.capacities).map(([tech, c]) => [
              tech,
              formatNumber(c.existing),
              formatNumber(c.added),
              formatNumber(c.total),
            ]),
          ),
        );
        print(
          `annual cost ${formatNumber(outcome.cost.totalCny)} CNY; levelised ${outcome.levelisedCostCnyPerKwh.toFixed(4)} CNY/kWh; ` +
            `curtailment ${formatPercent(outcome.energy.curtailmentShare)}; CO2 ${formatNumber(outcome.co2Tco2)} t`,
        );
        if (outcome.comparison)
          print(
            `representative days vs full year: ${formatPercent(outcome.comparison.relativeError)} of the objective`,
          );
      });
    },
  );

microgrid
  .command('dispatch <scenario>')
  .description(
    'plan a day (or a rolling horizon): storage, shiftable loads and PV under the tariff (file or saved scenario id)',
  )
  .addOption(parkOption)
  .addOption(formatOption)
  .option('--csv <file>', 'also write the per-step plan as CSV (park-local times)')
  .action(async (ref: string, opts: { park?: string; format: string; csv?: string }) => {
    const { runDispatch } = await import('./modules/microgrid/index.ts');
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park, config);
      const id = await scenarioId(db, parkId, ref);
      const { runId, outcome, notes } = await runDispatch(db.pool, parkId, id, cliActor(), {
        onProgress: solveProgress,
      });
      if (outcome.status === 'optimal') await writeResultCsv(db, parkId, opts.csv, outcome);
      if (opts.format === 'json') return print(JSON.stringify({ runId, notes, ...outcome }, null, 2));
      if (!reportedOptimal(runId, outcome, notes)) return;
      print(`run ${runId}: optimal plan for ${outcome.loadKw.length} steps of ${outcome.stepMinutes} min`);
      if ('rolling' in outcome)
        print(
          `${outcome.rolling.replans} re-plans of ${outcome.rolling.windowSteps} steps, each kept for ${outcome.rolling.commitSteps}`,
        );
      print(JSON.stringify(outcome.totals, null, 2));
    });
  });

const cliDeps = {
  withDb,
  resolvePark: (db: Database, given: string | undefined) => resolvePark(db, given, config),
  print,
  actor: cliActor,
  parkOption,
  formatOption,
};
registerCarbonCommands(program, cliDeps);
registerGreenCommands(program, cliDeps);
registerTraceCommand(program, { print });

program
  .command('serve')
  .description('serve the HTTP API and the web pages')
  .action(async () => {
    const { serve } = await import('./server/serve.ts');
    await serve(config, { withDemo: false });
  });

program
  .command('start')
  .description('build the demo park if there is none, then serve it (what `npm start` runs)')
  .option('--days <n>', 'days of demo data', (v) => Number(v), 365)
  .action(async (opts: { days: number }) => {
    const { serve } = await import('./server/serve.ts');
    await serve(config, { withDemo: true, demoDays: opts.days });
  });

/** A one-line progress bar on stderr (only when it is a terminal; otherwise a line every 10 %). */
function progressBar(): ((share: number, label: string) => void) & { done(): void } {
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  const started = Date.now();
  const update = (share: number, label: string) => {
    const s = Math.max(0, Math.min(1, share));
    const elapsed = (Date.now() - started) / 1000;
    const eta = s > 0.01 ? ` eta ${Math.round((elapsed / s) * (1 - s))} s` : '';
    if (tty) {
      const w = 30;
      const filled = Math.round(s * w);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(w - filled)}] ${(s * 100).toFixed(1)} % ${label}${eta}   `,
      );
    } else if (Math.floor(s * 10) > lastDecile) {
      lastDecile = Math.floor(s * 10);
      process.stderr.write(`${(s * 100).toFixed(0)} % ${label}\n`);
    }
  };
  return Object.assign(update, {
    done() {
      if (tty) process.stderr.write('\n');
    },
  });
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof AppError) {
    process.stderr.write(`lingtan: ${error.message}\n`);
    for (const issue of error.issues) process.stderr.write(`  ${formatIssue(issue)}\n`);
  } else {
    process.stderr.write(
      `lingtan: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exitCode = exitCodeFor(error);
}
