/** The factor library of a park: the seeded defaults and the versions its users added, never edited in place. */
import type pg from 'pg';
import { inTransaction } from '../../db/copy.ts';
import { AppError } from '../../lib/errors.ts';
import { nextVersion, seedFactors } from './factor-library.ts';
import * as repo from './factor.repo.ts';
import type { Factor, FactorInput } from './types.ts';

/** The seeded defaults and every version users added for the park and its organisations. */
export async function listFactors(pool: pg.Pool, parkId: string): Promise<Factor[]> {
  return [...seedFactors(), ...(await repo.parkFactors(pool, parkId))];
}

/** A new factor version as a user enters it, with who entered it. */
export type NewFactor = FactorInput & { by: string };

/**
 * Adds a version of a factor for the park or one of its organisations, in force from `validFrom`: it supersedes
 * earlier versions from that date on and leaves them as they were. BAD_INPUT names the field and the reason.
 */
export async function addFactor(
  pool: pg.Pool,
  parkId: string,
  organisations: ReadonlySet<string>,
  input: NewFactor,
): Promise<Factor> {
  const organisation = input.organisation ?? '';
  if (organisation !== '' && !organisations.has(organisation))
    throw new AppError(
      'BAD_INPUT',
      `organisation: "${organisation}" is not an organisation of park ${parkId}`,
    );
  return inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('factor:' || $1 || '/' || $2))`, [
      parkId,
      input.key,
    ]);
    const existing = [...seedFactors(), ...(await repo.parkFactors(client, parkId))];
    const next = nextVersion(
      existing,
      {
        key: input.key,
        scope: repo.scopeOf(parkId, organisation),
        value: input.value,
        unit: input.unit,
        validFrom: input.validFrom,
        source: input.source,
        status: input.status,
        ...(input.dataYear !== undefined ? { dataYear: input.dataYear } : {}),
        ...(input.evidence ? { evidence: input.evidence } : {}),
        ...(input.note ? { note: input.note } : {}),
      },
      input.by,
      new Date().toISOString(),
    );
    if (!next.ok)
      throw new AppError(
        'BAD_INPUT',
        `factor ${input.key}: ${next.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
        { issues: next.issues.map((i) => ({ field: i.field, reason: i.message })) },
      );
    const { scope: _scope, createdAt: _at, ...row } = next.factor;
    return repo.insertFactor(client, parkId, organisation, row);
  });
}
