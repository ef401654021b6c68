/**
 * Password hashing with scrypt (RFC 7914), a memory-hard function from Node's standard library: each guess costs an
 * attacker 32 MiB of memory as well as time. Stored as `scrypt$N$r$p$salt$hash` so parameters can grow later.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

/** N = 2^15, r = 8: 128 × N × r bytes = 32 MiB per hash (OWASP's scrypt minimum is N = 2^17 with r = 8 … or
 * N = 2^15 with p = 3; we take p = 1 and N = 2^15 to keep a login near 100 ms on a small server). */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

/** The shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 10;

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string, params = SCRYPT_PARAMS): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** True when the password matches the stored hash (constant-time comparison). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  const actual = await scrypt(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r });
  return crypto.timingSafeEqual(actual, expected);
}

/** A new random secret token (256 bits, base64url) and the SHA-256 digest that is stored instead of it. */
export function newToken(prefix: string): { token: string; hash: Buffer } {
  const token = `${prefix}_${crypto.randomBytes(32).toString('base64url')}`;
  return { token, hash: tokenHash(token) };
}

/** The stored form of a token: SHA-256 (a token is random and long, so a fast hash is enough). */
export function tokenHash(token: string): Buffer {
  return crypto.createHash('sha256').update(token).digest();
}
