import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, newToken, tokenHash, verifyPassword } from './password.ts';

// Small parameters keep the test fast; the format and the check are the same as with the production ones.
const FAST = { N: 2 ** 10, r: 8, p: 1 } as const;

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', FAST);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('stores scrypt with its parameters and a fresh salt, never the password', async () => {
    const a = await hashPassword('same password', FAST);
    const b = await hashPassword('same password', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('same password');
  });

  it('uses 32 MiB per hash with the production parameters (128 × N × r bytes)', async () => {
    const stored = await hashPassword('x'.repeat(12));
    const [, n, r] = stored.split('$');
    expect(128 * Number(n) * Number(r)).toBe(32 * 1024 * 1024);
    expect(await verifyPassword('x'.repeat(12), stored)).toBe(true);
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('anything', 'plain-text')).toBe(false);
  });

  it('makes random tokens and stores only their SHA-256', () => {
    const t = newToken('lts');
    expect(t.token).toMatch(/^lts_[A-Za-z0-9_-]{43}$/);
    expect(t.hash.equals(tokenHash(t.token))).toBe(true);
    // SHA-256 computed independently, by Node's one-shot hash API.
    expect(t.hash.toString('hex')).toBe(crypto.hash('sha256', t.token));
    expect(newToken('lts').token).not.toBe(t.token);
  });
});
