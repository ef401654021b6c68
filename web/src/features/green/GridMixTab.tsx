/**
 * 电网绿电占比: the grid's green share data sets (published, estimated, traced or unverified; hourly or monthly),
 * the chosen set's values as a line with its monthly means, and (park admins) the upload of a new version.
 */
import { useMemo, useState } from 'react';
import {
  getGridShare,
  listGridShares,
  uploadGridShareCsv,
  type GridShareMeta,
  type GridShareSetRow,
} from '../../api/green.ts';
import { useApi } from '../../api/use-api.ts';
import { EChart } from '../../charts/EChart.tsx';
import type { ChartOption } from '../../charts/echarts.ts';
import { axisTooltip, categoryAxis, chartLegend, shareAxis, tooltipHtml } from '../../charts/option-parts.ts';
import { Card, ErrorMessage, Loading, TextField } from '../../components/ui.tsx';
import { formatCount, formatDate, formatPercent } from '../../format.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { useQueryParam } from '../../router.ts';
import { usePark } from '../../shell/park-context.tsx';
import { CsvImport } from './CsvImport.tsx';
import { monthlyMeans, shareMonth } from './green-view.ts';
import { MonthMeans } from './MonthMeans.tsx';

const STATUSES: readonly GridShareSetRow['status'][] = ['published', 'estimated', 'traced', 'unverified'];

