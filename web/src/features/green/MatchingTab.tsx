/**
 * 匹配分析: how much of each organisation's load — and of the park's — green electricity meets under the annual,
 * monthly and hourly methods, with the 24/7 carbon-free score, unmatched hours and surplus. A row opens its heat map,
 * its months, its supply lines and storages. An enterprise user gets its own organisation only (no park row).
 */
import { getMatching, type ConsumerMatchingJson, type MatchingAnswer } from '../../api/green.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, ErrorMessage, Loading } from '../../components/ui.tsx';
import { formatCount, formatPercent, formatQuantity } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useQueryParam } from '../../router.ts';
import { usePark } from '../../shell/park-context.tsx';
import { ConsumerDetail } from './ConsumerDetail.tsx';
import { MatchingControls, useMatchingScope } from './MatchingControls.tsx';
import { MethodFacts, MethodsExplained } from './MethodFacts.tsx';

/** The id the park aggregate has in the result and in `?consumer=`. */
const PARK_ID = 'park';

export function MatchingTab() {
  const { t } = useI18n();
  const { park, scope } = usePark();
  const matchingScope = useMatchingScope();
  const answer = useApi(
    (signal) => getMatching(park.id, matchingScope, signal),
    [park.id, matchingScope.period, matchingScope.gridShare, matchingScope.contract],
  );
  const data = answer.data;
  return (
    <>
      <MatchingControls />
      <MethodsExplained />
      {answer.state === 'error' ? <ErrorMessage error={answer.error} onRetry={answer.reload} /> : null}
      {data ? (
        <div className={answer.state === 'loading' ? 'stale' : ''}>
          <MatchingTable answer={data} />
          <Card title={t('green.facts.title')} testId="matching-facts">
            <MethodFacts
              method={data.result.method}
              rules={data.result.rules}
              gridShare={data.gridShare}
              completeness={
                scope ? (data.completeness.byOrganisation[scope] ?? null) : data.completeness.share
              }
              warnings={data.warnings}
            />
            <SharedResources answer={data} />
          </Card>
        </div>
      ) : answer.state === 'loading' ? (
        <Loading />
      ) : null}
    </>
  );
}

function MatchingTable({ answer }: { answer: MatchingAnswer }) {
  const { t } = useI18n();
  const { park, scope, orgName } = usePark();
  const [consumerParam, setConsumer] = useQueryParam('consumer');
  const r = answer.result;
  // An enterprise user's result has no park aggregate (its `park` is its own organisation's figures).
  const rows: { id: string; name: string; c: ConsumerMatchingJson }[] = [
    ...(scope ? [] : [{ id: PARK_ID, name: park.name, c: r.park }]),
    ...r.consumers.map((c) => ({ id: c.id, name: orgName(c.id), c })),
  ];
  const selected = rows.find((row) => row.id === consumerParam) ?? rows[0];
  const completeness = (id: string) =>
    id === PARK_ID ? answer.completeness.share : (answer.completeness.byOrganisation[id] ?? null);
  return (
    <>
      <Card title={t(scope ? 'green.matching.titleOwn' : 'green.matching.title')} testId="matching-card">
        <div className="table-wrap">
          <table className="table table-compact table-hover" data-testid="matching-table">
            <thead>
              <tr>
                <th>{t('green.col.consumer')}</th>
                <th className="num">{t('green.col.load')}</th>
                <th className="num">{t('green.method.annual')}</th>
                <th className="num">{t('green.method.monthly')}</th>
                <th className="num">{t('green.method.hourly')}</th>
                <th className="num">{t('green.col.cfe')}</th>
                <th className="num">{t('green.col.unmatchedHours')}</th>
                <th className="num">{t('green.col.surplus')}</th>
                <th className="num">{t('green.facts.completeness')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ id, name, c }) => (
                <tr
                  key={id}
                  className={
                    [id === selected?.id ? 'row-open' : '', id === PARK_ID ? 'row-total' : '']
                      .join(' ')
                      .trim() || undefined
                  }
                  onClick={() => setConsumer(id)}
                  data-testid="matching-row"
                  data-consumer={id}
                >
                  <td className="nowrap">{name}</td>
                  <td className="num">{formatQuantity(c.loadMwh, 'MWh')}</td>
                  <td className="num" data-testid="matching-annual">
                    {formatPercent(c.annual.matchedShare)}
                  </td>
                  <td className="num" data-testid="matching-monthly">
                    {formatPercent(c.monthly.matchedShare)}
                  </td>
                  <td className="num" data-testid="matching-hourly">
                    {formatPercent(c.hourly.matchedShare)}
                  </td>
                  <td className="num" data-testid="matching-cfe">
                    {formatPercent(c.cfeScore)}
                  </td>
                  <td className="num">{formatCount(c.unmatched.hours)}</td>
                  <td className="num">{formatQuantity(c.hourly.surplusMwh, 'MWh')}</td>
                  <td className="num">{formatPercent(completeness(id))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="footnote">{t('green.matching.note')}</p>
      </Card>
      {selected ? (
        <ConsumerDetail
          key={selected.id}
          name={selected.name}
          consumer={selected.c}
          claims={answer.claims.filter((c) => (selected.id === PARK_ID ? true : c.consumer === selected.id))}
        />
      ) : null}
    </>
  );
}

function SharedResources({ answer }: { answer: MatchingAnswer }) {
  const { t, tx } = useI18n();
  const shared = answer.result.shared;
  if (shared.length === 0) return null;
  return (
    <div className="table-wrap green-shared">
      <h3 className="green-subhead">{t('green.shared.title')}</h3>
      <table className="table table-compact" data-testid="matching-shared">
        <thead>
          <tr>
            <th>{t('green.col.resource')}</th>
            <th>{t('green.col.rule')}</th>
            <th className="num">{t('green.shared.total')}</th>
            <th className="num">{t('green.shared.toStorage')}</th>
            <th className="num">{t('green.shared.allocated')}</th>
            <th className="num">{t('green.shared.unallocated')}</th>
          </tr>
        </thead>
        <tbody>
          {shared.map((s) => (
            <tr key={s.id} data-testid="matching-shared-row" data-resource={s.id} data-rule={s.rule}>
              <td className="nowrap">
                <span className="mono">{s.id}</span>{' '}
                <span className="muted small">{tx(`green.resource.${s.resource}`, s.resource)}</span>
              </td>
              <td className="nowrap">
                {tx(`green.rule.${s.rule}`, s.rule)} · {tx(`green.basis.${s.basis}`, s.basis)}
              </td>
              <td className="num">{formatQuantity(s.totalMwh, 'MWh')}</td>
              <td className="num">{formatQuantity(s.drawnToStorageMwh, 'MWh')}</td>
              <td className="num">
                {formatQuantity(
                  Object.values(s.allocatedMwh).reduce((a, b) => a + b, 0),
                  'MWh',
                )}
              </td>
              <td className="num">{formatQuantity(s.unallocatedMwh, 'MWh')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
