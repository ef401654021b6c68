/**
 * The carbon and indicator commands of the `lingtan` CLI: account, explain, close, indicators, factors, profiles,
 * statistics. main.ts registers them with its database and output helpers (it stays the only reader of env).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command, Option } from 'commander';
import type { Database } from '../db/database.ts';
import { formatNumber, formatPercent, renderCsv, renderTable } from '../lib/format.ts';
import type { AccountQuery, FactorStatus } from '../modules/carbon/index.ts';

/** What main.ts lends the commands. */
export interface CliDeps {
  withDb: <T>(fn: (db: Database) => Promise<T>) => Promise<T>;
  resolvePark: (db: Database, given: string | undefined) => Promise<string>;
  print: (text: string) => void;
  actor: () => string;
  /** main.ts's --park and --format options (commander shares an Option between commands). */
  parkOption: Option;
  formatOption: Option;
}

interface ScopeOpts {
  park?: string;
  period: string;
  org?: string;
  profile?: string;
  format: string;
}

const num = (v: number | null | undefined, d = 2) => formatNumber(v, d);

/** The account a scoped command names: --org (default the park), --period, --profile. */
const accountQuery = (opts: ScopeOpts): AccountQuery => ({
  organisation: opts.org ?? null,
  period: opts.period,
  ...(opts.profile ? { profile: opts.profile } : {}),
});

