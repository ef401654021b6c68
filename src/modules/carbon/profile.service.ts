/** Method profiles of a park: the shipped ones and the park's own copies, each version whole and never changed. */
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import { copyProfile, SHIPPED_PROFILES } from './profiles.ts';
import * as repo from './profile.repo.ts';
import type { MethodProfile } from './types.ts';

/** Every version of the shipped profiles and of the park's own. */
export async function listProfiles(pool: pg.Pool, parkId: string): Promise<MethodProfile[]> {
  return [...SHIPPED_PROFILES, ...(await repo.parkProfiles(pool, parkId))];
}

/** The profile `id` (its latest version) or `id@version`; NOT_FOUND names the profiles there are. */
export async function findProfile(pool: pg.Pool, parkId: string, ref: string): Promise<MethodProfile> {
  return pickProfile(await listProfiles(pool, parkId), ref);
}

function pickProfile(all: readonly MethodProfile[], ref: string): MethodProfile {
  const [id, versionText] = ref.split('@');
  const versions = all.filter((p) => p.id === id);
  const version = versionText === undefined ? undefined : Number(versionText);
  const found =
    version === undefined
      ? versions.reduce<MethodProfile | undefined>((a, p) => (!a || p.version > a.version ? p : a), undefined)
      : versions.find((p) => p.version === version);
  if (!found)
    throw new AppError(
      'NOT_FOUND',
      `no method profile "${ref}"; there are ${[...new Set(all.map((p) => p.id))].join(', ')}`,
    );
  return found;
}

/**
 * Saves a park profile: a copy of `from` under a new id (version 1), or — when `id` is one of the park's own — its
 * next version. Shipped profiles are never changed: copy them.
 */
export async function saveProfile(
  pool: pg.Pool,
  parkId: string,
  input: {
    from: string;
    id: string;
    name: string;
    nameEn?: string;
    changes: Partial<MethodProfile>;
    by: string;
  },
): Promise<MethodProfile> {
  const all = await listProfiles(pool, parkId);
  if (SHIPPED_PROFILES.some((p) => p.id === input.id))
    throw new AppError(
      'BAD_INPUT',
      `id: "${input.id}" is a shipped profile; save your changes under a new id`,
    );
  const base = pickProfile(all, input.from);
  const own = all.filter((p) => p.id === input.id);
  const copied = copyProfile(base, {
    id: input.id,
    name: input.name,
    by: input.by,
    at: new Date().toISOString(),
    changes: { ...input.changes, ...(input.nameEn ? { nameEn: input.nameEn } : {}) },
  });
  if (!copied.ok)
    throw new AppError(
      'BAD_INPUT',
      `profile ${input.id}: ${copied.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      { issues: copied.issues.map((i) => ({ field: i.field, reason: i.message })) },
    );
  // A copy from another profile under an id the park already has continues that id's versions.
  const profile: MethodProfile = {
    ...copied.profile,
    version: Math.max(copied.profile.version, own.reduce((v, p) => Math.max(v, p.version), 0) + 1),
  };
  await repo.insertProfile(pool, parkId, profile);
  return profile;
}
