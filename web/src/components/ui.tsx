/**
 * Small shared pieces of the pages: cards, KPI tiles, loading/empty/error states, page header, tabs, segmented
 * buttons.
 */
import type { ReactNode } from 'react';
import { ApiFailure } from '../api/client.ts';
import { formatChange } from '../format.ts';
import { useI18n, type I18n } from '../i18n/index.tsx';

export function PageHeader(props: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  testId?: string;
}) {
  return (
    <header className="page-header">
      <div>
        <h1 data-testid={props.testId ?? 'page-title'}>{props.title}</h1>
        {props.subtitle ? <p className="page-subtitle">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div className="page-actions">{props.actions}</div> : null}
    </header>
  );
}

export function Card(props: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={`card ${props.className ?? ''}`} data-testid={props.testId}>
      {props.title || props.actions ? (
        <div className="card-head">
          {props.title ? <h2>{props.title}</h2> : <span />}
          {props.actions ? <div className="card-actions">{props.actions}</div> : null}
        </div>
      ) : null}
      {props.children}
    </section>
  );
}

export function KpiCard(props: {
  label: ReactNode;
  value: string;
  sub?: ReactNode;
  footnote?: ReactNode;
  accent?: string;
  testId?: string;
  emphasis?: boolean;
}) {
  return (
    <div
      className={`kpi ${props.emphasis ? 'kpi-emphasis' : ''}`}
      style={props.accent ? { borderTopColor: props.accent } : undefined}
      data-testid={props.testId}
    >
      <div className="kpi-label">{props.label}</div>
      <div className="kpi-value" data-testid={props.testId ? `${props.testId}-value` : undefined}>
        {props.value}
      </div>
      {props.sub ? <div className="kpi-sub">{props.sub}</div> : null}
      {props.footnote ? <div className="kpi-footnote">{props.footnote}</div> : null}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('app.loading')}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <div className="empty" data-testid="empty">
      {children}
    </div>
  );
}

/** The sentence for a failed call, in the current language; never echoes another organisation's data. */
export function errorText(error: unknown, t: I18n['t']): string {
  if (error instanceof ApiFailure) {
    if (error.status === 0) return t('error.network');
    if (error.status === 403) return t('error.forbidden');
    if (error.status === 404) return t('error.notFound');
    if (error.status === 400) return t('error.badInput', { message: error.message });
    return t('error.server', { status: error.status, message: error.message });
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const kind =
    error instanceof ApiFailure && (error.status === 403 || error.status === 404) ? 'forbidden' : 'error';
  return (
    <div className={`error-box error-${kind}`} role="alert" data-testid="error-message" data-kind={kind}>
      <svg className="error-icon" viewBox="0 0 20 20" aria-hidden="true">
        <circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" strokeWidth="1.8" />
        {kind === 'forbidden' ? (
          <path d="M4.5 15.5 15.5 4.5" stroke="currentColor" strokeWidth="1.8" />
        ) : (
          <path d="M10 5.5v5.5M10 13.2v1.3" stroke="currentColor" strokeWidth="1.9" strokeLinecap="round" />
        )}
      </svg>
      <span>{errorText(error, t)}</span>
      {onRetry && kind === 'error' ? (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t('app.retry')}
        </button>
      ) : null}
    </div>
  );
}

/**
 * ▲/▼ with a colour: an increase in energy use is red (attention), a decrease green. This matches both the Chinese
 * convention (red = up) and the reading "more energy is worse", so the two never disagree.
 */
export function ChangeBadge({ change, testId }: { change: number | null | undefined; testId?: string }) {
  const c = formatChange(change);
  const arrow = c.direction === 'up' ? '▲' : c.direction === 'down' ? '▼' : '';
  return (
    <span className={`change change-${c.direction ?? 'none'}`} data-testid={testId}>
      {arrow ? <span aria-hidden="true">{arrow} </span> : null}
      {c.text}
    </span>
  );
}

/** A coverage share as a small bar plus the percentage. */
export function CoverageBar({ share, text }: { share: number | null; text: string }) {
  const v = share === null ? 0 : Math.max(0, Math.min(1, share));
  const level = share === null ? 'none' : v >= 0.98 ? 'good' : v >= 0.9 ? 'fair' : 'poor';
  return (
    <span className={`coverage coverage-${level}`}>
      <span className="coverage-track" aria-hidden="true">
        <span className="coverage-fill" style={{ width: `${v * 100}%` }} />
      </span>
      <span className="coverage-text">{text}</span>
    </span>
  );
}

export function Tabs<K extends string>(props: {
  tabs: readonly { key: K; label: string }[];
  active: K;
  hrefOf: (key: K) => string;
}) {
  return (
    <nav className="tabs" role="tablist">
      {props.tabs.map((tab) => (
        <a
          key={tab.key}
          role="tab"
          aria-selected={tab.key === props.active}
          className={tab.key === props.active ? 'tab tab-active' : 'tab'}
          href={props.hrefOf(tab.key)}
          data-testid={`tab-${tab.key}`}
        >
          {tab.label}
        </a>
      ))}
    </nav>
  );
}

/**
 * A row of buttons of which one is chosen (a kind, a scope), each with the test id `<testId>-<option>`.
 * @example <Segmented options={['month', 'year']} value={v} onChange={setV} label={(k) => t(k)} testId="list" />
 */
export function Segmented<K extends string>(props: {
  options: readonly K[];
  value: K;
  onChange: (option: K) => void;
  label: (option: K) => string;
  testId: string;
  ariaLabel?: string;
  className?: string;
}) {
  return (
    <div
      className={props.className ? `segmented ${props.className}` : 'segmented'}
      role="group"
      aria-label={props.ariaLabel}
    >
      {props.options.map((k) => (
        <button
          key={k}
          type="button"
          className={k === props.value ? 'seg seg-active' : 'seg'}
          aria-pressed={k === props.value}
          onClick={() => props.onChange(k)}
          data-testid={`${props.testId}-${k}`}
        >
          {props.label(k)}
        </button>
      ))}
    </div>
  );
}

/**
 * A labelled text input of a form (or, `inline`, of a filters row), the value as typed.
 * @example <TextField label={t('green.op.evidence')} value={evidence} onChange={setEvidence} testId="op-evidence" />
 */
export function TextField(props: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'month';
  placeholder?: string;
  /** The label beside the input (`inline-field`) rather than above it. */
  inline?: boolean;
  /** The label's class in a form grid (`span-2` …). */
  className?: string;
  testId: string;
}) {
  return (
    <label className={props.inline ? 'inline-field' : props.className}>
      {props.inline ? <span>{props.label}</span> : props.label}
      <input
        type={props.type ?? 'text'}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.placeholder}
        data-testid={props.testId}
      />
    </label>
  );
}
