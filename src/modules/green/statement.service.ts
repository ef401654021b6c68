/**
 * The green-electricity consumption statement (绿色电力消费说明) of one organisation and period: its consumption, each
 * green source with the evidence behind it (meter ids, certificate serial ranges, contract ids), the shares under the
 * annual, monthly and hourly methods and the hourly carbon-free score, with the method, the grid green share data set
 * and the data completeness behind them.
 */
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import { spansText } from './ledger.ts';
import { matchWithInputs, type MatchingQuery } from './matching.service.ts';
import type { GreenStatement, StatementSource } from './types.ts';

/** The statement of organisation `organisation` over `period` (`2025`, `2025-Q1`, `2025-03`, `FROM..TO`). */
export async function statementFor(
  pool: pg.Pool,
  parkId: string,
  organisation: string,
  query: { period: string; gridShare?: string; allocation?: MatchingQuery['allocation']; nowMs?: number },
): Promise<GreenStatement> {
  const { answer, snapshot, claims, trades } = await matchWithInputs(pool, parkId, {
    period: query.period,
    heatMaps: [organisation],
    ...(query.gridShare ? { gridShare: query.gridShare } : {}),
    ...(query.allocation ? { allocation: query.allocation } : {}),
    ...(query.nowMs !== undefined ? { nowMs: query.nowMs } : {}),
  });
  const org = snapshot.allOrganisations.find((o) => o.id === organisation);
  const c = answer.result.consumers.find((x) => x.id === organisation);
  if (!org || !c) throw new AppError('NOT_FOUND', `no organisation "${organisation}" in park ${parkId}`);
  const meterName = new Map(snapshot.meters.map((m) => [m.code, m.spec.name ?? m.code]));
  const sources: StatementSource[] = c.supplyLines.map((l) => {
    if (l.kind === 'certificate' || l.kind === 'trade') {
      const claim = claims.find((x) => `claim#${x.eventId}` === l.id);
      const tradeIds = claim?.tradeIds ?? [];
      return {
        kind: l.kind,
        id: l.id,
        technology: l.technology,
        mwh: l.energyMwh,
        evidence: claim
          ? [
              `${spansText(claim.spans)}`,
              `claim #${claim.eventId} ${claim.period.from}..${claim.period.to}${claim.evidence ? `: ${claim.evidence}` : ''}`,
              ...tradeIds.map((t) => `trade ${t}`),
            ]
          : [],
      };
    }
    if (l.kind === 'trade_hourly') {
      const t = trades.find((x) => x.id === l.id);
      return {
        kind: 'trade',
        id: l.id,
        technology: l.technology,
        mwh: l.energyMwh,
        evidence: [
          `contract ${l.id}${t ? ` (${t.counterparty}; ${t.evidence})` : ''}, hourly settlement`,
          // The certificates that travelled with the trade and were claimed: what lets its hours count.
          ...claims
            .filter((x) => x.consumer === organisation && x.tradeIds.includes(l.id))
            .map((x) => `claim #${x.eventId} ${x.period.from}..${x.period.to}: ${spansText(x.spans)}`),
        ],
      };
    }
    if (l.kind === 'storage_discharge')
      return { kind: 'storage', id: l.id, technology: l.technology, mwh: l.energyMwh, evidence: [l.id] };
    return {
      kind: l.origin === 'shared' ? 'shared' : l.kind === 'direct_supply' ? 'direct_supply' : 'onsite',
      id: l.id,
      technology: l.technology,
      mwh: l.energyMwh,
      evidence: [`meter ${l.id}${meterName.has(l.id) ? ` ${meterName.get(l.id)}` : ''}`],
    };
  });
  return {
    park: { id: snapshot.park.id, name: snapshot.park.name },
    organisation: { id: org.id, name: org.name },
    period: answer.period,
    method: answer.result.method,
    consumptionMwh: c.loadMwh,
    sources,
    shares: {
      annual: c.annual.matchedShare,
      monthly: c.monthly.matchedShare,
      hourly: c.hourly.matchedShare,
      cfe: c.cfeScore,
    },
    unmatched: c.unmatched,
    surplusMwh: c.hourly.surplusMwh,
    byMonth: c.byMonth,
    heatMap: c.heatMap ?? null,
    gridShare: answer.gridShare,
    completeness: answer.completeness.byOrganisation[organisation] ?? null,
    rules: answer.result.rules,
    warnings: answer.warnings,
    generatedAt: new Date(query.nowMs ?? Date.now()).toISOString(),
  };
}
