/** 能流图: sources → carriers → organisations (and exports, storage), link width in tce; tooltip with the physical quantity. */
import { useMemo } from 'react';
import type { FlowNode, FlowResponse } from '../../../../src/server/api-types.ts';
import { getFlow } from '../../api/parks.ts';
import { useApi } from '../../api/use-api.ts';
import { esc } from '../../charts/axis.ts';
import { EChart } from '../../charts/EChart.tsx';
import '../../charts/sankey.ts';
import { CHART_FONT, type ChartOption } from '../../charts/echarts.ts';
import { Card, Empty, ErrorMessage, Loading, PageHeader } from '../../components/ui.tsx';
import { formatQuantity, formatTce } from '../../format.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { carrierColour, flowNodeName } from '../../names.ts';
import { formatPeriod } from '../../period.ts';
import { usePark } from '../../shell/park-context.tsx';

const SUPPLY_COLOURS: Readonly<Record<string, string>> = {
  grid: '#6b7f99',
  pv: '#f0b429',
  wind: '#7fc8a9',
  hydro: '#3aa6c4',
  direct_green: '#4caf7d',
};
const KIND_COLOURS: Readonly<Record<FlowNode['kind'], string>> = {
  supply: '#7d8f86',
  carrier: '#1f8a5b',
  organisation: '#2f6f4f',
  export: '#9aa5b1',
  storage: '#8c7bb8',
  unmetered: '#c2c9c5',
};

function nodeColour(node: FlowNode, index: number): string {
  const rest = node.id.split(':')[1] ?? '';
  if (node.kind === 'supply') return SUPPLY_COLOURS[rest] ?? carrierColour(rest, index);
  if (node.kind === 'carrier') return carrierColour(rest, index);
  if (node.kind === 'organisation')
    return ['#2f6f4f', '#3d8a63', '#4f9e76', '#5f8f7a', '#2b7a6b'][index % 5] ?? '#2f6f4f';
  return KIND_COLOURS[node.kind];
}

interface SankeyParam {
  dataType: 'node' | 'edge';
  name: string;
  data: { source?: string; target?: string; index?: number; name?: string };
  value: number;
}

