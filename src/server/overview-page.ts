/**
 * A plain server-rendered overview page (zh-CN) so that `npm start` shows the demo park working. The React app of
 * the server issue replaces it.
 */
import type pg from 'pg';
import { formatNumber, formatPercent } from '../lib/format.ts';
import { listOrganisations, type ParkRow } from '../modules/registry/index.ts';
import {
  energyByCarrier,
  latestDataYear,
  parsePeriod,
  rejectedRecords,
  subMeterBalance,
} from '../modules/telemetry/index.ts';

const CARRIER_ZH: Record<string, string> = {
  electricity: '电力',
  natural_gas: '天然气',
  steam: '蒸汽',
  heat: '热力',
  cooling: '冷量',
  coal: '煤炭',
  coke: '焦炭',
  diesel: '柴油',
  gasoline: '汽油',
  fuel_oil: '燃料油',
  lpg: '液化石油气',
  hydrogen: '氢气',
  water: '水',
  compressed_air: '压缩空气',
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function overviewPage(
  pool: pg.Pool,
  parks: ParkRow[],
  parkId: string | undefined,
  periodText: string | undefined,
  nowMs: number,
): Promise<string> {
  const park = parks.find((p) => p.id === parkId) ?? parks[0];
  if (!park) {
    return shell(
      '零碳 Lingtan',
      '<p>尚无园区。运行 <code>lingtan demo</code> 或 <code>lingtan park apply &lt;文件&gt;</code>。</p>',
    );
  }
  const period = parsePeriod(
    periodText ?? (await latestDataYear(pool, park.id)) ?? String(new Date(nowMs).getUTCFullYear()),
    park.timezone,
  );
  const [energy, orgs, balance, rejected] = await Promise.all([
    energyByCarrier(pool, park.id, period, nowMs),
    listOrganisations(pool, park.id),
    subMeterBalance(pool, park.id, period, undefined, nowMs).catch(() => []),
    rejectedRecords(pool, park.id, undefined, 10),
  ]);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const row = (cells: string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  const carrier = (c: string) => `${CARRIER_ZH[c] ?? c}`;
  const parkTable = energy.park
    .map((g) =>
      row([
        carrier(g.carrier),
        g.unit,
        formatNumber(g.net),
        formatNumber(g.byRole.import ?? 0),
        formatNumber((g.byRole.generation ?? 0) + (g.byRole.direct_green_supply ?? 0)),
        formatNumber(g.estimated),
        formatNumber(g.quarantined),
        formatPercent(g.coverage),
      ]),
    )
    .join('');
  const orgRows = energy.organisations
    .filter((g) => g.carrier === 'electricity')
    .sort((a, b) => b.net - a.net)
    .map((g) =>
      row([
        esc(orgName.get(g.organisation ?? '') ?? g.organisation ?? ''),
        formatNumber(g.net),
        formatPercent(g.coverage),
      ]),
    )
    .join('');
  const balanceRows = balance
    .filter((b) => b.carrier === 'electricity')
    .map((b) =>
      row([
        esc(b.parent),
        formatNumber(b.parentQuantity),
        formatNumber(b.childrenQuantity),
        formatNumber(b.unmetered),
        formatPercent(b.unmeteredShare),
        formatPercent(b.coverage),
      ]),
    )
    .join('');
  const rejectedRows = rejected.rows
    .map((r) =>
      row([esc(r.meterCode ?? ''), r.line === null ? '' : String(r.line), esc(r.field), esc(r.reason)]),
    )
    .join('');
  const body = `
  <header><h1>${esc(park.name)}</h1><p>${esc(park.province)} · ${esc(park.timezone)} · 统计期 <b>${esc(period.label)}</b>
  <form method="get"><input type="hidden" name="park" value="${esc(park.id)}"><input name="period" value="${esc(period.label)}" size="24"><button>查询</button></form></p></header>
  <section><h2>园区分品种能源（物理量）</h2>
  <table><thead><tr><th>品种</th><th>单位</th><th>净消费</th><th>外购</th><th>自发/直供</th><th>估算</th><th>隔离尖峰</th><th>数据完整率</th></tr></thead><tbody>${parkTable}</tbody></table>
  <p class="note">净消费 = 外购 + 自发 + 直供 + 储能放电 + 一级计量消费 − 上网 − 储能充电；仅计一级（无上级表）计量点。估算值来自累计表缺数区间的均摊，已单独列出；隔离尖峰不计入。</p></section>
  <section><h2>企业用电排名</h2><table><thead><tr><th>企业</th><th>电量 (kWh)</th><th>完整率</th></tr></thead><tbody>${orgRows}</tbody></table></section>
  <section><h2>分项计量平衡（电）</h2><table><thead><tr><th>总表</th><th>总表电量</th><th>分表合计</th><th>未计量</th><th>占比</th><th>完整率</th></tr></thead><tbody>${balanceRows}</tbody></table></section>
  <section><h2>被拒记录（共 ${rejected.total} 条，最新 10 条）</h2><table><thead><tr><th>表计</th><th>行</th><th>字段</th><th>原因</th></tr></thead><tbody>${rejectedRows}</tbody></table></section>
  <footer>API: <a href="/api/parks">/api/parks</a> · <a href="/api/parks/${esc(park.id)}/energy?period=${encodeURIComponent(period.label)}">energy</a> · <a href="/api/parks/${esc(park.id)}/meters">meters</a> · <a href="/api/parks/${esc(park.id)}/rejected">rejected</a></footer>`;
  return shell(`${park.name} · 零碳 Lingtan`, body);
}

function shell(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>
body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f7f5;color:#1d2b24}
header{background:#17603a;color:#fff;padding:16px 32px}header h1{margin:0 0 4px;font-size:22px}header form{display:inline;margin-left:12px}
section{background:#fff;margin:16px 32px;padding:12px 20px;border-radius:8px;box-shadow:0 1px 3px #0002}
h2{font-size:16px;color:#17603a}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:4px 8px;border-bottom:1px solid #e3e9e5;text-align:right}th:first-child,td:first-child{text-align:left}
.note{color:#5a6b62;font-size:12px}footer{margin:16px 32px;color:#5a6b62;font-size:12px}</style></head>
<body>${body}</body></html>`;
}
