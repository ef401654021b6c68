import { describe, expect, it } from 'vitest';
import { AnswerCache } from './answer-cache.ts';

/** A computation that counts its calls and answers `{ n }`. */
function counter() {
  let calls = 0;
  return {
    compute: () => Promise.resolve({ n: ++calls }),
    get calls() {
      return calls;
    },
  };
}

describe('the answer cache', () => {
  it('serves an answer while its token stands and computes it again when the token changes', async () => {
    const cache = new AnswerCache();
    const c = counter();
    expect((await cache.get('k', 'v1', c.compute)).json).toBe('{"n":1}');
    expect((await cache.get('k', 'v1', c.compute)).json).toBe('{"n":1}');
    expect((await cache.get('k', 'v2', c.compute)).json).toBe('{"n":2}');
    // The entry now holds v2's answer: v1 (an older version) is not served from it either.
    expect((await cache.get('k', 'v1', c.compute)).json).toBe('{"n":3}');
    expect(c.calls).toBe(3);
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 1, misses: 3 });
  });

  it('keeps keys apart', async () => {
    const cache = new AnswerCache();
    await cache.get('a', 't', () => Promise.resolve('A'));
    await cache.get('b', 't', () => Promise.resolve('B'));
    expect((await cache.get('a', 't', () => Promise.resolve('wrong'))).json).toBe('"A"');
    expect((await cache.get('b', 't', () => Promise.resolve('wrong'))).json).toBe('"B"');
  });

  it('lets concurrent callers of one key and token share one computation', async () => {
    const cache = new AnswerCache();
    let release: (v: unknown) => void = () => undefined;
    let calls = 0;
    const compute = () => {
      calls++;
      return new Promise((resolve) => (release = resolve));
    };
    const both = Promise.all([cache.get('k', 't', compute), cache.get('k', 't', compute)]);
    release({ ok: true });
    const [a, b] = await both;
    expect(calls).toBe(1);
    expect(a).toBe(b);
  });

  it('does not keep a failure', async () => {
    const cache = new AnswerCache();
    await expect(cache.get('k', 't', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect((await cache.get('k', 't', () => Promise.resolve(1))).json).toBe('1');
    expect(cache.stats().entries).toBe(1);
  });

  it('drops the least recently used entries beyond its entry limit', async () => {
    const cache = new AnswerCache({ maxEntries: 2 });
    const c = counter();
    await cache.get('a', 't', c.compute); // n 1
    await cache.get('b', 't', c.compute); // n 2
    await cache.get('a', 't', c.compute); // hit: a is now the most recently used
    await cache.get('c', 't', c.compute); // n 3, drops b
    expect(cache.stats().entries).toBe(2);
    expect((await cache.get('a', 't', c.compute)).json).toBe('{"n":1}');
    expect((await cache.get('b', 't', c.compute)).json).toBe('{"n":4}');
  });

  it('keeps at most its character limit, and never an answer larger than that', async () => {
    // '"xxxx"' is 6 characters: two fit in 12, a third drops the oldest.
    const cache = new AnswerCache({ maxChars: 12 });
    await cache.get('a', 't', () => Promise.resolve('aaaa'));
    await cache.get('b', 't', () => Promise.resolve('bbbb'));
    expect(cache.stats()).toMatchObject({ entries: 2, chars: 12 });
    await cache.get('c', 't', () => Promise.resolve('cccc'));
    expect(cache.stats()).toMatchObject({ entries: 2, chars: 12 });
    expect((await cache.get('a', 't', () => Promise.resolve('new!'))).json).toBe('"new!"');
    const big = await cache.get('big', 't', () => Promise.resolve('x'.repeat(20)));
    expect(big.json).toHaveLength(22);
    expect(cache.stats().chars).toBeLessThanOrEqual(12);
  });
});
