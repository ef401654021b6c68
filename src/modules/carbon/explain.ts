/**
 * An account for people and for files: a fixed-width text explanation (inputs, lines with their formulas and
 * factors, totals, method, factor sources) in Chinese or English, and JSON with a stable key order. Figures are
 * rounded here, for display only, to the profile's decimals; the account itself is unrounded.
 */
import { canonicalJson } from '../../lib/json.ts';
import type { Account, EmissionLine, FactorRef } from './types.ts';

/** Display language of an explanation. */
export type ExplainLang = 'zh-CN' | 'en';

const LABELS = {
  'zh-CN': {
    title: '碳排放核算说明',
    park: '园区',
    organisation: '核算主体',
    wholePark: '园区整体',
    period: '核算期',
    months: '个月',
    method: '核算方法',
    electricity: '电力折标',
    calorific: '当量值',
    equivalent: '等价值',
    gridRule: '电网因子规则',
    complete: '数据完整',
    yes: '是',
    no: '否',
    inputs: '能源输入',
    carrier: '能源品种',
    unit: '单位',
    quantity: '净消费量',
    tce: '折标煤(tce)',
    cleanTce: '清洁能源(tce)',
    coverage: '覆盖率',
    lines: '排放明细',
    line: '条目',
    activity: '活动水平',
    factors: '因子',
    formula: '公式',
    tco2: 'tCO₂',
    effect: '计入方式',
    totals: '合计',
    energyTce: '综合能源消费量(tce)',
    cleanEnergyTce: '清洁能源消费量(tce)',
    cleanShare: '清洁能源占比',
    gross: '碳排放总量(tCO₂)',
    offsets: '抵消量(tCO₂)',
    net: '净排放量(tCO₂)',
    memo: '备注项(tCO₂)',
    core: '单位能耗碳排放(tCO₂/tce)',
    green: '绿色电力(MWh)',
    grid: '电网购电(MWh)',
    allocation: '公共分摊',
    shared: '分摊主体',
    missing: '缺失数据',
    warnings: '提示',
    choices: '方法选择',
    field: '项目',
    status: '状态',
    note: '说明',
    factorList: '因子来源',
    key: '因子',
    scope: '适用范围',
    version: '版本',
    value: '数值',
    validFrom: '生效日期',
    source: '来源',
    none: '无',
    effects: { add: '计入', subtract: '扣减', net_only: '仅净排放扣减', memo: '备注' },
  },
  en: {
    title: 'Carbon account explained',
    park: 'Park',
    organisation: 'Organisation',
    wholePark: 'whole park',
    period: 'Period',
    months: 'months',
    method: 'Method',
    electricity: 'Electricity to tce',
    calorific: 'calorific value',
    equivalent: 'equivalent value',
    gridRule: 'Grid factor rule',
    complete: 'Complete',
    yes: 'yes',
    no: 'no',
    inputs: 'Energy inputs',
    carrier: 'carrier',
    unit: 'unit',
    quantity: 'net quantity',
    tce: 'tce',
    cleanTce: 'clean tce',
    coverage: 'coverage',
    lines: 'Emission lines',
    line: 'line',
    activity: 'activity',
    factors: 'factors',
    formula: 'formula',
    tco2: 'tCO2',
    effect: 'effect',
    totals: 'Totals',
    energyTce: 'Energy consumption (tce)',
    cleanEnergyTce: 'Clean energy (tce)',
    cleanShare: 'Clean-energy share',
    gross: 'Gross emissions (tCO2)',
    offsets: 'Offsets (tCO2)',
    net: 'Net emissions (tCO2)',
    memo: 'Memo (tCO2)',
    core: 'CO2 per unit of energy (tCO2/tce)',
    green: 'Green electricity (MWh)',
    grid: 'Grid electricity (MWh)',
    allocation: 'Allocation of shared organisations',
    shared: 'shared',
    missing: 'Missing inputs',
    warnings: 'Warnings',
    choices: 'Method choices',
    field: 'field',
    status: 'status',
    note: 'note',
    factorList: 'Factors and sources',
    key: 'key',
    scope: 'scope',
    version: 'v',
    value: 'value',
    validFrom: 'valid from',
    source: 'source',
    none: 'none',
    effects: { add: 'add', subtract: 'subtract', net_only: 'net only', memo: 'memo' },
  },
} as const;

