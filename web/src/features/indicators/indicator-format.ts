/**
 * Indicator values, thresholds and gaps as the scorecard shows them (pure, so the browser tests format an API figure
 * exactly as the page does): shares as percentages, the core indicator in tCO₂/tce, ratios to a norm as numbers.
 */
import { displayUnit, formatNumber, formatPercent, formatTco2PerTce, type Locale } from '../../format.ts';

/** A value in the indicator's unit: "92.5%", "2.345 tCO₂/tce", "0.94". */
export function formatIndicatorValue(value: number | null | undefined, unit: string): string {
  if (unit === 'share') return formatPercent(value);
  if (unit === 'tCO2/tce') return formatTco2PerTce(value);
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return unit === 'ratio to norm' || unit === ''
    ? formatNumber(value)
    : `${formatNumber(value)} ${displayUnit(unit)}`;
}

/** The threshold with its direction: "≤ 2.500 tCO₂/tce", "≥ 90.0%"; none → "—". */
export function formatThreshold(
  threshold: number | null | undefined,
  unit: string,
  direction: 'at_most' | 'at_least',
): string {
  if (threshold === null || threshold === undefined) return '—';
  return `${direction === 'at_most' ? '≤' : '≥'} ${formatIndicatorValue(threshold, unit)}`;
}

/**
 * The signed gap (positive = better than the threshold): shares in percentage points ("+2.5 个百分点" / "+2.5 pp"),
 * other units as values ("−0.120 tCO₂/tce").
 */
export function formatGap(gap: number | null | undefined, unit: string, locale: Locale): string {
  if (gap === null || gap === undefined || !Number.isFinite(gap)) return '—';
  const sign = gap > 0 ? '+' : '';
  if (unit === 'share') {
    const points = formatNumber(gap * 100, 1);
    return `${sign}${points}${locale === 'zh-CN' ? ' 个百分点' : ' pp'}`;
  }
  return `${sign}${formatIndicatorValue(gap, unit)}`;
}
