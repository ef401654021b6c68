/** Gateways: create one (its token is shown once, here), list them, revoke. */
import { useState, type FormEvent } from 'react';
import type { GatewayCreated } from '../../../../src/server/api-types.ts';
import { createGateway, listGateways, revokeGateway } from '../../api/setup.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, Empty, ErrorMessage, Loading } from '../../components/ui.tsx';
import { formatDate } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';

export function Gateways() {
  const { t, locale } = useI18n();
  const { park } = usePark();
  const gateways = useApi((signal) => listGateways(park.id, signal), [park.id]);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [meters, setMeters] = useState('');
  const [created, setCreated] = useState<GatewayCreated | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const list = meters
        .split(/[,\s，]+/)
        .map((m) => m.trim())
        .filter(Boolean);
      const gw = await createGateway(park.id, {
        id: id.trim(),
        name: name.trim(),
        ...(list.length ? { meters: list } : {}),
      });
      setCreated(gw);
      setCopied(false);
      setId('');
      setName('');
      setMeters('');
      gateways.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (gatewayId: string) => {
    if (!window.confirm(t('gateways.confirmRevoke', { id: gatewayId }))) return;
    try {
      await revokeGateway(park.id, gatewayId);
      gateways.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Card title={t('gateways.create')}>
        <p className="help">{t('gateways.help')}</p>
        <form className="form-grid" onSubmit={(e) => void submit(e)} data-testid="gateway-form">
          <label>
            {t('gateways.id')}
            <input
              value={id}
              onChange={(e) => setId(e.target.value)}
              required
              pattern="[A-Za-z0-9][A-Za-z0-9._\-]*"
              data-testid="gateway-id"
            />
          </label>
          <label>
            {t('gateways.name')}
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              data-testid="gateway-name"
            />
          </label>
          <label className="span-2">
            {t('gateways.meters')}
            <input
              value={meters}
              onChange={(e) => setMeters(e.target.value)}
              placeholder={t('gateways.metersHint')}
            />
          </label>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="gateway-create">
              {t('gateways.create')}
            </button>
          </div>
        </form>
        {error ? <ErrorMessage error={error} /> : null}
        {created ? (
          <div className="token-box" role="status" data-testid="gateway-token-box">
            <p>{t('gateways.created')}</p>
            <div className="token-row">
              <code className="token" data-testid="gateway-token">
                {created.token}
              </code>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  void navigator.clipboard?.writeText(created.token).then(() => setCopied(true));
                }}
              >
                {copied ? t('app.copied') : t('app.copy')}
              </button>
              <button type="button" className="btn btn-small btn-ghost" onClick={() => setCreated(null)}>
                {t('app.close')}
              </button>
            </div>
          </div>
        ) : null}
      </Card>
      <Card title={t('setup.tab.gateways')}>
        {gateways.state === 'error' ? (
          <ErrorMessage error={gateways.error} onRetry={gateways.reload} />
        ) : null}
        {gateways.state === 'loading' && !gateways.data ? <Loading /> : null}
        {gateways.data && gateways.data.gateways.length === 0 ? <Empty>{t('gateways.empty')}</Empty> : null}
        {gateways.data && gateways.data.gateways.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="gateways-table">
              <thead>
                <tr>
                  <th>{t('gateways.id')}</th>
                  <th>{t('gateways.name')}</th>
                  <th>{t('gateways.meters')}</th>
                  <th>{t('gateways.createdAt')}</th>
                  <th>{t('gateways.lastSeen')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {gateways.data.gateways.map((g) => (
                  <tr key={g.id} className={g.revoked ? 'row-archived' : undefined}>
                    <td className="mono">{g.id}</td>
                    <td>{g.name}</td>
                    <td className="small">
                      {g.meters === null ? t('gateways.allMeters') : g.meters.join(', ')}
                    </td>
                    <td className="small">
                      {formatDate(g.createdAtMs, park.timezone, locale, 'dateTime')} · {g.createdBy}
                    </td>
                    <td className="small">{formatDate(g.lastSeenAtMs, park.timezone, locale, 'dateTime')}</td>
                    <td className="actions">
                      {g.revoked ? (
                        <span className="tag tag-muted">{t('gateways.revoked')}</span>
                      ) : (
                        <button
                          type="button"
                          className="btn btn-small btn-danger"
                          onClick={() => void revoke(g.id)}
                        >
                          {t('gateways.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
    </>
  );
}
