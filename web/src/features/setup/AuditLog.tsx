/** The audit log: who changed what, newest first. */
import { listAudit } from '../../api/setup.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, Empty, ErrorMessage, Loading } from '../../components/ui.tsx';
import { formatDate } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';

export function AuditLog() {
  const { t, locale } = useI18n();
  const { park } = usePark();
  const audit = useApi((signal) => listAudit(park.id, 200, signal), [park.id]);
  return (
    <Card title={t('setup.tab.audit')}>
      <p className="help">{t('audit.help')}</p>
      {audit.state === 'error' ? <ErrorMessage error={audit.error} onRetry={audit.reload} /> : null}
      {audit.state === 'loading' && !audit.data ? <Loading /> : null}
      {audit.data && audit.data.events.length === 0 ? <Empty>{t('audit.empty')}</Empty> : null}
      {audit.data && audit.data.events.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th>{t('audit.at')}</th>
                <th>{t('audit.actor')}</th>
                <th>{t('audit.action')}</th>
                <th>{t('audit.target')}</th>
                <th>{t('audit.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.events.map((e) => (
                <tr key={e.id}>
                  <td className="small nowrap">{formatDate(e.atMs, park.timezone, locale, 'dateTime')}</td>
                  <td className="mono small">{e.actor}</td>
                  <td>
                    <span className="tag">{e.action}</span>
                  </td>
                  <td className="mono small">{e.target ?? '—'}</td>
                  <td>
                    <code className="raw" title={JSON.stringify(e.detail, null, 2)}>
                      {detailText(e.detail)}
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}

function detailText(detail: Record<string, unknown>): string {
  const entries = Object.entries(detail);
  if (entries.length === 0) return '—';
  return entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
}
