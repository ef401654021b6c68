/** A run's status as a coloured tag (never run: grey). */
import type { RunStatus } from '../../api/microgrid.ts';
import { useI18n } from '../../i18n/index.tsx';

export function StatusTag({ status, testId }: { status: RunStatus | null; testId?: string }) {
  const { t } = useI18n();
  const cls =
    status === 'optimal'
      ? 'tag'
      : status === 'infeasible' || status === 'error'
        ? 'tag tag-failed'
        : status === 'running'
          ? 'tag tag-running'
          : 'tag tag-muted';
  return (
    <span className={cls} data-testid={testId} data-status={status ?? 'never'}>
      {t(`microgrid.status.${status ?? 'never'}`)}
    </span>
  );
}
