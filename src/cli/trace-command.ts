/**
 * `lingtan trace <file>`: physical tracing of grid electricity (proportional sharing). One network snapshot → each
 * load's shares by generator and technology; a series of snapshots or a zone model → the hourly green share of one
 * load or zone, optionally written as the `at,green_share` CSV the hourly matching reads. Needs no database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { AppError } from '../lib/errors.ts';
import { formatNumber, formatPercent, renderTable } from '../lib/format.ts';
import type {
  SeriesPoint,
  SeriesSummary,
  SnapshotTrace,
  ZoneInfo,
  ZoneYearInput,
} from '../modules/green/index.ts';

interface TraceOpts {
  format: 'table' | 'json';
  load?: string;
  zone?: string;
  csv?: string;
  tolerance?: number;
  green?: string;
}

/** Registers `trace`; `print` writes a block of text to stdout. */
export function registerTraceCommand(program: Command, deps: { print: (text: string) => void }): void {
  const { print } = deps;
  program
    .command('trace <file>')
    .description(
      'trace grid electricity to its generators (proportional sharing): a network snapshot, an array of hourly ' +
        'snapshots, or a zone model (docs/green-tracing.md)',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--load <id>', 'one load: its shares (snapshot) or its hourly green share (series)')
    .option('--zone <id>', 'one zone: the loads of its buses (snapshots) or the zone of a zone model')
    .option('--csv <file>', 'write the hourly green share as CSV (at,green_share) for the hourly matching')
    .option('--tolerance <mw>', 'balance tolerance at a bus, MW (default 0.01)', (v) => Number(v))
    .option(
      '--green <list>',
      'technologies counted as green (default pv,wind,hydro,biomass,geothermal,ocean)',
    )
    .action(async (file: string, opts: TraceOpts) => {
      const green = await import('../modules/green/index.ts');
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        throw new AppError(
          'NOT_FOUND',
          `${file}: cannot read it (${(error as NodeJS.ErrnoException).code})`,
          {
            cause: error,
          },
        );
      }
      if (opts.tolerance !== undefined && !(opts.tolerance >= 0))
        throw new AppError('BAD_INPUT', '--tolerance: a number of MW ≥ 0');
      const options = {
        ...(opts.tolerance !== undefined ? { toleranceMw: opts.tolerance } : {}),
        ...(opts.green
          ? {
              greenTechnologies: opts.green
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean),
            }
          : {}),
      };
      const input = green.parseTraceFile(text, path.basename(file), options);
      if (input.kind === 'snapshot') {
        if (opts.csv)
          throw new AppError(
            'BAD_INPUT',
            '--csv writes an hourly series: give an array of snapshots or a zone model',
          );
        const trace = green.traceSnapshot(input.snapshot, options);
        return printSnapshot(print, trace, opts);
      }
      let points: SeriesPoint[];
      let what: string;
      if (input.kind === 'series') {
        if (opts.load && opts.zone) throw new AppError('BAD_INPUT', 'give --load or --zone, not both');
        points = green.traceSeries(
          input.snapshots,
          { ...(opts.load ? { load: opts.load } : {}), ...(opts.zone ? { zone: opts.zone } : {}) },
          options,
        );
        what = opts.load ? `load ${opts.load}` : opts.zone ? `zone ${opts.zone}` : 'all loads';
      } else {
        if (opts.load)
          throw new AppError('BAD_INPUT', 'a zone model has no loads: choose a zone with --zone');
        const zones = input.model.zones.map((z) => z.id);
        const zone = opts.zone ?? (zones.length === 1 ? zones[0] : undefined);
        if (zone === undefined) {
          if (opts.csv)
            throw new AppError(
              'BAD_INPUT',
              `--csv writes one zone's series: choose it with --zone (${zones.join(', ')})`,
            );
          const rows = input.model.zones.map((z) => ({
            zone: z,
            summary: green.summariseSeries(green.zoneSeries(input.model, z.id, options)),
          }));
          return printZones(print, input.model, rows, opts);
        }
        points = green.zoneSeries(input.model, zone, options);
        what = `zone ${zone}`;
      }
      if (opts.csv) {
        fs.writeFileSync(opts.csv, green.greenShareCsv(points));
        process.stderr.write(`wrote ${opts.csv} (${points.length} rows)\n`);
      }
      const summary = green.summariseSeries(points);
      if (opts.format === 'json') return print(JSON.stringify({ target: what, summary, points }, null, 2));
      printSummary(print, what, summary);
    });
}