export default function FlowPage() {
  const { t, tx, locale } = useI18n();
  const { park, period, scope, orgName } = usePark();
  const flow = useApi((signal) => getFlow(park.id, period, scope, signal), [park.id, period, scope]);
  const data = flow.data;
  const option = useMemo(() => (data ? sankeyOption(data, tx) : null), [data, tx]);
  const names = useMemo(() => new Map(data?.nodes.map((n) => [n.id, flowNodeName(tx, n)]) ?? []), [data, tx]);
  const height = useMemo(() => (data ? sankeyHeight(data) : 480), [data]);

  return (
    <>
      <PageHeader
        title={t('flow.title')}
        subtitle={`${scope ? orgName(scope) : park.name} · ${formatPeriod(period, locale)} · ${t('flow.subtitle')}`}
      />
      {flow.state === 'error' ? <ErrorMessage error={flow.error} onRetry={flow.reload} /> : null}
      {data && option ? (
        <div className={flow.state === 'loading' ? 'stale' : ''}>
          <Card>
            {data.links.length === 0 ? (
              <Empty>{t('flow.empty')}</Empty>
            ) : (
              <EChart option={option} height={height} testId="sankey" ariaLabel={t('flow.title')} />
            )}
            <p className="footnote">{data.method.id}</p>
          </Card>
          {data.links.length > 0 ? (
            <Card title={t('flow.links')}>
              <div className="table-wrap table-scroll-tall">
                <table className="table" data-testid="flow-links">
                  <thead>
                    <tr>
                      <th>{t('flow.source')}</th>
                      <th>{t('flow.target')}</th>
                      <th className="num">{t('flow.tce')}</th>
                      <th className="num">{t('flow.quantity')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...data.links]
                      .sort((a, b) => b.tce - a.tce)
                      .map((l) => (
                        <tr key={`${l.source}>${l.target}>${l.carrier}`}>
                          <td>{names.get(l.source) ?? l.source}</td>
                          <td>{names.get(l.target) ?? l.target}</td>
                          <td className="num">{formatTce(l.tce)}</td>
                          <td className="num">{formatQuantity(l.quantity, l.unit)}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </div>
            </Card>
          ) : null}
        </div>
      ) : flow.state === 'loading' ? (
        <Loading />
      ) : null}
    </>
  );
}

/** Vertical gap between two nodes of a column: room for one label line even when both nodes are hair-thin. */
const NODE_GAP = 18;
/** Label style of every node; the right margin is measured with it. */
const LABEL_FONT_SIZE = 12;
const LABEL_DISTANCE = 5;

/** The links drawn (tce > 0) and the nodes they use: the chart's height and margins are measured on these. */
function drawnGraph(data: FlowResponse): { nodes: FlowNode[]; links: FlowResponse['links'] } {
  const links = data.links.filter((l) => l.tce > 0);
  const used = new Set(links.flatMap((l) => [l.source, l.target]));
  return { nodes: data.nodes.filter((n) => used.has(n.id)), links };
}

/**
 * The Sankey's columns as ECharts lays them out (nodeAlign 'justify'): a node's column is its longest path from a
 * source, and every sink (organisations, exports, storage, unmetered) goes to the last column.
 */
function columns(data: FlowResponse): { sinks: string[]; sizes: number[] } {
  const { nodes, links } = drawnGraph(data);
  const outgoing = new Set(links.map((l) => l.source));
  const incoming = new Map<string, string[]>();
  for (const l of links) incoming.set(l.target, [...(incoming.get(l.target) ?? []), l.source]);
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const d = Math.max(-1, ...(incoming.get(id) ?? []).map((s) => depthOf(s, seen))) + 1;
    depth.set(id, d);
    return d;
  };
  const counts = new Map<number, number>();
  const sinks: string[] = [];
  for (const n of nodes) {
    if (!outgoing.has(n.id)) {
      sinks.push(n.id);
      continue;
    }
    const d = depthOf(n.id, new Set());
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return { sinks, sizes: [...counts.values(), sinks.length] };
}

/**
 * The chart's height from its fullest column (21 organisations and a few sinks more in the demo park): every node
 * gets a label line plus the gap, and about as much again is left for the link widths.
 */
function sankeyHeight(data: FlowResponse): number {
  const most = Math.max(1, ...columns(data).sizes);
  return Math.max(480, most * (NODE_GAP + 22) + 40);
}

let measureContext: CanvasRenderingContext2D | null | undefined;
/** Width of a label in the chart's font (canvas measureText); a CJK-aware estimate where there is no canvas. */
function labelWidth(text: string): number {
  if (measureContext === undefined) measureContext = document.createElement('canvas').getContext('2d');
  if (measureContext) {
    measureContext.font = `${LABEL_FONT_SIZE}px ${CHART_FONT}`;
    return Math.ceil(measureContext.measureText(text).width);
  }
  return [...text].reduce(
    (w, c) => w + (c.charCodeAt(0) > 0x2e80 ? LABEL_FONT_SIZE : LABEL_FONT_SIZE * 0.6),
    0,
  );
}

/** The longest label the last column may show in full; longer ones are cut with "…" (the tooltip has the name). */
const MAX_LABEL_WIDTH = 320;

function sankeyOption(data: FlowResponse, tx: I18n['tx']): ChartOption {
  const { nodes, links } = drawnGraph(data);
  const display = new Map(nodes.map((n) => [n.id, flowNodeName(tx, n)]));
  // The last column's labels stand right of their nodes, outside the Sankey: the right margin is the longest of them.
  const lastLabels = Math.min(
    MAX_LABEL_WIDTH,
    Math.max(0, ...columns(data).sinks.map((id) => labelWidth(display.get(id) ?? id))),
  );
  const linkByKey = new Map(data.links.map((l) => [`${l.source}>${l.target}`, l]));
  const nodeTce = new Map<string, { in: number; out: number }>();
  for (const l of data.links) {
    const s = nodeTce.get(l.source) ?? { in: 0, out: 0 };
    s.out += l.tce;
    nodeTce.set(l.source, s);
    const d = nodeTce.get(l.target) ?? { in: 0, out: 0 };
    d.in += l.tce;
    nodeTce.set(l.target, d);
  }
  // Physical quantities of one link and of the same source → target over carriers.
  const quantities = (source: string, target: string) =>
    data.links
      .filter((l) => l.source === source && l.target === target)
      .map((l) => formatQuantity(l.quantity, l.unit))
      .join(' + ');
  return {
    tooltip: {
      trigger: 'item',
      formatter: (raw: unknown) => {
        const p = raw as SankeyParam;
        if (p.dataType === 'edge') {
          const source = p.data.source ?? '';
          const target = p.data.target ?? '';
          const link = linkByKey.get(`${source}>${target}`);
          return `<div class="tt"><div class="tt-title">${esc(display.get(source) ?? source)} → ${esc(
            display.get(target) ?? target,
          )}</div><div class="tt-row"><b>${formatTce(p.value)}</b></div>${
            link ? `<div class="tt-row">${esc(quantities(source, target))}</div>` : ''
          }</div>`;
        }
        const total = nodeTce.get(p.name);
        const value = total ? Math.max(total.in, total.out) : p.value;
        return `<div class="tt"><div class="tt-title">${esc(display.get(p.name) ?? p.name)}</div><div class="tt-row"><b>${formatTce(
          value,
        )}</b></div></div>`;
      },
    },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: lastLabels + LABEL_DISTANCE + 12,
        top: 12,
        bottom: 12,
        nodeWidth: 14,
        nodeGap: NODE_GAP,
        layoutIterations: 64,
        draggable: false,
        // No reveal: ECharts draws a Sankey first through a clip rectangle that grows from left to right over the
        // series' own animationDuration (1 s, linear — the chart-wide 300 ms does not apply to it); a screenshot or
        // a reader at that moment sees the right part of the chart cut off.
        animation: false,
        emphasis: { focus: 'adjacency' },
        label: {
          color: '#26352d',
          fontSize: LABEL_FONT_SIZE,
          distance: LABEL_DISTANCE,
          width: MAX_LABEL_WIDTH,
          overflow: 'truncate',
          // A white halo keeps a label readable where it lies over links.
          textBorderColor: 'rgba(255, 255, 255, 0.9)',
          textBorderWidth: 3,
          formatter: (p: { name: string }) => display.get(p.name) ?? p.name,
        },
        lineStyle: { color: 'source', opacity: 0.32, curveness: 0.5 },
        data: nodes.map((n, i) => ({ name: n.id, itemStyle: { color: nodeColour(n, i), borderWidth: 0 } })),
        links: links.map((l) => ({ source: l.source, target: l.target, value: l.tce })),
      },
    ],
  };
}
