/**
 * Dashboard answers kept as their JSON text, least recently used first out. Each entry carries the token it was
 * computed under (the park's definition and data versions, read before computing); an entry is served only while
 * the park's token is still the same, so a commit or an apply by any process makes it stale at once (ADR 0008).
 * Keys are built by the scoped data layer (park-data.ts) and always include the caller's scope.
 */

/** An answer serialised once: the body of a JSON response. */
export interface JsonText {
  readonly json: string;
}

export interface AnswerCacheOptions {
  /** Most answers kept (default 500). */
  maxEntries?: number;
  /** Most characters of JSON kept over all answers (default 32 Mi, i.e. at most 64 MiB of strings). */
  maxChars?: number;
}

/** Figures for /api/metrics. */
export interface AnswerCacheStats {
  entries: number;
  chars: number;
  hits: number;
  misses: number;
}

export class AnswerCache {
  private readonly entries = new Map<string, { token: string; text: JsonText }>();
  private readonly computing = new Map<string, Promise<JsonText>>();
  private readonly maxEntries: number;
  private readonly maxChars: number;
  private chars = 0;
  private hits = 0;
  private misses = 0;

  constructor(options: AnswerCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 500;
    this.maxChars = options.maxChars ?? 32 * 1024 ** 2;
  }

  /**
   * The answer stored under `key` if it was computed under `token`; else `compute()`'s, serialised and stored.
   * Callers asking for the same key and token while it is being computed share that computation. A failure is not
   * stored.
   */
  async get(key: string, token: string, compute: () => Promise<unknown>): Promise<JsonText> {
    const hit = this.entries.get(key);
    if (hit && hit.token === token) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      this.hits++;
      return hit.text;
    }
    const flight = `${token}\u0000${key}`;
    const running = this.computing.get(flight);
    if (running) {
      this.hits++;
      return running;
    }
    this.misses++;
    const promise = compute()
      .then((answer) => {
        const text = serialise(answer);
        this.store(key, token, text);
        return text;
      })
      .finally(() => this.computing.delete(flight));
    this.computing.set(flight, promise);
    return promise;
  }

  stats(): AnswerCacheStats {
    return { entries: this.entries.size, chars: this.chars, hits: this.hits, misses: this.misses };
  }

  private store(key: string, token: string, text: JsonText): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.chars -= old.text.json.length;
    }
    if (text.json.length > this.maxChars) return;
    this.entries.set(key, { token, text });
    this.chars += text.json.length;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.entries.delete(k);
      this.chars -= e.text.json.length;
    }
  }
}

/** The JSON text of an answer, as Fastify would have sent the object (it uses JSON.stringify without a schema). */
export function serialise(answer: unknown): JsonText {
  return { json: JSON.stringify(answer) };
}
