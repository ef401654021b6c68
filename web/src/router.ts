/**
 * A tiny hash router: `#/<park>/<page>/<id>?period=2025-03`. Hash URLs need no server fallback route, keep deep
 * links working from `web/dist`, and the period in the query makes every view shareable.
 */
import { useSyncExternalStore } from 'react';

export interface Route {
  /** Decoded path segments: `#/demo-yn/meters/ALU-EL-MAIN` → ['demo-yn', 'meters', 'ALU-EL-MAIN']. */
  segments: string[];
  query: URLSearchParams;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const snapshot = () => window.location.hash;

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const [path = '', search = ''] = text.split('?', 2);
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, query: new URLSearchParams(search) };
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot, () => '');
  return parseHash(hash);
}

/** `#/a/b?x=1` from segments and query values (undefined values are left out). */
export function href(
  segments: readonly string[],
  params: Readonly<Record<string, string | undefined>> = {},
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return `#/${segments.map(encodeURIComponent).join('/')}${s ? `?${s}` : ''}`;
}

/** Goes to a hash URL; `replace` keeps the history clean for redirects. */
export function navigate(to: string, replace = false): void {
  if (replace) {
    const url = new URL(window.location.href);
    url.hash = to;
    window.history.replaceState(null, '', url);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = to;
  }
}

/**
 * A query parameter of the current route (a page's own choice: organisation, profile, indicator set …) and a setter
 * that keeps the path and the other parameters, so the choice survives a reload and can be shared as a link.
 * @example const [org, setOrg] = useQueryParam('org');
 */
export function useQueryParam(name: string): [string | null, (value: string | null) => void] {
  const route = useRoute();
  const value = route.query.get(name);
  const set = (next: string | null) => {
    const params: Record<string, string | undefined> = Object.fromEntries(route.query.entries());
    params[name] = next ?? undefined;
    navigate(href(route.segments, params));
  };
  return [value, set];
}
