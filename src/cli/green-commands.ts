/**
 * The green-electricity commands of the `lingtan` CLI: the certificate ledger (import, transfer, claim, expire),
 * green-power trades and their settlements, the grid's green share, matching and the consumption statement.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../lib/errors.ts';
import { formatNumber, formatPercent, renderTable } from '../lib/format.ts';
import type { CliDeps } from './carbon-commands.ts';

interface ParkOpts {
  park?: string;
  format: string;
}

/** `SERIES:FIRST-LAST` or `SERIES:N` → a serial span. */
export function parseSpan(text: string): { series: string; firstSerial: number; lastSerial: number } {
  const m = /^(.+):(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m)
    throw new AppError('BAD_INPUT', `--span "${text}": expected SERIES:FIRST-LAST (e.g. GEC-2025-03:1-500)`);
  const first = Number(m[2]);
  return { series: m[1]!, firstSerial: first, lastSerial: m[3] === undefined ? first : Number(m[3]) };
}

/** `2025-03` or `2025-01..2025-06` → a month span. */
export function parseMonthSpan(text: string): { from: string; to: string } {
  const [from = '', to = from] = text.trim().split('..');
  if (!/^\d{4}-\d{2}$/.test(from) || !/^\d{4}-\d{2}$/.test(to))
    throw new AppError('BAD_INPUT', `--period "${text}": expected YYYY-MM or YYYY-MM..YYYY-MM (or YYYY)`);
  return { from, to };
}

