/** The park definition file: load it, edit it (or pick a file), apply it; show the summary or the errors by line. */
import { useEffect, useRef, useState } from 'react';
import { getDefinition, putDefinition, type ApplyCounts, type ApplySummary } from '../../api/setup.ts';
import {
  IssueList,
  LoadFileButton,
  saveFailure,
  selectLine,
  type SaveFailure,
} from '../../components/file-editor.tsx';
import { Card, ErrorMessage, Loading } from '../../components/ui.tsx';
import { formatCount } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';

type Outcome = { kind: 'none' } | { kind: 'applied'; summary: ApplySummary } | SaveFailure;

export function DefinitionEditor() {
  const { t } = useI18n();
  const { park } = usePark();
  const [text, setText] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const area = useRef<HTMLTextAreaElement>(null);

  const load = () => {
    setLoadError(null);
    getDefinition(park.id)
      .then(setText)
      .catch((e: unknown) => setLoadError(e));
  };
  useEffect(load, [park.id]);

  const apply = async () => {
    if (text === null) return;
    setBusy(true);
    setOutcome({ kind: 'none' });
    try {
      setOutcome({ kind: 'applied', summary: await putDefinition(park.id, text) });
    } catch (e) {
      setOutcome(saveFailure(e));
    } finally {
      setBusy(false);
    }
  };

  const goToLine = (line: number) => selectLine(area.current, text, line);

  return (
    <Card
      title={t('definition.editor')}
      actions={
        <>
          <LoadFileButton
            accept=".yaml,.yml,.json,text/yaml,application/json"
            onText={(content) => {
              setText(content);
              setOutcome({ kind: 'none' });
            }}
            testId="definition-file"
          />
          <button type="button" className="btn btn-small" onClick={load}>
            {t('definition.reload')}
          </button>
          <button
            type="button"
            className="btn btn-primary btn-small"
            onClick={() => void apply()}
            disabled={busy || text === null}
            data-testid="definition-apply"
          >
            {busy ? t('definition.applying') : t('definition.apply')}
          </button>
        </>
      }
    >
      <p className="help">{t('definition.help')}</p>
      {loadError ? <ErrorMessage error={loadError} onRetry={load} /> : null}
      {outcome.kind === 'issues' ? (
        <IssueList
          heading={t('definition.errors', { count: formatCount(Math.max(1, outcome.issues.length)) })}
          message={outcome.message}
          issues={outcome.issues}
          lineLabel={(line) => t('definition.line', { line })}
          onLine={goToLine}
          testId="definition-errors"
          itemTestId="definition-issue"
        />
      ) : null}
      {outcome.kind === 'error' ? <ErrorMessage error={outcome.error} /> : null}
      {outcome.kind === 'applied' ? <Summary summary={outcome.summary} /> : null}
      {text === null && !loadError ? (
        <Loading />
      ) : (
        <textarea
          ref={area}
          className="code-editor"
          spellCheck={false}
          value={text ?? ''}
          onChange={(e) => setText(e.target.value)}
          aria-label={t('definition.editor')}
          data-testid="definition-text"
        />
      )}
    </Card>
  );
}

function Summary({ summary }: { summary: ApplySummary }) {
  const { t } = useI18n();
  const sections: ['organisations' | 'sites' | 'meters', ApplyCounts][] = [
    ['organisations', summary.organisations],
    ['sites', summary.sites],
    ['meters', summary.meters],
  ];
  return (
    <div className="success-box" data-testid="definition-summary">
      <strong>{t('definition.applied')}</strong>
      <table className="table table-compact">
        <thead>
          <tr>
            <th>{t('definition.summary.section')}</th>
            <th className="num">{t('definition.summary.inserted')}</th>
            <th className="num">{t('definition.summary.updated')}</th>
            <th className="num">{t('definition.summary.archived')}</th>
            <th className="num">{t('definition.summary.unchanged')}</th>
          </tr>
        </thead>
        <tbody>
          {sections.map(([key, c]) => (
            <tr key={key}>
              <td>{t(`definition.summary.${key}`)}</td>
              <td className="num">{formatCount(c.created)}</td>
              <td className="num">{formatCount(c.updated)}</td>
              <td className="num">{formatCount(c.archived)}</td>
              <td className="num">{formatCount(c.unchanged)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {summary.metersToRederive.length > 0 ? (
        <p className="small">{t('definition.rederive', { meters: summary.metersToRederive.join(', ') })}</p>
      ) : null}
      {summary.metersWithoutCapacity.length > 0 ? (
        <p className="small muted">
          {t('definition.withoutCapacity', { meters: summary.metersWithoutCapacity.join(', ') })}
        </p>
      ) : null}
    </div>
  );
}