function printSnapshot(print: (text: string) => void, trace: SnapshotTrace, opts: TraceOpts): void {
  const loads = trace.loads.filter(
    (l) => (!opts.load || l.load === opts.load) && (!opts.zone || l.zone === opts.zone),
  );
  if ((opts.load || opts.zone) && loads.length === 0)
    throw new AppError('NOT_FOUND', opts.load ? `no load "${opts.load}"` : `no load in zone "${opts.zone}"`);
  if (opts.format === 'json')
    return print(JSON.stringify(opts.load || opts.zone ? { ...trace, loads } : trace, null, 2));
  const technologies = [...new Set(loads.flatMap((l) => Object.keys(l.byTechnology)))].sort();
  print(
    `${trace.at ?? 'snapshot'}: generation ${formatNumber(trace.generationMw)} MW, load ${formatNumber(trace.loadMw)} MW, ` +
      `losses ${formatNumber(trace.lossesMw)} MW (charged to loads); ${trace.method.id} v${trace.method.version}` +
      (trace.solver === 'general' ? ' (flows run round loops: solved exactly)' : ''),
  );
  print(
    renderTable(
      ['load', 'bus', 'MW', 'gross MW', 'green', ...technologies],
      loads.map((l) => [
        l.load,
        l.bus,
        formatNumber(l.mw),
        formatNumber(l.grossMw),
        formatPercent(l.greenShare),
        ...technologies.map((t) => formatPercent(l.byTechnology[t] ?? 0)),
      ]),
    ),
  );
  // One load: where each MW comes from, generator by generator.
  if (opts.load && loads[0]) {
    print('');
    print(
      renderTable(
        ['generator', 'technology', 'share', 'MW'],
        loads[0].byGenerator.map((g) => [
          g.generator,
          g.technology,
          formatPercent(g.share, 2),
          formatNumber(g.mw, 2),
        ]),
      ),
    );
  }
}

function printSummary(print: (text: string) => void, what: string, s: SeriesSummary): void {
  print(
    `${what}: ${s.points} hours, ${formatNumber(s.energyMwh, 0)} MWh, green share ${formatPercent(s.greenShare)} ` +
      `(hourly ${formatPercent(s.minGreenShare)} to ${formatPercent(s.maxGreenShare)})`,
  );
  print(
    renderTable(
      ['month', 'green share'],
      Object.entries(s.byMonth).map(([month, share]) => [month, formatPercent(share)]),
    ),
  );
}

function printZones(
  print: (text: string) => void,
  model: ZoneYearInput,
  rows: { zone: ZoneInfo; summary: SeriesSummary }[],
  opts: TraceOpts,
): void {
  if (opts.format === 'json') return print(JSON.stringify(rows, null, 2));
  if (model.title) print(model.title);
  if (model.note) print(model.note);
  print(
    renderTable(
      ['zone', 'hours', 'MWh', 'green share', 'lowest hour', 'highest hour'],
      rows.map(({ zone, summary: s }) => [
        zone.name ? `${zone.name} (${zone.id})` : zone.id,
        String(s.points),
        formatNumber(s.energyMwh, 0),
        formatPercent(s.greenShare),
        formatPercent(s.minGreenShare),
        formatPercent(s.maxGreenShare),
      ]),
    ),
  );
}
