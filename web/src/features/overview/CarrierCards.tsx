/** KPI cards of an overview: total tce, data completeness, alarms, and one card per carrier (physical unit and tce). */
import type { OverviewResponse } from '../../../../src/server/api-types.ts';
import { Empty, KpiCard } from '../../components/ui.tsx';
import { formatCount, formatFactor, formatPercent, formatQuantity, formatTce } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { carrierColour, carrierName, methodNote } from '../../names.ts';

const GOOD = '#1f8a5b';
const FAIR = '#e2a534';
const POOR = '#c8553d';

/** Green from 98 %, amber from 90 %, red below. */
export const coverageColour = (share: number) => (share >= 0.98 ? GOOD : share >= 0.9 ? FAIR : POOR);

export function CarrierCards({ overview }: { overview: OverviewResponse }) {
  const { t, tx } = useI18n();
  const method = overview.method;
  const note = methodNote(tx, method);
  const carriers = [...overview.carriers].sort((a, b) => (b.tce ?? -1) - (a.tce ?? -1));
  const errors = overview.alarms.filter((a) => a.severity === 'error').length;
  const warnings = overview.alarms.filter((a) => a.severity === 'warning').length;
  return (
    <>
      <div className="kpi-grid kpi-grid-main">
        <KpiCard
          emphasis
          label={t('kpi.totalTce')}
          value={formatTce(overview.totalTce)}
          sub={t('kpi.totalTceNote', { count: overview.carriers.filter((c) => c.tce !== null).length })}
          footnote={<span title={note}>{t('kpi.method', { id: method.id })}</span>}
          testId="kpi-total-tce"
        />
        <KpiCard
          label={t('kpi.completeness')}
          value={formatPercent(overview.completeness.coverage)}
          sub={t('kpi.completenessNote', {
            meters: formatCount(overview.completeness.meters),
            silent: formatCount(overview.completeness.silentMeters),
          })}
          testId="kpi-completeness"
          accent={coverageColour(overview.completeness.coverage)}
        />
        <KpiCard
          label={t('kpi.alarms')}
          value={formatCount(overview.alarms.length)}
          sub={t('kpi.alarmsNote', { error: formatCount(errors), warning: formatCount(warnings) })}
          testId="kpi-alarms"
          accent={errors ? POOR : warnings ? FAIR : GOOD}
        />
      </div>
      {carriers.length === 0 ? (
        <Empty>{t('kpi.noCarriers')}</Empty>
      ) : (
        <div className="kpi-grid">
          {carriers.map((c, i) => (
            <KpiCard
              key={c.carrier}
              accent={carrierColour(c.carrier, i)}
              label={
                <>
                  <span className="dot" style={{ background: carrierColour(c.carrier, i) }} />
                  {carrierName(tx, c.carrier)}
                </>
              }
              value={formatQuantity(c.quantity, c.unit)}
              testId={`kpi-carrier-${c.carrier}`}
              sub={
                <>
                  <span data-testid={`kpi-carrier-${c.carrier}-tce`}>
                    {c.tce === null ? t('kpi.noCoefficient') : t('kpi.carrierTce', { tce: formatTce(c.tce) })}
                  </span>
                  <span className="sep">·</span>
                  <span>{t('kpi.coverage', { coverage: formatPercent(c.coverage) })}</span>
                  {c.quantity < 0 ? (
                    // More supplied to others (a meter in the role export) than used: the net is negative.
                    <span className="kpi-flag" data-testid={`kpi-carrier-${c.carrier}-net-export`}>
                      {t('kpi.netExport')}
                    </span>
                  ) : null}
                  {c.estimated > 0 ? (
                    <span className="kpi-flag">
                      {t('kpi.estimated', { value: formatQuantity(c.estimated, c.unit) })}
                    </span>
                  ) : null}
                  {c.quarantined > 0 ? (
                    <span className="kpi-flag kpi-flag-warn">
                      {t('kpi.quarantined', { value: formatQuantity(c.quarantined, c.unit) })}
                    </span>
                  ) : null}
                </>
              }
              footnote={
                c.tceFactor ? (
                  <div title={`${c.tceFactor.source} (${c.tceFactor.status}) · ${method.id}`}>
                    {t('kpi.factor', { factor: formatFactor(c.tceFactor.value, c.tceFactor.unit) })}
                  </div>
                ) : (
                  <div title={note}>{t('kpi.notInTotal')}</div>
                )
              }
            />
          ))}
        </div>
      )}
    </>
  );
}