/** Display width of a string in a fixed-width font: East Asian wide characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      c >= 0x20000;
    w += wide ? 2 : 1;
  }
  return w;
}

const pad = (s: string, width: number, right: boolean) => {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
};

/** A fixed-width table: a header, a rule, the rows; columns listed in `numeric` are right-aligned. */
function table(header: string[], rows: string[][], numeric: readonly number[] = []): string[] {
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i] ?? 0, numeric.includes(i)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** A number rounded for display; -0 shows as 0. */
function fmt(n: number | null, decimals: number): string {
  if (n === null) return '—';
  const s = n.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** An activity or quantity for display: up to three decimals, trailing zeros dropped. */
function qty(n: number): string {
  return fmt(Number(n.toFixed(3)), 3).replace(/\.?0+$/, '') || '0';
}

const factorShort = (f: FactorRef) => `${f.key}@${f.version}=${f.value} ${f.unit}`;

/** A readable fixed-width explanation of an account. */
export function explainAccount(account: Account, opts: { lang: ExplainLang }): string {
  const L = LABELS[opts.lang];
  const r = account.method.rounding;
  const t = account.totals;
  const out: string[] = [];
  out.push(L.title, '='.repeat(displayWidth(L.title)));
  out.push(`${L.park}: ${account.park}`);
  out.push(`${L.organisation}: ${account.organisation ?? L.wholePark}`);
  out.push(
    `${L.period}: ${account.period.from} – ${account.period.to} (${account.period.months.length} ${L.months})`,
  );
  const name = opts.lang === 'en' ? account.method.nameEn : account.method.name;
  out.push(`${L.method}: ${account.method.id} v${account.method.version} ${name}`);
  out.push(`${L.electricity}: ${L[account.method.electricityTce]}`);
  const g = account.method.gridFactor;
  out.push(`${L.gridRule}: ${g.rule}, ${g.level}, ${g.dataYear}`);
  out.push(`${L.complete}: ${account.complete ? L.yes : L.no}`, '');

  out.push(L.inputs);
  out.push(
    ...table(
      [L.carrier, L.unit, L.quantity, L.tce, L.cleanTce, L.coverage],
      account.energy.map((e) => [
        e.carrier,
        e.unit,
        qty(e.quantity),
        fmt(e.tce, r.tce),
        fmt(e.cleanTce, r.tce),
        `${fmt(e.coverage * 100, 1)}%`,
      ]),
      [2, 3, 4, 5],
    ),
    '',
  );

  out.push(L.lines);
  out.push(
    ...table(
      [L.line, L.activity, L.unit, L.factors, L.formula, L.tco2, L.effect, L.coverage],
      account.lines.map((l: EmissionLine) => [
        l.id,
        qty(l.activity),
        l.activityUnit,
        l.factors.map(factorShort).join('; ') || '—',
        l.formula,
        fmt(l.tco2, r.tco2),
        L.effects[l.effect],
        `${fmt(l.coverage * 100, 1)}%`,
      ]),
      [1, 5, 7],
    ),
    '',
  );

  out.push(L.totals);
  const memo = Object.entries(t.memoTco2)
    .map(([k, v]) => `${k} ${fmt(v ?? 0, r.tco2)}`)
    .join(', ');
  out.push(
    ...table(
      ['', ''],
      [
        [L.energyTce, fmt(t.energyTce, r.tce)],
        [L.cleanEnergyTce, fmt(t.cleanEnergyTce, r.tce)],
        [L.cleanShare, fmt(t.cleanShare, r.share)],
        [L.gross, fmt(t.grossTco2, r.tco2)],
        [L.offsets, fmt(t.offsetsTco2, r.tco2)],
        [L.net, fmt(t.netTco2, r.tco2)],
        [L.memo, memo || L.none],
        [L.core, fmt(t.coreTco2PerTce, r.indicator)],
        [L.green, qty(t.greenElectricityMwh)],
        [L.grid, qty(t.gridElectricityMwh)],
        [L.coverage, `${fmt(t.coverage * 100, 1)}%`],
      ],
      [1],
    ).slice(2),
    '',
  );

  if (account.allocation) {
    out.push(
      `${L.allocation}: ${account.allocation.key}; ${L.shared}: ${account.allocation.shared.join(', ') || L.none}`,
    );
    for (const [month, shares] of Object.entries(account.allocation.shares)) {
      out.push(
        `  ${month}: ${Object.entries(shares)
          .map(([o, s]) => `${o} ${fmt(s, r.share)}`)
          .join(', ')}`,
      );
    }
    out.push('');
  }
  for (const [label, list] of [
    [L.missing, account.missing],
    [L.warnings, account.warnings],
  ] as const) {
    if (list.length === 0) continue;
    out.push(label);
    for (const m of list) out.push(`- ${m.what}: ${m.reason} (${m.months.join(', ')})`);
    out.push('');
  }

  out.push(L.choices);
  out.push(
    ...table(
      [L.field, L.status, L.note],
      account.method.choices.map((c) => [c.field, c.status, c.note]),
    ),
    '',
  );

  out.push(L.factorList);
  out.push(
    ...table(
      [L.key, L.scope, L.version, L.value, L.validFrom, L.status, L.source],
      account.factors.map((f) => [
        f.key,
        f.scope,
        String(f.version),
        `${f.value} ${f.unit}`,
        f.validFrom + (f.dataYear !== undefined ? ` (${f.dataYear})` : ''),
        f.status,
        f.source,
      ]),
    ),
  );
  return out.join('\n') + '\n';
}

/** The account as JSON with keys in a stable (sorted) order; JSON.parse gives the account back. */
export function accountToJson(account: Account): string {
  return canonicalJson(account, 2) + '\n';
}
