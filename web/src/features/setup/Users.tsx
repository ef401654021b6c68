/** Users of the park: create (role, organisation for enterprise users, initial password), list, revoke. */
import { useState, type FormEvent } from 'react';
import type { Role } from '../../../../src/server/api-types.ts';
import { createUser, listUsers, revokeUser } from '../../api/setup.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, Empty, ErrorMessage, Loading } from '../../components/ui.tsx';
import { formatDate } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';

const ROLES: readonly Role[] = ['park_admin', 'auditor', 'enterprise_user'];

export function Users() {
  const { t, tx, locale } = useI18n();
  const { park, user: me, orgName } = usePark();
  const users = useApi((signal) => listUsers(park.id, signal), [park.id]);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('enterprise_user');
  const [organisation, setOrganisation] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    if (role === 'enterprise_user' && !organisation) {
      setError(new Error(t('users.needOrganisation')));
      return;
    }
    setBusy(true);
    try {
      const created = await createUser(park.id, {
        username: username.trim(),
        displayName: displayName.trim(),
        role,
        password,
        ...(role === 'enterprise_user' ? { organisation } : {}),
      });
      setNotice(t('users.created', { username: created.username }));
      setUsername('');
      setDisplayName('');
      setPassword('');
      users.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (name: string) => {
    if (!window.confirm(t('users.confirmRevoke', { username: name }))) return;
    try {
      await revokeUser(park.id, name);
      users.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Card title={t('users.create')}>
        <p className="help">{t('users.help')}</p>
        <form className="form-grid" onSubmit={(e) => void submit(e)} data-testid="user-form">
          <label>
            {t('users.username')}
            <input
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
              autoComplete="off"
              data-testid="user-username"
            />
          </label>
          <label>
            {t('users.displayName')}
            <input
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
              required
              data-testid="user-display-name"
            />
          </label>
          <label>
            {t('users.role')}
            <select
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              data-testid="user-role-select"
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {tx(`user.role.${r}`, r)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('users.organisation')}
            <select
              value={organisation}
              onChange={(e) => setOrganisation(e.target.value)}
              disabled={role !== 'enterprise_user'}
              data-testid="user-organisation"
            >
              <option value="">—</option>
              {park.organisations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('users.password')}
            <input
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
              minLength={10}
              autoComplete="new-password"
              data-testid="user-password"
            />
          </label>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="user-create">
              {t('users.create')}
            </button>
          </div>
        </form>
        {notice ? <div className="success-box">{notice}</div> : null}
        {error ? <ErrorMessage error={error} /> : null}
      </Card>
      <Card title={t('setup.tab.users')}>
        {users.state === 'error' ? <ErrorMessage error={users.error} onRetry={users.reload} /> : null}
        {users.state === 'loading' && !users.data ? <Loading /> : null}
        {users.data && users.data.users.length === 0 ? <Empty>{t('users.empty')}</Empty> : null}
        {users.data && users.data.users.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="users-table">
              <thead>
                <tr>
                  <th>{t('users.username')}</th>
                  <th>{t('users.displayName')}</th>
                  <th>{t('users.role')}</th>
                  <th>{t('users.organisation')}</th>
                  <th>{t('users.createdAt')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {users.data.users.map((u) => (
                  <tr key={u.username} className={u.revoked ? 'row-archived' : undefined}>
                    <td className="mono">{u.username}</td>
                    <td>{u.displayName}</td>
                    <td>
                      <span className={`tag tag-role-${u.role}`}>{tx(`user.role.${u.role}`, u.role)}</span>
                    </td>
                    <td className="small">{u.organisation ? orgName(u.organisation) : '—'}</td>
                    <td className="small">{formatDate(u.createdAtMs, park.timezone, locale, 'dateTime')}</td>
                    <td className="actions">
                      {u.revoked ? (
                        <span className="tag tag-muted">{t('users.revoked')}</span>
                      ) : u.username === me.username ? null : (
                        <button
                          type="button"
                          className="btn btn-small btn-danger"
                          onClick={() => void revoke(u.username)}
                        >
                          {t('users.revoke')}
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
