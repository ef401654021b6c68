/** The alarm list: each sentence is written here from the Alarm's fields, so it follows the language switch. */
import { useState } from 'react';
import type { Alarm } from '../../../../src/server/api-types.ts';
import { Empty } from '../../components/ui.tsx';
import { formatCount, formatDate, formatPercent } from '../../format.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';

const SEVERITY_ORDER: Readonly<Record<Alarm['severity'], number>> = { error: 0, warning: 1, info: 2 };

export function alarmSentence(a: Alarm, i18n: Pick<I18n, 't' | 'locale'>, timeZone: string): string {
  const { t, locale } = i18n;
  const meter = a.meter ?? '';
  switch (a.kind) {
    case 'silent_meter':
      return a.sinceMs === null
        ? t('alarm.silent_meter.never', { meter })
        : t('alarm.silent_meter', { meter, since: formatDate(a.sinceMs, timeZone, locale, 'dateTime') });
    case 'quarantined_spike':
      return t('alarm.quarantined_spike', { meter, count: formatCount(a.count) });
    case 'rejected_records':
      return a.meter
        ? t('alarm.rejected_records', { meter, count: formatCount(a.count) })
        : t('alarm.rejected_records.park', { count: formatCount(a.count) });
    case 'low_coverage':
      return a.meter
        ? t('alarm.low_coverage', { meter, coverage: formatPercent(a.coverage) })
        : t('alarm.low_coverage.park', { coverage: formatPercent(a.coverage) });
  }
}

export function AlarmList({
  alarms,
  limit = 12,
  showOrganisation = true,
}: {
  alarms: readonly Alarm[];
  limit?: number;
  showOrganisation?: boolean;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { park, link, orgName, scope } = usePark();
  const [expanded, setExpanded] = useState(false);
  if (alarms.length === 0) return <Empty>{t('overview.noAlarms')}</Empty>;
  const sorted = [...alarms].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return (
    <ul className="alarm-list" data-testid="alarm-list">
      {sorted.slice(0, expanded ? sorted.length : limit).map((a, i) => (
        <li
          key={`${a.kind}-${a.meter ?? ''}-${i}`}
          className={`alarm alarm-${a.severity}`}
          data-testid="alarm"
        >
          <span className={`severity severity-${a.severity}`}>{t(`alarm.severity.${a.severity}`)}</span>
          <span className="alarm-text">
            {a.meter ? (
              <a href={link(['meters', a.meter])}>{alarmSentence(a, i18n, park.timezone)}</a>
            ) : a.kind === 'rejected_records' ? (
              // Records naming no meter of the park: the data-quality page lists them.
              <a href={link(['quality'])}>{alarmSentence(a, i18n, park.timezone)}</a>
            ) : (
              alarmSentence(a, i18n, park.timezone)
            )}
            {a.organisation && !scope && showOrganisation ? (
              <span className="muted">
                {t('alarm.organisation', { organisation: orgName(a.organisation) })}
              </span>
            ) : null}
          </span>
        </li>
      ))}
      {sorted.length > limit && !expanded ? (
        <li className="alarm-more">
          <button
            type="button"
            className="link-btn"
            onClick={() => setExpanded(true)}
            data-testid="alarms-more"
          >
            {t('overview.allAlarms', { count: formatCount(sorted.length) })}
          </button>
        </li>
      ) : null}
    </ul>
  );
}
