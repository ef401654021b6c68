/**
 * Closing a period (park admins) and the restatement banner. A close freezes the account; closing a closed period
 * again is a restatement, which needs a reason. When the inputs changed after a close, the closed figures stay the
 * account and the banner shows by how much the current computation differs, and why.
 */
import { useState } from 'react';
import { closePeriod, type AccountClose, type AccountScope, type Restatement } from '../../api/carbon.ts';
import { ErrorMessage } from '../../components/ui.tsx';
import { formatTce, formatTco2 } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';

/** "+12.3 tCO₂" / "−4.5 tce": a signed difference. */
function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : text;
}

export function RestatementBanner(props: {
  restatement: Restatement;
  showCurrent: boolean;
  onShowCurrent: (v: boolean) => void;
}) {
  const { t } = useI18n();
  const d = props.restatement.delta;
  return (
    <section className="restatement" role="status" data-testid="restatement-banner">
      <div className="restatement-head">
        <strong>{t('account.restatement.title')}</strong>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => props.onShowCurrent(!props.showCurrent)}
          data-testid="restatement-toggle"
        >
          {props.showCurrent ? t('account.restatement.showClosed') : t('account.restatement.showCurrent')}
        </button>
      </div>
      <p className="restatement-help">
        {props.showCurrent ? t('account.restatement.showingCurrent') : t('account.restatement.help')}
      </p>
      <dl className="restatement-delta">
        <div>
          <dt>{t('account.kpi.gross')}</dt>
          <dd data-testid="restatement-gross">{signed(formatTco2(d.grossTco2), d.grossTco2)}</dd>
        </div>
        <div>
          <dt>{t('account.kpi.net')}</dt>
          <dd>{signed(formatTco2(d.netTco2), d.netTco2)}</dd>
        </div>
        <div>
          <dt>{t('account.kpi.energy')}</dt>
          <dd>{signed(formatTce(d.energyTce), d.energyTce)}</dd>
        </div>
      </dl>
      {props.restatement.changes.length > 0 ? (
        <>
          <div className="small">{t('account.restatement.changes')}</div>
          <ul className="note-list" data-testid="restatement-changes">
            {props.restatement.changes.map((c, i) => (
              <li key={i}>{c}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** The close button (park admins): "close" on a live period, "close again (restate)" on a closed one. */
export function CloseButton(props: { closed: boolean; open: boolean; onToggle: () => void }) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      className={props.open ? 'btn btn-small seg-active' : 'btn btn-small'}
      aria-expanded={props.open}
      onClick={props.onToggle}
      data-testid="account-close"
    >
      {props.closed ? t('account.restateAction') : t('account.closeAction')}
    </button>
  );
}

/** The close form: what closing means, the reason a restatement needs, the confirmation. */
export function CloseForm(props: {
  request: AccountScope;
  close: AccountClose | null;
  onCancel: () => void;
  onClosed: (close: AccountClose) => void;
}) {
  const { t } = useI18n();
  const { park } = usePark();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const restate = props.close !== null;

  const submit = async () => {
    if (restate && !reason.trim()) return;
    setBusy(true);
    setError(null);
    try {
      props.onClosed(await closePeriod(park.id, props.request, restate ? reason.trim() : null));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="card close-form"
      data-testid="account-close-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p className="help">{restate ? t('account.restateHelp') : t('account.closeHelp')}</p>
      {restate ? (
        <label className="close-reason">
          <span>{t('account.reason')}</span>
          <textarea
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            rows={2}
            placeholder={t('account.reasonPlaceholder')}
            data-testid="account-close-reason"
          />
        </label>
      ) : null}
      {error ? <ErrorMessage error={error} /> : null}
      <div className="form-row">
        <button type="button" className="btn btn-ghost" onClick={props.onCancel}>
          {t('app.cancel')}
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || (restate && !reason.trim())}
          data-testid="account-close-confirm"
        >
          {restate ? t('account.restateConfirm') : t('account.closeConfirm')}
        </button>
      </div>
    </form>
  );
}

/** What the last close did: "closed (#3)" or "restated (#4, supersedes #3)". */
export function CloseDone({ close }: { close: AccountClose }) {
  const { t } = useI18n();
  return (
    <div className="success-box" role="status" data-testid="account-close-done">
      {close.supersedes === null
        ? t('account.closeDone', { id: close.id })
        : t('account.restateDone', { id: close.id, previous: close.supersedes })}
    </div>
  );
}
