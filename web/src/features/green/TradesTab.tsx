/**
 * 绿电交易: green-power trades with what has been settled and the certificates that came with them; a trade's
 * settled volume by month as a small bar chart; park admins import contracts and settlements as CSV.
 */
import { useMemo } from 'react';
import { listTrades, uploadTradesCsv, type TradeSummary } from '../../api/green.ts';
import { useApi } from '../../api/use-api.ts';
import { EChart } from '../../charts/EChart.tsx';
import { AXIS_COLOUR, GRID_COLOUR, type ChartOption } from '../../charts/echarts.ts';
import { axisTooltip, categoryAxis, tooltipHtml } from '../../charts/option-parts.ts';
import { Card, ErrorMessage, Loading } from '../../components/ui.tsx';
import { formatNumber, formatQuantity } from '../../format.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { technologyName } from '../../names.ts';
import { formatPeriod } from '../../period.ts';
import { useQueryParam } from '../../router.ts';
import { usePark } from '../../shell/park-context.tsx';
import { monthLabel } from '../carbon/account-period.ts';
import { CsvImport } from './CsvImport.tsx';

const CONTRACT_COLUMNS = 'id,buyer,counterparty,technology,from,to,contracted_mwh,evidence,settlement';
const SETTLEMENT_COLUMNS = 'trade_id,at,mwh';

export function TradesTab() {
  const { t, tx } = useI18n();
  const { park, isAdmin, orgName } = usePark();
  const trades = useApi((signal) => listTrades(park.id, signal), [park.id]);
  const [tradeParam, setTrade] = useQueryParam('trade');
  const list = trades.data?.trades ?? [];
  const selected = list.find((x) => x.id === tradeParam) ?? list[0];
  const example = park.organisations[0]?.id ?? 'ORG';

  return (
    <>
      {trades.state === 'error' ? <ErrorMessage error={trades.error} onRetry={trades.reload} /> : null}
      {trades.data ? (
        <div className={trades.state === 'loading' ? 'stale' : ''}>
          <Card title={t('green.trades.title')} testId="trades-card">
            {list.length === 0 ? (
              <p className="muted">{t('green.trades.none')}</p>
            ) : (
              <div className="table-wrap">
                <table className="table table-compact table-hover" data-testid="trades-table">
                  <thead>
                    <tr>
                      <th>{t('green.col.tradeId')}</th>
                      <th>{t('green.col.buyer')}</th>
                      <th>{t('green.col.counterparty')}</th>
                      <th>{t('green.col.technology')}</th>
                      <th>{t('green.col.period')}</th>
                      <th className="num">{t('green.col.contracted')}</th>
                      <th className="num">{t('green.col.settled')}</th>
                      <th>{t('green.col.settlement')}</th>
                      <th className="num">{t('green.col.certificates')}</th>
                      <th className="num">{t('green.col.claimed')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((tr) => (
                      <tr
                        key={tr.id}
                        className={tr.id === selected?.id ? 'row-open' : undefined}
                        onClick={() => setTrade(tr.id)}
                        data-testid="trade-row"
                        data-trade={tr.id}
                      >
                        <td className="mono nowrap" title={tr.evidence}>
                          {tr.id}
                        </td>
                        <td className="nowrap">{orgName(tr.buyer)}</td>
                        <td>{tr.counterparty}</td>
                        <td className="nowrap">{technologyName(tx, tr.technology)}</td>
                        <td className="nowrap">
                          {tr.period.from}–{tr.period.to}
                        </td>
                        <td className="num">{formatQuantity(tr.contractedMwh, 'MWh')}</td>
                        <td className="num" data-testid="trade-settled">
                          {formatQuantity(tr.settledMwh, 'MWh')}
                        </td>
                        <td className="nowrap">{t(`green.trades.settlement.${tr.settlement}`)}</td>
                        <td className="num">{formatQuantity(tr.certificatesMwh, 'MWh')}</td>
                        <td className="num">{formatQuantity(tr.claimedMwh, 'MWh')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
          {selected ? <TradeDetail trade={selected} /> : null}
        </div>
      ) : trades.state === 'loading' ? (
        <Loading />
      ) : null}
      {isAdmin ? (
        <div className="grid-1-1">
          <Card title={t('green.trades.importContracts')} testId="trades-import-card">
            <CsvImport
              columns={CONTRACT_COLUMNS}
              template={[
                CONTRACT_COLUMNS,
                `GP-EXAMPLE-001,${example},某风电场,wind,2025-01,2025-12,12000,交易合同编号,month`,
              ].join('\n')}
              templateName="trades-template.csv"
              upload={(csv, file) => uploadTradesCsv(park.id, 'contracts', csv, file)}
              onImported={trades.reload}
              testId="trades-import"
            />
          </Card>
          <Card title={t('green.trades.importSettlements')} testId="settlements-import-card">
            <CsvImport
              columns={SETTLEMENT_COLUMNS}
              template={[
                SETTLEMENT_COLUMNS,
                'GP-EXAMPLE-001,2025-01,1000',
                'GP-HOURLY-001,2025-01-01 00:00,2.5',
              ].join('\n')}
              templateName="settlements-template.csv"
              upload={(csv, file) => uploadTradesCsv(park.id, 'settlements', csv, file)}
              onImported={trades.reload}
              testId="settlements-import"
            />
            <p className="footnote">{t('green.trades.settlementHelp')}</p>
          </Card>
        </div>
      ) : null}
    </>
  );
}

function TradeDetail({ trade }: { trade: TradeSummary }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const option = useMemo(() => settledOption(trade, i18n), [trade, i18n]);
  const months = Object.keys(trade.settledByMonth);
  return (
    <Card
      title={t('green.trades.byMonth', { id: trade.id })}
      testId="trade-detail"
      actions={<span className="muted small">{trade.evidence}</span>}
    >
      {months.length === 0 ? (
        <p className="muted">{t('green.trades.noSettlements')}</p>
      ) : (
        <EChart
          option={option}
          height={220}
          testId="trade-chart"
          ariaLabel={t('green.trades.byMonth', { id: trade.id })}
        />
      )}
      <p className="footnote">
        {t('green.trades.detailNote', {
          period: `${formatPeriod(trade.period.from, locale)} – ${formatPeriod(trade.period.to, locale)}`,
          version: trade.version,
          by: trade.createdBy,
        })}
      </p>
    </Card>
  );
}

function settledOption(trade: TradeSummary, { t, locale }: I18n): ChartOption {
  const months = Object.keys(trade.settledByMonth).sort();
  return {
    color: ['#35a673'],
    grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
    tooltip: axisTooltip(
      months,
      (m) =>
        tooltipHtml(formatPeriod(m, locale), [
          [t('green.col.settled'), formatQuantity(trade.settledByMonth[m], 'MWh')],
        ]),
      { shadow: true },
    ),
    xAxis: categoryAxis(months.map((m) => monthLabel(m, locale))),
    yAxis: {
      type: 'value',
      name: 'MWh',
      nameTextStyle: { color: AXIS_COLOUR, align: 'left' },
      splitLine: { lineStyle: { color: GRID_COLOUR } },
      axisLabel: { color: AXIS_COLOUR, formatter: (v: number) => formatNumber(v, 0) },
    },
    series: [
      {
        type: 'bar',
        name: t('green.col.settled'),
        barMaxWidth: 22,
        data: months.map((m) => trade.settledByMonth[m] ?? 0),
      },
    ],
  };
}
