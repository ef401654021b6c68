/**
 * What a matching result (or a statement) rests on: the method version and its rules, the grid's green share data
 * set, the completeness of the metered data, and the warnings; and the three methods explained in one line each.
 */
import type { MatchingAnswer, MatchingRules } from '../../api/green.ts';
import { formatCount, formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';

export function MethodsExplained() {
  const { t } = useI18n();
  return (
    <div className="info-box green-methods" data-testid="green-methods">
      <ul>
        <li>
          <b>{t('green.method.annual')}</b> {t('green.method.annualNote')}
        </li>
        <li>
          <b>{t('green.method.monthly')}</b> {t('green.method.monthlyNote')}
        </li>
        <li>
          <b>{t('green.method.hourly')}</b> {t('green.method.hourlyNote')}
        </li>
      </ul>
      <div className="small">{t('green.method.order')}</div>
    </div>
  );
}

export function MethodFacts(props: {
  method: string;
  rules: MatchingRules;
  gridShare: MatchingAnswer['gridShare'];
  completeness: number | null;
  warnings: readonly string[];
  testId?: string;
}) {
  const { t, tx } = useI18n();
  const { rules, gridShare } = props;
  const rule = (code: string) => tx(`green.rule.${code}`, code);
  return (
    <>
      <dl className="facts green-facts" data-testid={props.testId ?? 'green-facts'}>
        <dt>{t('green.facts.method')}</dt>
        <dd className="mono" data-testid="green-method">
          {props.method}
        </dd>
        <dt>{t('green.facts.rules')}</dt>
        <dd>
          <ul className="green-rules" data-testid="green-rules">
            <li>{rule(rules.hourly)}</li>
            <li>{rule(rules.storage)}</li>
            <li>{rule(rules.instruments)}</li>
            <li>{rule(rules.park)}</li>
            {rules.allocation.map((a) => (
              <li key={a.resourceId}>
                {t('green.facts.allocation', {
                  resource: a.resourceId,
                  kind: tx(`green.resource.${a.resource}`, a.resource),
                  rule: rule(a.rule),
                })}
              </li>
            ))}
          </ul>
        </dd>
        <dt>{t('green.gridShare')}</dt>
        <dd data-testid="green-grid-share-used">
          {gridShare ? (
            <>
              <span className="mono">
                {gridShare.id} v{gridShare.version}
              </span>{' '}
              <span className={gridShare.status === 'published' ? 'tag' : 'tag tag-warn'}>
                {tx(`green.status.${gridShare.status}`, gridShare.status)}
              </span>{' '}
              · {tx(`green.resolution.${gridShare.resolution}`, gridShare.resolution)}
              {gridShare.missingHours > 0 ? (
                <span className="tag tag-warn green-tag-gap">
                  {t('green.facts.missing', { count: formatCount(gridShare.missingHours) })}
                </span>
              ) : null}
              <div className="small muted">{gridShare.source}</div>
            </>
          ) : (
            <span>{t('green.facts.noGridShare')}</span>
          )}
          {rules.gridShare.note ? <div className="small muted">{rules.gridShare.note}</div> : null}
        </dd>
        <dt>{t('green.facts.completeness')}</dt>
        <dd data-testid="green-completeness">
          {formatPercent(props.completeness)}{' '}
          <span className="small muted">{t('green.facts.completenessNote')}</span>
        </dd>
      </dl>
      {props.warnings.length > 0 ? (
        <div className="warning-box green-warnings" role="note" data-testid="green-warnings">
          <strong>{t('green.facts.warnings')}</strong>
          <ul>
            {props.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
