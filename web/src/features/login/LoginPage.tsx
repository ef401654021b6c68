/** 登录: username and password; the server answers with an HttpOnly session cookie (nothing is stored here). */
import { useState, type FormEvent } from 'react';
import type { UserView } from '../../../../src/server/api-types.ts';
import { login } from '../../api/auth.ts';
import { ApiFailure } from '../../api/client.ts';
import { errorText } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { Brand, LanguageSwitch } from '../../shell/TopBar.tsx';

export function LoginPage({ onLogin }: { onLogin: (user: UserView) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await login(username.trim(), password);
      onLogin(res.user);
    } catch (err) {
      setError(
        err instanceof ApiFailure && (err.status === 401 || err.status === 400 || err.status === 403)
          ? t('login.failed')
          : t('login.error', { message: errorText(err, t) }),
      );
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <div className="login-panel">
        <div className="login-hero">
          <Brand />
          <h1>{t('app.tagline')}</h1>
          <p>{t('login.subtitle')}</p>
          <svg className="login-art" viewBox="0 0 320 140" aria-hidden="true">
            <path d="M0 120 C60 60 120 140 180 80 S280 40 320 60 V140 H0Z" fill="rgba(255,255,255,.08)" />
            <path d="M0 130 C80 90 140 130 200 100 S290 80 320 90 V140 H0Z" fill="rgba(255,255,255,.12)" />
            <g stroke="rgba(255,255,255,.55)" strokeWidth="2" fill="none">
              <rect x="40" y="60" width="38" height="22" rx="2" transform="skewX(-18)" />
              <rect x="86" y="60" width="38" height="22" rx="2" transform="skewX(-18)" />
              <path d="M250 30v70M250 30l-16 8M250 30l14 10M250 30l2-18" />
            </g>
          </svg>
        </div>
        <form className="login-form" onSubmit={(e) => void submit(e)} data-testid="login-form">
          <h2>{t('login.title')}</h2>
          <label>
            {t('login.username')}
            <input
              name="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
              autoFocus
              data-testid="login-username"
            />
          </label>
          <label>
            {t('login.password')}
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
              data-testid="login-password"
            />
          </label>
          {error ? (
            <p className="form-error" role="alert" data-testid="login-error">
              {error}
            </p>
          ) : null}
          <button
            type="submit"
            className="btn btn-primary btn-block"
            disabled={busy}
            data-testid="login-submit"
          >
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
          <p className="login-footer muted">{t('login.footer')}</p>
        </form>
      </div>
    </div>
  );
}
