/** A green share's mean by month as a one-row table, the months across (grid share data sets, traced series). */
import { formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { formatPeriod } from '../../period.ts';

export function MonthMeans(props: {
  means: readonly { month: string; mean: number | null }[];
  /** What the row's figures are (a mean of the set, the green share). */
  label: string;
  testId: string;
}) {
  const { t, locale } = useI18n();
  return (
    <div className="table-wrap">
      <table className="table table-compact green-means" data-testid={props.testId}>
        <thead>
          <tr>
            <th>{t('green.col.month')}</th>
            {props.means.map((m) => (
              <th key={m.month} className="num">
                {m.month ? formatPeriod(m.month, locale) : '—'}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <td className="nowrap">{props.label}</td>
            {props.means.map((m) => (
              <td key={m.month} className="num">
                {formatPercent(m.mean)}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
