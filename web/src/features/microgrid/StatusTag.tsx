/** A run's status as a coloured tag (never run: grey; running but no longer solved anywhere: interrupted). */
import type { RunStatus } from '../../api/microgrid.ts';
import { useI18n } from '../../i18n/index.tsx';

export function StatusTag({
  status,
  interrupted,
  testId,
}: {
  status: RunStatus | null;
  interrupted?: boolean | undefined;
  testId?: string;
}) {
  const { t } = useI18n();
  const shown = status === 'running' && interrupted ? 'interrupted' : (status ?? 'never');
  const cls =
    shown === 'optimal'
      ? 'tag'
      : shown === 'infeasible' || shown === 'error' || shown === 'interrupted'
        ? 'tag tag-failed'
        : shown === 'running'
          ? 'tag tag-running'
          : 'tag tag-muted';
  return (
    <span className={cls} data-testid={testId} data-status={shown}>
      {t(`microgrid.status.${shown}`)}
    </span>
  );
}
