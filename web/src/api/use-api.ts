/** Loads API data for a component: re-runs when `key` changes, aborts the previous call, and offers a reload. */
import { useCallback, useEffect, useRef, useState } from 'react';

export type Loadable<T> =
  | { state: 'loading'; data: T | undefined; error: undefined }
  | { state: 'ok'; data: T; error: undefined }
  | { state: 'error'; data: undefined; error: unknown };

/**
 * @example const overview = useApi((signal) => getOverview(park, period, signal), [park, period]);
 * `key` null skips loading (a prerequisite is missing).
 */
export function useApi<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: readonly unknown[] | null,
): Loadable<T> & { reload: () => void } {
  const [result, setResult] = useState<Loadable<T>>({ state: 'loading', data: undefined, error: undefined });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const keyText = key === null ? null : JSON.stringify(key);

  useEffect(() => {
    if (keyText === null) return;
    const controller = new AbortController();
    // Keep the previous data while the next period loads, so the page does not flash.
    setResult((prev) => ({ state: 'loading', data: prev.data, error: undefined }));
    loadRef
      .current(controller.signal)
      .then((data) => {
        if (!controller.signal.aborted) setResult({ state: 'ok', data, error: undefined });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setResult({ state: 'error', data: undefined, error });
      });
    return () => controller.abort();
  }, [keyText, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...result, reload };
}