const periodOf = (text: string) =>
  /^\d{4}$/.test(text.trim()) ? { from: `${text.trim()}-01`, to: `${text.trim()}-12` } : parseMonthSpan(text);

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerGreenCommands(program: Command, deps: CliDeps): void {
  const { withDb, resolvePark, print } = deps;
  const green = () => import('../modules/green/index.ts');
  const mwh = (v: number) => formatNumber(v, 0);

  const cmd = program
    .command('green')
    .description('green electricity: certificate ledger, trades, grid green share, matching, statements');

  cmd
    .command('ledger', { isDefault: true })
    .description('the certificate ledger: totals by state, ranges, recent events')
    .addOption(deps.parkOption)
    .option('--org <id>', 'what one organisation holds or claimed')
    .addOption(deps.formatOption)
    .action(async (opts: ParkOpts & { org?: string }) => {
      const g = await green();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const view = await g.ledgerView(
          db.pool,
          parkId,
          opts.org === undefined ? {} : { organisation: opts.org },
        );
        if (opts.format === 'json') return print(JSON.stringify(view, null, 2));
        const t = view.totals;
        print(
          `certificates (MWh): held ${mwh(t.held)} · transferred ${mwh(t.transferred)} · claimed ${mwh(t.claimed)} · expired ${mwh(t.expired)}`,
        );
        print(
          renderTable(
            ['series', 'serials', 'MWh', 'tech', 'produced', 'state', 'holder', 'trade', 'claim', 'valid to'],
            view.ranges.map((r) => [
              r.series,
              `${r.firstSerial}–${r.lastSerial}`,
              mwh(r.mwh),
              r.technology,
              r.productionMonth,
              r.state + (r.expiryDue ? ' (expiry due)' : ''),
              r.holder || '(park)',
              r.tradeId ?? '',
              r.claim
                ? `${r.claim.consumer || '(park)'} ${r.claim.period.from}..${r.claim.period.to} #${r.claim.eventId}`
                : '',
              g.monthsOf({ from: r.productionMonth, to: r.expiresIn }).at(-2) ?? '',
            ]),
          ),
        );
      });
    });

  cmd
    .command('import <file>')
    .description(
      'import certificate ranges (CSV: series, first_serial, last_serial, project_id, technology, production_month, …)',
    )
    .addOption(deps.parkOption)
    .option('--evidence <text>', 'the record the ranges come from (default: the file name and its hash)')
    .addOption(deps.formatOption)
    .action(async (file: string, opts: ParkOpts & { evidence?: string }) => {
      const g = await green();
      const content = fs.readFileSync(file, 'utf8');
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const r = await g.importCertificatesCsv(db.pool, parkId, content, {
          file: path.basename(file),
          actor: deps.actor(),
          ...(opts.evidence ? { evidence: opts.evidence } : {}),
        });
        printImport(print, opts.format, r);
      });
    });

  const spanOrAmount = (c: Command) =>
    c
      .option('--span <SERIES:FIRST-LAST>', 'certificates by serials (repeatable)', collect)
      .option('--mwh <n>', 'or an amount: the oldest eligible certificates first')
      .option('--trade <id>', 'only certificates of this trade')
      .option('--technology <tech>', 'only this technology')
      .requiredOption('--evidence <text>', 'the transfer or cancellation record')
      .addOption(deps.parkOption)
      .addOption(deps.formatOption);

  interface OpOpts extends ParkOpts {
    span?: string[];
    mwh?: string;
    trade?: string;
    technology?: string;
    evidence: string;
  }
  const selection = (
    opts: OpOpts,
  ):
    | { spans: ReturnType<typeof parseSpan>[] }
    | { amountMwh: number; from: { tradeId?: string; technology?: never } } => {
    if (opts.span && opts.mwh) throw new AppError('BAD_INPUT', 'give --span or --mwh, not both');
    if (opts.span) return { spans: opts.span.map(parseSpan) };
    if (!opts.mwh)
      throw new AppError('BAD_INPUT', 'give the certificates: --span SERIES:FIRST-LAST or --mwh N');
    return {
      amountMwh: Number(opts.mwh),
      from: {
        ...(opts.trade ? { tradeId: opts.trade } : {}),
        ...(opts.technology ? { technology: opts.technology as never } : {}),
      },
    };
  };
  const report = (
    opts: ParkOpts,
    r: Awaited<ReturnType<Awaited<ReturnType<typeof green>>['applyLedgerOperation']>>,
  ) => {
    if (opts.format === 'json') return print(JSON.stringify(r, null, 2));
    const b = r.event.body;
    const spans =
      b.kind === 'import'
        ? ''
        : b.spans.length
          ? b.spans.map((s) => `${s.series} #${s.firstSerial}–${s.lastSerial}`).join(', ')
          : 'nothing';
    print(`event #${r.event.id} ${b.kind}: ${spans}`);
    const t = r.totals;
    print(
      `ledger (MWh): held ${mwh(t.held)} · transferred ${mwh(t.transferred)} · claimed ${mwh(t.claimed)} · expired ${mwh(t.expired)}`,
    );
  };

  spanOrAmount(
    cmd
      .command('transfer')
      .description('transfer (划转) held certificates to an organisation of the park')
      .requiredOption('--to <org>', 'the receiving organisation')
      .option('--from-holder <org>', 'with --mwh: certificates of this holder (default: the park account)'),
  ).action(async (opts: OpOpts & { to: string; fromHolder?: string }) => {
    const g = await green();
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park);
      const sel = selection(opts);
      const op =
        'spans' in sel
          ? {
              kind: 'transfer' as const,
              spans: sel.spans,
              to: opts.to,
              ...(opts.trade ? { tradeId: opts.trade } : {}),
            }
          : {
              kind: 'transfer' as const,
              amountMwh: sel.amountMwh,
              from: { ...sel.from, holder: opts.fromHolder ?? '' },
              to: opts.to,
            };
      report(
        opts,
        await g.applyLedgerOperation(db.pool, parkId, op, { actor: deps.actor(), evidence: opts.evidence }),
      );
    });
  });

  spanOrAmount(
    cmd
      .command('claim')
      .description(
        'claim (核销) certificates for a consumer and its consumption months: each certificate once',
      )
      .requiredOption('--for <org>', 'the consuming organisation, or "park" for the park as a whole')
      .requiredOption('--period <months>', 'YYYY, YYYY-MM or YYYY-MM..YYYY-MM'),
  ).action(async (opts: OpOpts & { for: string; period: string }) => {
    const g = await green();
    await withDb(async (db) => {
      const parkId = await resolvePark(db, opts.park);
      const target = { consumer: opts.for === 'park' ? '' : opts.for, period: periodOf(opts.period) };
      const sel = selection(opts);
      const op =
        'spans' in sel
          ? { kind: 'claim' as const, spans: sel.spans, target }
          : { kind: 'claim' as const, ...sel, target };
      report(
        opts,
        await g.applyLedgerOperation(db.pool, parkId, op, { actor: deps.actor(), evidence: opts.evidence }),
      );
    });
  });

  cmd
    .command('expire')
    .description('record as expired every held or transferred certificate past its 24 months')
    .addOption(deps.parkOption)
    .addOption(deps.formatOption)
    .action(async (opts: ParkOpts) => {
      const g = await green();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        report(
          opts,
          await g.applyLedgerOperation(
            db.pool,
            parkId,
            { kind: 'expire', month: '' },
            { actor: deps.actor(), evidence: '' },
          ),
        );
      });
    });

  const trades = cmd
    .command('trades')
    .description('green-power trades (绿电交易): list, import contracts and settlements');
  trades
    .command('list', { isDefault: true })
    .addOption(deps.parkOption)
    .option('--org <id>', 'trades of one buyer')
    .addOption(deps.formatOption)
    .action(async (opts: ParkOpts & { org?: string }) => {
      const g = await green();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const list = await g.listTrades(db.pool, parkId, opts.org);
        if (opts.format === 'json') return print(JSON.stringify(list, null, 2));
        print(
          renderTable(
            [
              'trade',
              'buyer',
              'counterparty',
              'tech',
              'period',
              'contracted MWh',
              'settled MWh',
              'settlement',
              'certificates',
              'claimed',
            ],
            list.map((t) => [
              t.id,
              t.buyer,
              t.counterparty,
              t.technology,
              `${t.period.from}..${t.period.to}`,
              mwh(t.contractedMwh),
              mwh(t.settledMwh),
              t.settlement,
              mwh(t.certificatesMwh),
              mwh(t.claimedMwh),
            ]),
          ),
        );
      });
    });
  for (const [name, what] of [
    [
      'import',
      'contracts (CSV: id, buyer, counterparty, technology, from, to, contracted_mwh, evidence, settlement)',
    ],
    ['settle', 'settled volumes (CSV: trade_id, at, mwh; at = YYYY-MM or an hour start)'],
  ] as const)
    trades
      .command(`${name} <file>`)
      .description(`import ${what}`)
      .addOption(deps.parkOption)
      .addOption(deps.formatOption)
      .action(async (file: string, opts: ParkOpts) => {
        const g = await green();
        const content = fs.readFileSync(file, 'utf8');
        await withDb(async (db) => {
          const parkId = await resolvePark(db, opts.park);
          const o = { file: path.basename(file), actor: deps.actor() };
          const r =
            name === 'import'
              ? await g.importTradesCsv(db.pool, parkId, content, o)
              : await g.importSettlementsCsv(db.pool, parkId, content, o);
          printImport(print, opts.format, r);
        });
      });

  const grid = cmd.command('grid-share').description("the grid's green share per hour or month (data sets)");
  grid
    .command('list', { isDefault: true })
    .addOption(deps.parkOption)
    .addOption(deps.formatOption)
    .action(async (opts: ParkOpts) => {
      const g = await green();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const sets = await g.gridShareSets(db.pool, parkId);
        if (opts.format === 'json') return print(JSON.stringify(sets, null, 2));
        print(
          renderTable(
            ['id', 'v', 'label', 'status', 'resolution', 'values', 'from', 'to', 'source'],
            sets.map((s) => [
              s.id,
              String(s.version),
              s.label,
              s.status,
              s.resolution,
              String(s.values),
              s.from ?? '',
              s.to ?? '',
              s.source,
            ]),
          ),
        );
      });
    });
  grid
    .command('import <file>')
    .description('import a data set (CSV: at, green_share), e.g. the output of `lingtan trace … --csv`')
    .requiredOption('--id <id>', 'data set id (a new upload is its next version)')
    .requiredOption('--source <text>', 'where the values come from')
    .option('--label <text>', 'a name to show')
    .option('--status <status>', 'published | estimated | traced | unverified', 'unverified')
    .addOption(deps.parkOption)
    .addOption(deps.formatOption)
    .action(
      async (
        file: string,
        opts: ParkOpts & { id: string; source: string; label?: string; status: string },
      ) => {
        const g = await green();
        if (!['published', 'estimated', 'traced', 'unverified'].includes(opts.status))
          throw new AppError(
            'BAD_INPUT',
            `--status "${opts.status}": published, estimated, traced or unverified`,
          );
        const content = fs.readFileSync(file, 'utf8');
        await withDb(async (db) => {
          const parkId = await resolvePark(db, opts.park);
          const r = await g.importGridShareCsv(db.pool, parkId, content, {
            file: path.basename(file),
            actor: deps.actor(),
            id: opts.id,
            label: opts.label ?? opts.id,
            source: opts.source,
            status: opts.status as 'unverified',
          });
          printImport(print, opts.format, r);
          if (opts.format !== 'json')
            print(
              r.version === null ? 'unchanged: same values as the latest version' : `version ${r.version}`,
            );
        });
      },
    );

  cmd
    .command('match')
    .description('annual, monthly and hourly matching (24/7 CFE) of every organisation and the park')
    .addOption(deps.parkOption)
    .requiredOption('--period <period>', 'YYYY, YYYY-Qn, YYYY-MM or YYYY-MM..YYYY-MM')
    .option('--org <id>', 'one organisation')
    .option(
      '--grid-share <id>',
      "grid green share data set (id, id@version, or 'none'; default: the latest hourly)",
    )
    .option(
      '--contract <resource=org:share,…>',
      'divide a shared resource by contract instead of pro rata (repeatable), e.g. OPS-EL-PV=ALU:0.5,DC:0.3',
      collect,
    )
    .addOption(deps.formatOption)
    .action(
      async (opts: ParkOpts & { period: string; org?: string; gridShare?: string; contract?: string[] }) => {
        const g = await green();
        await withDb(async (db) => {
          const parkId = await resolvePark(db, opts.park);
          const a = await g.matchingFor(db.pool, parkId, {
            period: opts.period,
            heatMaps: opts.format === 'json' ? (opts.org ? [opts.org] : 'all') : 'none',
            ...(opts.gridShare ? { gridShare: opts.gridShare } : {}),
            ...(opts.contract ? { allocation: g.parseContracts(opts.contract) } : {}),
          });
          const rows = [
            ...a.result.consumers.filter((c) => !opts.org || c.id === opts.org),
            ...(opts.org ? [] : [a.result.park]),
          ];
          if (opts.org && rows.length === 0) throw new AppError('NOT_FOUND', `no organisation "${opts.org}"`);
          if (opts.format === 'json')
            return print(JSON.stringify({ ...a, result: { ...a.result, consumers: rows } }, null, 2));
          const pct = (v: number | null) => formatPercent(v, 1);
          print(`${a.park} ${a.period.from}..${a.period.to} — method ${a.result.method}`);
          print(
            a.gridShare
              ? `grid green share: ${a.gridShare.id} v${a.gridShare.version} (${a.gridShare.status}, ${a.gridShare.resolution}): ${a.gridShare.source}`
              : 'grid green share: none (the grid counts as 0 % green)',
          );
          print(
            renderTable(
              ['', 'load MWh', 'annual', 'monthly', 'hourly', 'CFE', 'unmatched h', 'surplus MWh'],
              rows.map((c) => [
                c.id,
                mwh(c.loadMwh),
                pct(c.annual.matchedShare),
                pct(c.monthly.matchedShare),
                pct(c.hourly.matchedShare),
                pct(c.cfeScore),
                String(c.unmatched.hours),
                mwh(c.hourly.surplusMwh),
              ]),
            ),
          );
          print(`data completeness: ${pct(a.completeness.share)}`);
          for (const w of a.warnings) print(`warning: ${w}`);
        });
      },
    );

  cmd
    .command('statement')
    .description(
      "an organisation's green-electricity consumption statement: sources with evidence, shares by method",
    )
    .addOption(deps.parkOption)
    .requiredOption('--org <id>', 'the organisation')
    .requiredOption('--period <period>', 'YYYY, YYYY-Qn, YYYY-MM or YYYY-MM..YYYY-MM')
    .option('--grid-share <id>', 'grid green share data set')
    .addOption(deps.formatOption)
    .action(async (opts: ParkOpts & { period: string; org: string; gridShare?: string }) => {
      const g = await green();
      await withDb(async (db) => {
        const parkId = await resolvePark(db, opts.park);
        const s = await g.statementFor(db.pool, parkId, opts.org, {
          period: opts.period,
          ...(opts.gridShare ? { gridShare: opts.gridShare } : {}),
        });
        if (opts.format === 'json') return print(JSON.stringify(s, null, 2));
        const pct = (v: number | null) => formatPercent(v, 1);
        print(`绿色电力消费说明 Green-electricity consumption statement`);
        print(
          `${s.park.name} · ${s.organisation.name} (${s.organisation.id}) · ${s.period.from}..${s.period.to}`,
        );
        print(
          `consumption ${mwh(s.consumptionMwh)} MWh · method ${s.method} · data completeness ${pct(s.completeness)}`,
        );
        print(
          renderTable(
            ['kind', 'id', 'technology', 'MWh', 'evidence'],
            s.sources.map((x) => [x.kind, x.id, x.technology, formatNumber(x.mwh, 1), x.evidence.join('; ')]),
          ),
        );
        print(
          `green share: annual ${pct(s.shares.annual)} · monthly ${pct(s.shares.monthly)} · hourly ${pct(s.shares.hourly)} · 24/7 CFE ${pct(s.shares.cfe)}`,
        );
        print(
          `unmatched hours ${s.unmatched.hours} (${mwh(s.unmatched.energyMwh)} MWh) · surplus ${mwh(s.surplusMwh)} MWh`,
        );
        print(
          s.gridShare
            ? `grid green share: ${s.gridShare.id} v${s.gridShare.version} (${s.gridShare.status}): ${s.gridShare.source}`
            : 'grid green share: none',
        );
        for (const w of s.warnings) print(`warning: ${w}`);
      });
    });
}

function printImport(
  print: (t: string) => void,
  format: string,
  r: {
    received: number;
    accepted: number;
    unchanged: number;
    rejected: { line: number; issues: { file?: string; line?: number; field?: string; reason: string }[] }[];
  },
): void {
  if (format === 'json') return print(JSON.stringify(r, null, 2));
  print(
    `received ${r.received} · accepted ${r.accepted} · unchanged ${r.unchanged} · refused ${r.rejected.length}`,
  );
  for (const x of r.rejected)
    for (const i of x.issues)
      print(`  ${i.file ?? ''}:${i.line ?? x.line} ${i.field ? `${i.field}: ` : ''}${i.reason}`);
}