export function registerCarbonCommands(program: Command, deps: CliDeps): void {
  const { withDb, resolvePark, print } = deps;
  const carbon = () => import('../modules/carbon/index.ts');

  const scoped = (cmd: Command) =>
    cmd
      .addOption(deps.parkOption)
      .requiredOption('--period <period>', 'YYYY, YYYY-Qn, YYYY-MM or YYYY-MM..YYYY-MM')
      .option('--org <id>', 'one organisation (default: the whole park)')
      .option('--profile <id>', 'method profile id or id@version (default: the park province’s)')
      .addOption(deps.formatOption);

  const account = program.command('account').description('energy and CO₂ accounts: show, close, verify');

  scoped(
    account.command('show', { isDefault: true }).description('the account of the park or an organisation'),
  ).action(async (opts: ScopeOpts) => {
    const c = await carbon();
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park);
      const answer = await c.accountFor(db.pool, parkId, accountQuery(opts));
      const a = answer.account;
      if (opts.format === 'json') return print(JSON.stringify(answer, null, 2));
      if (opts.format === 'csv')
        return print(
          renderCsv(
            ['source', 'item', 'activity', 'unit', 'tco2', 'effect', 'coverage', 'formula'],
            a.lines.map((l) => [
              l.source,
              l.item,
              l.activity,
              l.activityUnit,
              l.tco2,
              l.effect,
              l.coverage,
              l.formula,
            ]),
          ),
        );
      const t = a.totals;
      print(
        `${a.organisation ?? a.park} ${a.period.from}..${a.period.to} — method ${a.method.id} v${a.method.version} ` +
          `(electricity at the ${a.method.electricityTce} value)`,
      );
      if (answer.close)
        print(
          `closed: close ${answer.close.id} by ${answer.close.closedBy}` +
            (answer.close.supersedes
              ? ` (restates close ${answer.close.supersedes}: ${answer.close.reason})`
              : ''),
        );
      print(
        renderTable(
          ['carrier', 'quantity', 'unit', 'tce', 'clean tce', 'coverage'],
          a.energy.map((e) => [
            e.carrier,
            num(e.quantity, 1),
            e.unit,
            num(e.tce, 1),
            num(e.cleanTce, 1),
            formatPercent(e.coverage),
          ]),
        ),
      );
      print('');
      print(
        renderTable(
          ['source', 'item', 'activity', 'unit', 'tCO2', 'effect', 'coverage'],
          a.lines.map((l) => [
            l.source,
            l.item,
            num(l.activity, 1),
            l.activityUnit,
            num(l.tco2, 1),
            l.effect,
            formatPercent(l.coverage),
          ]),
        ),
      );
      print('');
      print(
        renderTable(
          ['total', 'value'],
          [
            ['energy (tce)', num(t.energyTce, 1)],
            ['gross CO2 (t)', num(t.grossTco2, 1)],
            ['offsets (t)', num(t.offsetsTco2, 1)],
            ['net CO2 (t)', num(t.netTco2, 1)],
            ['CO2 per tce (t/tce)', num(t.coreTco2PerTce, 4)],
            ['clean-energy share', formatPercent(t.cleanShare)],
            ['green electricity (MWh)', num(t.greenElectricityMwh, 1)],
            ['grid electricity (MWh)', num(t.gridElectricityMwh, 1)],
            ['coverage', formatPercent(t.coverage)],
          ],
        ),
      );
      print(
        a.complete ? 'complete' : `INCOMPLETE: ${a.missing.map((m) => `${m.what} (${m.reason})`).join('; ')}`,
      );
      if (answer.restatement) {
        const r = answer.restatement;
        print(
          `RESTATEMENT pending: computed now, gross ${num(r.current.totals.grossTco2, 1)} t ` +
            `(${r.delta.grossTco2 >= 0 ? '+' : ''}${num(r.delta.grossTco2, 1)}); ${r.changes.join('; ')}`,
        );
      }
    });
  });

  scoped(account.command('close').description('close a period: freeze its account (again: a restatement)'))
    .option('--reason <text>', 'why a closed period is restated')
    .action(async (opts: ScopeOpts & { reason?: string }) => {
      const c = await carbon();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const { close, account: a } = await c.closePeriod(db.pool, parkId, {
          ...accountQuery(opts),
          ...(opts.reason ? { reason: opts.reason } : {}),
          by: deps.actor(),
        });
        if (opts.format === 'json') return print(JSON.stringify({ close, account: a }, null, 2));
        print(
          `closed ${close.organisation ?? parkId} ${close.fromMonth}..${close.toMonth} under ${close.profileId} ` +
            `v${close.profileVersion} as close ${close.id}` +
            (close.supersedes ? ` (restating close ${close.supersedes})` : '') +
            `: gross ${num(a.totals.grossTco2, 1)} tCO2, ${num(a.totals.energyTce, 1)} tce`,
        );
      });
    });

  scoped(account.command('verify').description('recompute a closed account from its frozen inputs')).action(
    async (opts: ScopeOpts) => {
      const c = await carbon();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const r = await c.verifyClose(db.pool, parkId, accountQuery(opts));
        print(
          `close ${r.close.id}: ${r.identical ? 'reproduced identically' : 'DIFFERS from its recomputation'}`,
        );
        if (!r.identical) process.exitCode = 1;
      });
    },
  );

  scoped(program.command('explain').description("an account's audit trail: inputs, factors, formulas, sums"))
    .option('--lang <lang>', 'zh-CN or en', 'zh-CN')
    .action(async (opts: ScopeOpts & { lang: string }) => {
      const c = await carbon();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const { account: a } = await c.accountFor(db.pool, parkId, accountQuery(opts));
        print(
          opts.format === 'json'
            ? c.accountToJson(a)
            : c.explainAccount(a, { lang: opts.lang === 'en' ? 'en' : 'zh-CN' }),
        );
      });
    });

  program
    .command('indicators')
    .description('the zero-carbon park scorecard: each indicator against the threshold of the park’s band')
    .addOption(deps.parkOption)
    .requiredOption('--year <year>', 'assessment year', (v) => Number(v))
    .option('--set <id>', 'indicator set id or id@version (default: the park province’s)')
    .option('--profile <id>', 'method profile of the accounts')
    .option('--target-year <year>', 'target year of sets with yearly targets', (v) => Number(v))
    .addOption(deps.formatOption)
    .action(
      async (opts: {
        park?: string;
        year: number;
        set?: string;
        profile?: string;
        targetYear?: number;
        format: string;
      }) => {
        const { scorecardFor } = await import('../modules/indicators/index.ts');
        await withDb(async (db) => {
          const parkId = await resolvePark(db, opts.park);
          const card = await scorecardFor(db.pool, parkId, {
            year: opts.year,
            ...(opts.set ? { set: opts.set } : {}),
            ...(opts.profile ? { profile: opts.profile } : {}),
            ...(opts.targetYear !== undefined ? { targetYear: opts.targetYear } : {}),
          });
          if (opts.format === 'json') return print(JSON.stringify(card, null, 2));
          const header = ['indicator', 'value', 'threshold', 'unit', 'outcome', 'gap', 'why / missing'];
          const fmt = (v: number | null, unit: string) =>
            v === null ? '—' : unit === 'share' ? formatPercent(v) : formatNumber(v, 4);
          const rows = card.results.map((r) => [
            `${r.name} (${r.indicator})`,
            fmt(r.value, r.unit),
            fmt(r.threshold, r.unit),
            r.unit,
            r.outcome,
            fmt(r.gap, r.unit),
            r.missing.length > 0 ? r.missing.join('; ') : (r.reason ?? ''),
          ]);
          if (opts.format === 'csv') return print(renderCsv(header, rows));
          print(
            `${card.set.name} (${card.set.id} v${card.set.version}) — ${card.park} ${card.year}` +
              (card.targetYear ? `, target year ${card.targetYear}` : '') +
              `; band ${card.band.label ?? '—'} (${formatNumber(card.band.energyTce, 0)} tce); method ${card.method.id} v${card.method.version}`,
          );
          print(renderTable(header, rows));
          print(`core: ${card.core}${card.account.complete ? '' : ' (the account is incomplete)'}`);
          for (const n of card.notes) print(`note: ${n}`);
        });
      },
    );

  program
    .command('threshold <set>')
    .description('fill in a threshold of an indicator set (saved as the set’s next version for the park)')
    .addOption(deps.parkOption)
    .requiredOption('--indicator <id>', 'indicator id, e.g. co2-per-energy')
    .option('--band-min <tce>', 'the band the threshold is for: at least this many tce a year', (v) =>
      Number(v),
    )
    .option('--band-max <tce>', '… and below this many', (v) => Number(v))
    .option('--year <year>', 'target year, for sets with yearly targets', (v) => Number(v))
    .requiredOption('--value <x>', 'the threshold (shares as fractions: 0.9 for 90 %)', (v) => Number(v))
    .requiredOption('--source <text>', 'the document the value comes from')
    .action(
      async (
        setId: string,
        opts: {
          park?: string;
          indicator: string;
          bandMin?: number;
          bandMax?: number;
          year?: number;
          value: number;
          source: string;
        },
      ) => {
        const { configureParkSet } = await import('../modules/indicators/index.ts');
        await withDb(async (db) => {
          const parkId = await resolvePark(db, opts.park);
          const set = await configureParkSet(
            db.pool,
            parkId,
            setId,
            [
              {
                indicator: opts.indicator,
                threshold: {
                  ...(opts.bandMin !== undefined ? { bandMinTce: opts.bandMin } : {}),
                  ...(opts.bandMax !== undefined ? { bandMaxTce: opts.bandMax } : {}),
                  ...(opts.year !== undefined ? { year: opts.year } : {}),
                },
                value: opts.value,
                source: opts.source,
              },
            ],
            deps.actor(),
          );
          print(`saved ${set.id} v${set.version}: ${opts.indicator} = ${opts.value} (${opts.source})`);
        });
      },
    );

  const factor = program.command('factor').description('factor library: defaults and your own versions');
  factor
    .command('list')
    .addOption(deps.parkOption)
    .option('--key <prefix>', 'keys starting with this, e.g. grid.provincial')
    .addOption(deps.formatOption)
    .action(async (opts: { park?: string; key?: string; format: string }) => {
      const c = await carbon();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const all = (await c.listFactors(db.pool, parkId)).filter(
          (f) => !opts.key || f.key.startsWith(opts.key),
        );
        if (opts.format === 'json') return print(JSON.stringify(all, null, 2));
        const header = ['key', 'scope', 'v', 'value', 'unit', 'from', 'status', 'source'];
        const rows = all.map((f) => [
          f.key,
          f.scope,
          String(f.version),
          String(f.value),
          f.unit,
          f.validFrom,
          f.status,
          f.source,
        ]);
        print(opts.format === 'csv' ? renderCsv(header, rows) : renderTable(header, rows));
      });
    });
  factor
    .command('add <key>')
    .description('a new version in force from a date (the earlier ones stay as they were)')
    .addOption(deps.parkOption)
    .option('--org <id>', 'for one organisation (default: the whole park)')
    .requiredOption('--value <x>', 'value', (v) => Number(v))
    .requiredOption('--unit <unit>', 'unit, as the key family has it')
    .requiredOption('--from <date>', 'park-local date it is in force from, YYYY-MM-DD')
    .requiredOption('--source <text>', 'where the value comes from')
    .option('--status <status>', 'verified | secondary | unverified | measured', 'measured')
    .option('--evidence <ref>', 'the document behind a measured value')
    .option('--note <text>')
    .action(
      async (
        key: string,
        opts: {
          park?: string;
          org?: string;
          value: number;
          unit: string;
          from: string;
          source: string;
          status: string;
          evidence?: string;
          note?: string;
        },
      ) => {
        const c = await carbon();
        const { parkSnapshot } = await import('../modules/registry/index.ts');
        await withDb(async (db) => {
          const parkId = await resolvePark(db, opts.park);
          const orgs = new Set((await parkSnapshot(db.pool, parkId)).organisations.map((o) => o.id));
          const f = await c.addFactor(db.pool, parkId, orgs, {
            ...(opts.org ? { organisation: opts.org } : {}),
            key,
            value: opts.value,
            unit: opts.unit,
            validFrom: opts.from,
            source: opts.source,
            // addFactor refuses a status that is not one of FACTOR_STATUSES, naming the field.
            status: opts.status as FactorStatus,
            ...(opts.evidence ? { evidence: opts.evidence } : {}),
            ...(opts.note ? { note: opts.note } : {}),
            by: deps.actor(),
          });
          print(`${f.key} v${f.version} (${f.scope}) = ${f.value} ${f.unit} from ${f.validFrom}`);
        });
      },
    );

  const profile = program.command('profile').description('method profiles: shipped and your own copies');
  profile
    .command('list')
    .addOption(deps.parkOption)
    .addOption(deps.formatOption)
    .action(async (opts: { park?: string; format: string }) => {
      const c = await carbon();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const all = await c.listProfiles(db.pool, parkId);
        if (opts.format === 'json') return print(JSON.stringify(all, null, 2));
        print(
          renderTable(
            ['id', 'v', 'name', 'electricity', 'grid factor', 'based on'],
            all.map((p) => [
              p.id,
              String(p.version),
              p.name,
              p.electricityTce,
              `${p.gridFactor.rule} ${p.gridFactor.level} ${p.gridFactor.dataYear}`,
              p.basedOn ? `${p.basedOn.id}@${p.basedOn.version}` : '',
            ]),
          ),
        );
      });
    });
  profile
    .command('copy <from> <id>')
    .description('save a changed copy of a profile (or the next version of your own)')
    .addOption(deps.parkOption)
    .requiredOption('--name <name>')
    .option('--changes <file>', 'JSON file with the profile fields to change')
    .action(async (from: string, id: string, opts: { park?: string; name: string; changes?: string }) => {
      const c = await carbon();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const changes = opts.changes ? (JSON.parse(fs.readFileSync(opts.changes, 'utf8')) as object) : {};
        const p = await c.saveProfile(db.pool, parkId, {
          from,
          id,
          name: opts.name,
          changes,
          by: deps.actor(),
        });
        print(`saved profile ${p.id} v${p.version} (from ${from})`);
      });
    });

  const stats = program
    .command('stats')
    .description('statistical inputs: output, waste, water, freight, offsets …');
  stats
    .command('import <file>')
    .description(
      'import a CSV: organisation,month,kind,item,value,unit,evidence,note,factor_value,factor_unit,factor_source',
    )
    .addOption(deps.parkOption)
    .action(async (file: string, opts: { park?: string }) => {
      const c = await carbon();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const r = await c.importStatisticsCsv(db.pool, parkId, fs.readFileSync(file, 'utf8'), {
          file: path.basename(file),
          actor: deps.actor(),
        });
        print(
          `${r.received} rows: ${r.inserted} new versions, ${r.unchanged} unchanged, ${r.rejected.length} refused` +
            (r.batchId === null ? ' (this content was imported before)' : ` (batch ${r.batchId})`),
        );
        for (const rej of r.rejected)
          for (const i of rej.issues) print(`  ${file}:${rej.line} ${i.field ?? ''}: ${i.reason}`);
        if (r.rejected.length > 0) process.exitCode = 65;
      });
    });
  stats
    .command('list')
    .addOption(deps.parkOption)
    .requiredOption('--period <period>', 'YYYY, YYYY-Qn, YYYY-MM or YYYY-MM..YYYY-MM')
    .option('--org <id>')
    .addOption(deps.formatOption)
    .action(async (opts: { park?: string; period: string; org?: string; format: string }) => {
      const c = await carbon();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const months = c.accountMonths(opts.period);
        const rows = await c.listStatistics(
          db.pool,
          parkId,
          months[0]!,
          months[months.length - 1]!,
          opts.org,
        );
        if (opts.format === 'json') return print(JSON.stringify(rows, null, 2));
        const header = ['organisation', 'month', 'kind', 'item', 'value', 'unit', 'v', 'by', 'evidence'];
        const cells = rows.map((s) => [
          s.organisation,
          s.month,
          s.kind,
          s.item,
          String(s.value),
          s.unit,
          String(s.version),
          s.enteredBy,
          s.evidence ?? '',
        ]);
        print(opts.format === 'csv' ? renderCsv(header, cells) : renderTable(header, cells));
      });
    });
}
