/** The latest version of each statistical value of the chosen organisation and period, with who entered it and when. */
import type { StatisticValue } from '../../api/carbon.ts';
import { Empty } from '../../components/ui.tsx';
import { displayUnit, formatDate, formatFactor, formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';
import { statisticKindLabel } from '../carbon/AccountTables.tsx';

/** Entered values are shown as entered (up to six decimals), not rounded to four significant digits. */
function enteredDecimals(value: number): number {
  const decimals = /\.(\d+)$/.exec(String(value))?.[1]?.length ?? 0;
  return Math.min(6, decimals);
}

export function ValuesTable({ values }: { values: readonly StatisticValue[] }) {
  const { t, tx, locale } = useI18n();
  const { park } = usePark();
  if (values.length === 0) return <Empty>{t('statistics.noValues')}</Empty>;
  const sorted = [...values].sort(
    (a, b) => a.month.localeCompare(b.month) || a.kind.localeCompare(b.kind) || a.item.localeCompare(b.item),
  );
  return (
    <div className="table-scroll-tall">
      <table className="table table-compact" data-testid="stat-values">
        <thead>
          <tr>
            <th>{t('statistics.month')}</th>
            <th>{t('statistics.col.kind')}</th>
            <th>{t('statistics.col.item')}</th>
            <th className="num">{t('statistics.col.value')}</th>
            <th>{t('statistics.col.evidence')}</th>
            <th>{t('statistics.col.versionShort')}</th>
            <th>{t('statistics.enteredBy')}</th>
            <th>{t('statistics.enteredAt')}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((v) => (
            <tr
              key={`${v.organisation}|${v.month}|${v.kind}|${v.item}`}
              data-testid="stat-value-row"
              data-kind={v.kind}
              data-item={v.item}
            >
              <td className="nowrap">{v.month}</td>
              <td>{statisticKindLabel(t, v.kind)}</td>
              <td>{v.item ? tx(`carrier.${v.item}`, tx(`stat.item.${v.item}`, v.item)) : '—'}</td>
              <td className="num" data-testid="stat-value-number">
                {formatNumber(v.value, enteredDecimals(v.value))} {displayUnit(v.unit)}
                {v.factor ? (
                  <div className="muted small value-factor">
                    × {formatFactor(v.factor.value, v.factor.unit)} · {v.factor.source}
                  </div>
                ) : null}
              </td>
              <td className="small">{v.evidence ?? ''}</td>
              <td className="mono" data-testid="stat-value-version">
                v{v.version}
              </td>
              <td data-testid="stat-value-by">{v.enteredBy}</td>
              <td className="small nowrap">
                {formatDate(Date.parse(v.enteredAt), park.timezone, locale, 'dateTime')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
