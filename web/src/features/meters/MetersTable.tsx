/** A table of meters (the explorer, an organisation's page): id links to the meter's series. */
import { useState } from 'react';
import type { MeterView } from '../../../../src/server/api-types.ts';
import { Empty } from '../../components/ui.tsx';
import { displayUnit, formatCount, formatDate } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { carrierColour, carrierName, roleName, technologyName } from '../../names.ts';
import { navigate } from '../../router.ts';
import { usePark } from '../../shell/park-context.tsx';

const PAGE = 100;

export function MetersTable({
  meters,
  showOrganisation,
}: {
  meters: readonly MeterView[];
  showOrganisation: boolean;
}) {
  const { t, tx, locale } = useI18n();
  const { park, link, orgName } = usePark();
  const [shown, setShown] = useState(PAGE);
  if (meters.length === 0) return <Empty>{t('meters.empty')}</Empty>;
  return (
    <>
      <div className="table-wrap">
        <table className="table table-hover" data-testid="meters-table">
          <thead>
            <tr>
              <th>{t('meters.id')}</th>
              <th>{t('meters.name')}</th>
              {showOrganisation ? <th>{t('meters.organisation')}</th> : null}
              <th>{t('meters.carrier')}</th>
              <th>{t('meters.role')}</th>
              <th>{t('meters.unit')}</th>
              <th>{t('meters.lastReading')}</th>
              <th className="num">{t('meters.rejected')}</th>
            </tr>
          </thead>
          <tbody>
            {meters.slice(0, shown).map((m) => (
              <tr
                key={m.id}
                data-testid="meter-row"
                data-meter={m.id}
                className={m.archived ? 'row-archived' : undefined}
                onClick={(e) => {
                  // The id is a link already; a click elsewhere on the row opens the meter too.
                  if (!(e.target instanceof HTMLAnchorElement)) navigate(link(['meters', m.id]));
                }}
              >
                <td className="mono">
                  <a href={link(['meters', m.id])}>{m.id}</a>
                  {m.parent ? <div className="muted small">↳ {m.parent}</div> : null}
                </td>
                <td>
                  {m.name ?? '—'}
                  {m.archived ? <span className="tag tag-muted">{t('meters.archived')}</span> : null}
                </td>
                {showOrganisation ? <td className="small">{orgName(m.organisation)}</td> : null}
                <td>
                  <span className="dot" style={{ background: carrierColour(m.carrier) }} />
                  {carrierName(tx, m.carrier)}
                </td>
                <td className="small">
                  {roleName(tx, m.role)}
                  {m.technology ? ` · ${technologyName(tx, m.technology)}` : ''}
                </td>
                <td className="small">{displayUnit(m.unit)}</td>
                <td className="small">{formatDate(m.lastReadingAtMs, park.timezone, locale, 'dateTime')}</td>
                <td className="num">
                  {m.rejectedRecords > 0 ? (
                    <span className="tag tag-warn">{formatCount(m.rejectedRecords)}</span>
                  ) : (
                    '0'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {meters.length > shown ? (
        <div className="table-more">
          <span className="muted">
            {t('meters.showing', { shown: formatCount(shown), total: formatCount(meters.length) })}
          </span>
          <button type="button" className="btn btn-small" onClick={() => setShown((s) => s + PAGE * 2)}>
            {t('app.showMore')}
          </button>
        </div>
      ) : null}
    </>
  );
}
