/**
 * fetch for the API: same-origin cookie session (the token is never stored by the app), JSON in and out, and one
 * error type. A 401 on any call but the session check tells the app to show the login page.
 */
import type { ApiError } from '../../../src/server/api-types.ts';

/** A failed API call: the HTTP status (0 when the server could not be reached) and the ApiError body if any. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly body: ApiError | null;
  constructor(status: number, body: ApiError | null, message: string) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.body = body;
  }
}

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();

/** Called whenever the session turns out to be gone (401); returns the unsubscribe function. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

function isApiError(v: unknown): v is ApiError {
  return typeof v === 'object' && v !== null && typeof (v as { error?: unknown }).error === 'string';
}

/** Builds `?a=1&b=2`, leaving out undefined, null and empty values. */
export function query(params: Readonly<Record<string, string | number | null | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** `/api/parks/:park…` with the park id escaped. */
export const parkPath = (park: string, rest = '') => `/api/parks/${encodeURIComponent(park)}${rest}`;

export interface RequestOptions {
  body?: unknown;
  /** Sends `body` as text with this content type instead of JSON. */
  contentType?: string;
  signal?: AbortSignal;
  /** Do not broadcast a 401 (the session check and the login itself). */
  quiet401?: boolean;
}

async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (opts.body !== undefined) {
    if (opts.contentType) {
      headers['content-type'] = opts.contentType;
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiFailure(0, null, 'network error');
  }
  if (res.ok) return res;
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    parsed = null;
  }
  const apiError = isApiError(parsed) ? parsed : null;
  if (res.status === 401 && !opts.quiet401) for (const l of unauthenticatedListeners) l();
  throw new ApiFailure(res.status, apiError, apiError?.message ?? res.statusText);
}

/** A JSON request; resolves to the parsed body (undefined for 204). */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return (await res.text()) as T;
  return (await res.json()) as T;
}

/** A request whose answer is text (the park definition as YAML). */
export async function requestText(method: string, path: string, opts: RequestOptions = {}): Promise<string> {
  const res = await send(method, path, opts);
  return res.text();
}

export const apiGet = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, { signal });
