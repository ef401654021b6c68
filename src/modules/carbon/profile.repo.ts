/** SQL of a park's own method profiles (table method_profile); the shipped profiles live in code (profiles.ts). */
import type pg from 'pg';
import type { MethodProfile } from './types.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** Every version of every profile of the park. */
export async function parkProfiles(db: Queryable, parkId: string): Promise<MethodProfile[]> {
  const { rows } = await db.query<{ spec: MethodProfile }>(
    'SELECT spec FROM method_profile WHERE park_id = $1 ORDER BY id, version',
    [parkId],
  );
  return rows.map((r) => r.spec);
}

/** Inserts one profile version; the primary key refuses a version taken meanwhile. */
export async function insertProfile(db: Queryable, parkId: string, profile: MethodProfile): Promise<void> {
  await db.query(
    'INSERT INTO method_profile (park_id, id, version, spec, created_by) VALUES ($1, $2, $3, $4, $5)',
    [parkId, profile.id, profile.version, JSON.stringify(profile), profile.createdBy],
  );
}