export function GridMixTab() {
  const { t, tx, locale } = useI18n();
  const { park, isAdmin } = usePark();
  const sets = useApi((signal) => listGridShares(park.id, signal), [park.id]);
  const [setParam, setSet] = useQueryParam('set');
  const list = sets.data?.sets ?? [];
  const selected = list.find((s) => s.id === setParam) ?? list[0];
  const dateOf = (at: string | null) =>
    at === null
      ? '—'
      : /^\d{4}-\d{2}$/.test(at)
        ? at
        : formatDate(Date.parse(at), park.timezone, locale, 'day');

  return (
    <>
      {sets.state === 'error' ? <ErrorMessage error={sets.error} onRetry={sets.reload} /> : null}
      {sets.data ? (
        <Card title={t('green.grid.sets')} testId="grid-sets-card">
          {list.length === 0 ? (
            <p className="muted">{t('green.grid.none')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table table-compact table-hover" data-testid="grid-sets">
                <thead>
                  <tr>
                    <th>{t('green.col.set')}</th>
                    <th>{t('green.col.label')}</th>
                    <th>{t('green.col.status')}</th>
                    <th>{t('green.col.resolution')}</th>
                    <th className="num">{t('green.col.values')}</th>
                    <th>{t('green.col.covers')}</th>
                    <th>{t('green.col.source')}</th>
                    <th>{t('green.col.by')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((s) => (
                    <tr
                      key={s.id}
                      className={s.id === selected?.id ? 'row-open' : undefined}
                      onClick={() => setSet(s.id)}
                      data-testid="grid-set-row"
                      data-set={s.id}
                    >
                      <td className="mono nowrap">
                        {s.id} v{s.version}
                      </td>
                      <td>{s.label}</td>
                      <td>
                        <span className={s.status === 'published' ? 'tag' : 'tag tag-warn'}>
                          {tx(`green.status.${s.status}`, s.status)}
                        </span>
                      </td>
                      <td className="nowrap">{tx(`green.resolution.${s.resolution}`, s.resolution)}</td>
                      <td className="num">{formatCount(s.values)}</td>
                      <td className="nowrap">
                        {dateOf(s.from)} – {dateOf(s.to)}
                      </td>
                      <td className="small">{s.source}</td>
                      <td className="nowrap small">
                        {s.createdBy} · {formatDate(Date.parse(s.createdAt), park.timezone, locale, 'day')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      ) : sets.state === 'loading' ? (
        <Loading />
      ) : null}
      {selected ? <SetValues key={`${selected.id}@${selected.version}`} set={selected} /> : null}
      {isAdmin ? <GridShareUpload onImported={sets.reload} /> : null}
    </>
  );
}

function SetValues({ set }: { set: GridShareSetRow }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { park } = usePark();
  const values = useApi((signal) => getGridShare(park.id, set.id, signal), [park.id, set.id, set.version]);
  const data = values.data;
  const means = useMemo(() => (data ? monthlyMeans(data.values, park.timezone) : []), [data, park.timezone]);
  const option = useMemo(
    () => (data ? valuesOption(data.values, means, data.set.resolution, park.timezone, i18n) : null),
    [data, means, park.timezone, i18n],
  );
  return (
    <Card title={t('green.grid.values', { id: set.id, version: set.version })} testId="grid-values-card">
      {values.state === 'error' ? <ErrorMessage error={values.error} onRetry={values.reload} /> : null}
      {option && data ? (
        <>
          {data.values.length === 0 ? (
            <p className="muted">{t('green.grid.noValues')}</p>
          ) : (
            <EChart
              option={option}
              height={300}
              testId="grid-chart"
              ariaLabel={t('green.grid.values', { id: set.id, version: set.version })}
            />
          )}
          {means.length > 0 ? (
            <MonthMeans means={means} label={t('green.grid.mean')} testId="grid-means" />
          ) : null}
        </>
      ) : values.state === 'loading' ? (
        <Loading />
      ) : null}
    </Card>
  );
}

function valuesOption(
  values: readonly { at: string; share: number }[],
  means: readonly { month: string; mean: number }[],
  resolution: GridShareSetRow['resolution'],
  timeZone: string,
  { t, locale }: I18n,
): ChartOption {
  const hourly = resolution === 'hour';
  const label = (at: string) => (hourly ? formatDate(Date.parse(at), timeZone, locale, 'minute') : at);
  const meanBy = new Map(means.map((m) => [m.month, m.mean]));
  const meanAt = values.map((v) => meanBy.get(shareMonth(v.at, timeZone)) ?? null);
  const names = { share: t('green.grid.share'), mean: t('green.grid.mean') };
  return {
    color: ['#35a673', '#c98a1c'],
    grid: { left: 8, right: 16, top: 36, bottom: hourly ? 48 : 8, containLabel: true },
    legend: chartLegend(),
    tooltip: axisTooltip(values, (v, i) =>
      tooltipHtml(label(v.at), [
        [names.share, formatPercent(v.share)],
        [names.mean, formatPercent(meanAt[i])],
      ]),
    ),
    xAxis: categoryAxis(
      values.map((v) => label(v.at)),
      { hideOverlap: true },
    ),
    yAxis: shareAxis(),
    dataZoom: hourly ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] : [],
    series: [
      {
        type: 'line',
        name: names.share,
        showSymbol: !hourly,
        lineStyle: { width: hourly ? 1 : 2 },
        sampling: 'lttb',
        data: values.map((v) => v.share),
      },
      {
        type: 'line',
        name: names.mean,
        step: 'middle',
        showSymbol: false,
        lineStyle: { width: 2, type: 'dashed' },
        data: meanAt,
      },
    ],
  };
}

function GridShareUpload({ onImported }: { onImported: () => void }) {
  const { t, tx } = useI18n();
  const { park } = usePark();
  const [meta, setMeta] = useState<GridShareMeta>({ id: '', label: '', source: '', status: 'published' });
  const set = (patch: Partial<GridShareMeta>) => setMeta((m) => ({ ...m, ...patch }));
  return (
    <Card title={t('green.grid.upload')} testId="grid-upload-card">
      <CsvImport
        columns="at,green_share"
        template={['at,green_share', '2025-01-01T00:00:00+08:00,0.62', '2025-01,0.58'].join('\n')}
        templateName="grid-share-template.csv"
        upload={(csv, file) =>
          uploadGridShareCsv(park.id, { ...meta, label: meta.label || meta.id }, csv, file)
        }
        onImported={onImported}
        ready={meta.id.trim() !== '' && meta.source.trim() !== ''}
        testId="grid-upload"
      >
        <TextField
          label={t('green.grid.id')}
          value={meta.id}
          onChange={(id) => set({ id })}
          placeholder="yn-grid-2025"
          testId="grid-upload-id"
        />
        <TextField
          label={t('green.col.label')}
          value={meta.label}
          onChange={(label) => set({ label })}
          testId="grid-upload-label"
        />
        <label>
          {t('green.col.status')}
          <select
            value={meta.status}
            onChange={(e) => set({ status: STATUSES.find((s) => s === e.target.value) ?? 'unverified' })}
            data-testid="grid-upload-status"
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {tx(`green.status.${s}`, s)}
              </option>
            ))}
          </select>
        </label>
        <TextField
          className="span-2"
          label={t('green.col.source')}
          value={meta.source}
          onChange={(source) => set({ source })}
          placeholder={t('green.grid.sourceHint')}
          testId="grid-upload-source"
        />
      </CsvImport>
      <p className="footnote">{t('green.grid.uploadHelp')}</p>
    </Card>
  );
}
