/** JSON with object keys in sorted order: stable text for exports, and a comparison jsonb's key order cannot upset. */

/** A copy of `value` with every object's keys sorted (undefined members left out, as JSON leaves them out). */
export function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, withSortedKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** `value` as JSON with sorted keys; `indent` as in JSON.stringify. */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(withSortedKeys(value), null, indent);
}
