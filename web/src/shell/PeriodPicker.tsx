/** 日/月/年 + previous/next + a custom range; the period lives in the URL so every view can be shared. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/index.tsx';
import {
  formatPeriod,
  lastDayOf,
  parsePeriod,
  rangePeriod,
  shiftPeriod,
  switchKind,
  type PeriodKind,
} from '../period.ts';

const KINDS: readonly Exclude<PeriodKind, 'quarter'>[] = ['day', 'month', 'year', 'range'];

export function PeriodPicker(props: {
  period: string;
  latestDay: string | null;
  firstDay: string | null;
  onChange: (period: string) => void;
}) {
  const { t, locale } = useI18n();
  const parts = parsePeriod(props.period);
  const kind = parts?.kind ?? 'month';
  const [rangeOpen, setRangeOpen] = useState(false);
  const [from, setFrom] = useState(parts?.fromDay ?? '');
  const [to, setTo] = useState(parts ? lastDayOf(parts) : '');
  const [rangeError, setRangeError] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  // The range form closes on a click outside the picker or on Escape.
  useEffect(() => {
    if (!rangeOpen) return;
    const outside = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setRangeOpen(false);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setRangeOpen(false);
    };
    document.addEventListener('mousedown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [rangeOpen]);

  const next = shiftPeriod(props.period, 1);
  const nextParts = parsePeriod(next);
  const nextDisabled = !!(props.latestDay && nextParts && nextParts.fromDay > props.latestDay);
  const prev = shiftPeriod(props.period, -1);
  const prevParts = parsePeriod(prev);
  const prevDisabled = !!(props.firstDay && prevParts && prevParts.toDay <= props.firstDay);

  const choose = (k: (typeof KINDS)[number]) => {
    if (k === 'range') {
      setFrom(parts?.fromDay ?? '');
      setTo(parts ? lastDayOf(parts) : '');
      setRangeError(false);
      setRangeOpen((o) => !o);
      return;
    }
    setRangeOpen(false);
    props.onChange(switchKind(props.period, k, props.latestDay));
  };

  const applyRange = (e: FormEvent) => {
    e.preventDefault();
    if (!from || !to || to < from) {
      setRangeError(true);
      return;
    }
    setRangeOpen(false);
    props.onChange(rangePeriod(from, to));
  };

  return (
    <div className="period-picker" ref={root} data-testid="period-picker" aria-label={t('period.picker')}>
      <div className="segmented" role="group">
        {KINDS.map((k) => (
          <button
            key={k}
            type="button"
            className={
              (rangeOpen ? k === 'range' : k === kind || (k === 'month' && kind === 'quarter'))
                ? 'seg seg-active'
                : 'seg'
            }
            aria-pressed={k === kind}
            onClick={() => choose(k)}
            data-testid={`period-kind-${k}`}
          >
            {t(`period.${k}`)}
          </button>
        ))}
      </div>
      <div className="period-step">
        <button
          type="button"
          className="icon-btn"
          aria-label={t('period.previous')}
          title={t('period.previous')}
          disabled={prevDisabled}
          onClick={() => props.onChange(prev)}
          data-testid="period-previous"
        >
          ‹
        </button>
        <span className="period-label" data-testid="period-label">
          {formatPeriod(props.period, locale)}
        </span>
        <button
          type="button"
          className="icon-btn"
          aria-label={t('period.next')}
          title={t('period.next')}
          disabled={nextDisabled}
          onClick={() => props.onChange(next)}
          data-testid="period-next"
        >
          ›
        </button>
      </div>
      {rangeOpen ? (
        <form className="popover range-form" onSubmit={applyRange} data-testid="period-range-form">
          <label>
            {t('period.from')}
            <input
              type="date"
              value={from}
              min={props.firstDay ?? undefined}
              max={props.latestDay ?? undefined}
              onChange={(e) => setFrom(e.target.value)}
              required
            />
          </label>
          <label>
            {t('period.to')}
            <input
              type="date"
              value={to}
              min={from || (props.firstDay ?? undefined)}
              max={props.latestDay ?? undefined}
              onChange={(e) => setTo(e.target.value)}
              required
            />
          </label>
          {rangeError ? <p className="form-error">{t('period.badRange')}</p> : null}
          <div className="form-row">
            <button type="button" className="btn btn-ghost" onClick={() => setRangeOpen(false)}>
              {t('app.cancel')}
            </button>
            <button type="submit" className="btn btn-primary">
              {t('period.apply')}
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
