/**
 * The account's tables: emission lines (click one for its activity, formula, factors and inputs), energy by carrier,
 * and the inputs that are missing (never replaced by a number).
 */
import { Fragment, useState } from 'react';
import type { Account, EmissionLine, FactorRef, StatisticKind } from '../../api/carbon.ts';
import { Card, CoverageBar, Empty } from '../../components/ui.tsx';
import { formatFactor, formatPercent, formatQuantity, formatTce, formatTco2 } from '../../format.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { carrierName, roleName } from '../../names.ts';
import { usePark } from '../../shell/park-context.tsx';

/** What a line is about: a carrier's name when it is one, else the item as the account names it. */
function lineItemName(tx: I18n['tx'], item: string): string {
  return tx(`carrier.${item}`, tx(`stat.item.${item}`, tx(`tech.${item}`, item)));
}

/** A line's CO₂ as it enters its total: deductions and offsets negative, memo items as they are. */
export function signedTco2(line: EmissionLine): number {
  return line.effect === 'subtract' || line.effect === 'net_only' ? -line.tco2 : line.tco2;
}

export function EmissionLines({ account }: { account: Account }) {
  const { t, tx } = useI18n();
  const [openId, setOpenId] = useState<string | null>(null);
  const lines = account.lines;
  return (
    <Card title={t('account.lines')} testId="lines-card">
      <p className="help">{t('account.linesHelp')}</p>
      {lines.length === 0 ? (
        <Empty>{t('account.noLines')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table table-hover" data-testid="lines-table">
            <thead>
              <tr>
                <th>{t('account.col.source')}</th>
                <th>{t('account.col.item')}</th>
                <th className="num">{t('account.col.activity')}</th>
                <th>{t('account.col.effect')}</th>
                <th className="num">{t('account.col.tco2')}</th>
                <th>{t('account.col.coverage')}</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((line) => {
                const open = openId === line.id;
                return (
                  <Fragment key={line.id}>
                    <tr
                      className={open ? 'row-open' : undefined}
                      onClick={() => setOpenId(open ? null : line.id)}
                      aria-expanded={open}
                      data-testid="line-row"
                      data-line={line.id}
                    >
                      <td>
                        <span className="expander" aria-hidden="true">
                          {open ? '▾' : '▸'}
                        </span>
                        {t(`account.source.${line.source}`)}
                      </td>
                      <td>{lineItemName(tx, line.item)}</td>
                      <td className="num">{formatQuantity(line.activity, line.activityUnit)}</td>
                      <td>
                        <span className={`tag effect-${line.effect}`}>
                          {t(`account.effect.${line.effect}`)}
                        </span>
                      </td>
                      <td className="num" data-testid="line-tco2">
                        {formatTco2(signedTco2(line))}
                      </td>
                      <td>
                        <CoverageBar share={line.coverage} text={formatPercent(line.coverage)} />
                      </td>
                    </tr>
                    {open ? (
                      <tr className="row-detail">
                        <td colSpan={6}>
                          <LineDetail line={line} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function LineDetail({ line }: { line: EmissionLine }) {
  const { t } = useI18n();
  return (
    <div className="line-detail" data-testid="line-detail">
      <dl className="facts">
        <dt>{t('account.detail.activity')}</dt>
        <dd data-testid="line-activity">{formatQuantity(line.activity, line.activityUnit)}</dd>
        <dt>{t('account.detail.formula')}</dt>
        <dd>
          <code data-testid="line-formula">{line.formula}</code>
        </dd>
        <dt>{t('account.detail.result')}</dt>
        <dd>
          {formatTco2(line.tco2)} · {t(`account.effect.${line.effect}`)}
        </dd>
        <dt>{t('account.col.coverage')}</dt>
        <dd>
          <CoverageBar share={line.coverage} text={formatPercent(line.coverage)} />
        </dd>
      </dl>
      <h3 className="detail-title">{t('account.detail.factors')}</h3>
      {line.factors.length === 0 ? (
        <p className="muted small">{t('account.detail.noFactors')}</p>
      ) : (
        <FactorTable factors={line.factors} />
      )}
      <h3 className="detail-title">{t('account.detail.inputs', { count: line.inputs.length })}</h3>
      {line.inputs.length === 0 ? (
        <p className="muted small">{t('account.detail.noInputs')}</p>
      ) : (
        <ul className="input-list" data-testid="line-inputs">
          {line.inputs.map((i) => (
            <li key={i}>
              <InputRef input={i} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Factors as cited: key, version, scope, value and unit, in force from, status and source. */
function FactorTable({ factors }: { factors: readonly FactorRef[] }) {
  const { t } = useI18n();
  const { orgName } = usePark();
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid="factor-table">
        <thead>
          <tr>
            <th>{t('factor.key')}</th>
            <th>{t('factor.version')}</th>
            <th>{t('factor.scope')}</th>
            <th className="num">{t('factor.value')}</th>
            <th>{t('factor.validFrom')}</th>
            <th>{t('factor.status')}</th>
            <th>{t('factor.source')}</th>
          </tr>
        </thead>
        <tbody>
          {factors.map((f) => (
            <tr key={`${f.key}|${f.scope}|${f.version}`} data-testid="factor-row">
              <td className="mono">{f.key}</td>
              <td className="mono">v{f.version}</td>
              <td className="small">{factorScopeName(t, orgName, f.scope)}</td>
              <td className="num">{formatFactor(f.value, f.unit)}</td>
              <td className="nowrap small">
                {f.validFrom}
                {f.dataYear ? (
                  <div className="muted">{t('factor.dataYear', { year: f.dataYear })}</div>
                ) : null}
              </td>
              <td>
                <span className={`tag status-${f.status}`}>{t(`factor.status.${f.status}`)}</span>
              </td>
              <td className="small factor-source">{f.source}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** '*' → the library default, 'park:<id>' → the park's own, 'org:<park>/<org>' → the organisation's own. */
function factorScopeName(t: I18n['t'], orgName: (id: string) => string, scope: string): string {
  if (scope === '*') return t('factor.scope.default');
  if (scope.startsWith('park:')) return t('factor.scope.park');
  if (scope.startsWith('org:'))
    return t('factor.scope.org', { organisation: orgName(scope.split('/')[1] ?? '') });
  return scope;
}

/** An input of a line: a statistical value (`stat:<org>/<month>/<kind>/<item>@v<n>`) or a meter (linked). */
function InputRef({ input }: { input: string }) {
  const { t } = useI18n();
  const { link, orgName } = usePark();
  const stat = /^stat:([^/]+)\/(\d{4}-\d{2})\/([a-z_]+)\/(.*)@v(\d+)$/.exec(input);
  if (stat) {
    const [, org = '', month = '', kind = '', item = '', version = ''] = stat;
    return (
      <span>
        <span className="tag tag-muted">{t('account.input.statistic')}</span> {orgName(org)} · {month} ·{' '}
        {statisticKindLabel(t, kind)}
        {item ? ` · ${item}` : ''} <span className="muted mono">v{version}</span>
      </span>
    );
  }
  if (/^[A-Za-z0-9_.-]+$/.test(input)) {
    return (
      <span>
        <span className="tag tag-muted">{t('account.input.meter')}</span>{' '}
        <a className="mono" href={link(['meters', input])}>
          {input}
        </a>
      </span>
    );
  }
  return <span className="mono">{input}</span>;
}

const STATISTIC_KIND_SET = new Set<string>([
  'industrial_output',
  'value_added',
  'product_output',
  'solid_waste_generated',
  'solid_waste_utilised',
  'waste_heat_available',
  'waste_heat_recovered',
  'water_used',
  'water_reused',
  'freight',
  'process_activity',
  'recovered_co2',
  'offset',
  'green_claim',
  'efficiency_diagnosis',
] satisfies StatisticKind[]);

export function statisticKindLabel(t: I18n['t'], kind: string): string {
  return STATISTIC_KIND_SET.has(kind) ? t(`stat.kind.${kind as StatisticKind}`) : kind;
}

export function EnergyTable({ account }: { account: Account }) {
  const { t, tx } = useI18n();
  return (
    <Card title={t('account.energy')} testId="energy-card">
      {account.energy.length === 0 ? (
        <Empty>{t('account.noEnergy')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="energy-table">
            <thead>
              <tr>
                <th>{t('account.col.carrier')}</th>
                <th className="num">{t('account.col.quantity')}</th>
                <th className="num">{t('account.col.tce')}</th>
                <th className="num">{t('account.col.cleanTce')}</th>
                <th>{t('account.col.factor')}</th>
                <th>{t('account.col.coverage')}</th>
              </tr>
            </thead>
            <tbody>
              {account.energy.map((e) => (
                <tr key={`${e.carrier}|${e.unit}`} data-testid="energy-row" data-carrier={e.carrier}>
                  <td>
                    {carrierName(tx, e.carrier)}
                    <div className="muted small">
                      {Object.entries(e.byRole)
                        .filter(([, v]) => v !== 0)
                        .map(([role, v]) => `${roleName(tx, role)} ${formatQuantity(v, e.unit)}`)
                        .join(' · ')}
                    </div>
                  </td>
                  <td className="num">
                    {formatQuantity(e.quantity, e.unit)}
                    {e.estimated > 0 ? (
                      <div className="muted small">
                        {t('kpi.estimated', { value: formatQuantity(e.estimated, e.unit) })}
                      </div>
                    ) : null}
                  </td>
                  <td className="num" data-testid="energy-tce">
                    {e.tce === null ? (
                      <span className="muted">{t('kpi.noCoefficient')}</span>
                    ) : (
                      formatTce(e.tce)
                    )}
                  </td>
                  <td className="num">{e.tce === null ? '—' : formatTce(e.cleanTce)}</td>
                  <td className="small">
                    {e.factor ? (
                      <>
                        {formatFactor(e.factor.value, e.factor.unit)}{' '}
                        <span className="muted mono">
                          {e.factor.key} v{e.factor.version}
                        </span>
                        {e.factors.length > 1 ? (
                          <div className="muted">{t('account.moreFactors', { count: e.factors.length })}</div>
                        ) : null}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    <CoverageBar share={e.coverage} text={formatPercent(e.coverage)} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="row-total">
                <td>{t('account.total')}</td>
                <td />
                <td className="num" data-testid="energy-total">
                  {formatTce(account.totals.energyTce)}
                </td>
                <td className="num">{formatTce(account.totals.cleanEnergyTce)}</td>
                <td />
                <td>
                  <CoverageBar
                    share={account.totals.coverage}
                    text={formatPercent(account.totals.coverage)}
                  />
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </Card>
  );
}

/** What the account lacks ("not computable: missing …") and what a verifier should see (warnings). */
export function MissingInputs({ account }: { account: Account }) {
  const { t } = useI18n();
  if (account.missing.length === 0 && account.warnings.length === 0) return null;
  return (
    <>
      {account.missing.length > 0 ? (
        <section className="error-box error-issues missing-box" role="alert" data-testid="account-missing">
          <div>
            <strong>{t('account.missingTitle', { count: account.missing.length })}</strong>
            <ul className="issue-list">
              {account.missing.map((m, i) => (
                <li key={i} data-testid="missing-input">
                  <span>{t('account.missing', { what: m.what })}</span>
                  <span className="muted">{m.reason}</span>
                  {m.months.length > 0 ? (
                    <span className="muted small">（{m.months.join(', ')}）</span>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        </section>
      ) : null}
      {account.warnings.length > 0 ? (
        <section className="warning-box" data-testid="account-warnings">
          <strong>{t('account.warningsTitle', { count: account.warnings.length })}</strong>
          <ul className="issue-list">
            {account.warnings.map((m, i) => (
              <li key={i}>
                <span>{m.what}</span>
                <span className="muted">{m.reason}</span>
                {m.months.length > 0 ? <span className="muted small">（{m.months.join(', ')}）</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
