/** SQL of users' factor versions (table factor_version). The library defaults live in code (factor-library.ts). */
import type pg from 'pg';
import type { Factor, FactorScope } from './types.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** The scope string of a park ('park:<park>') or of one of its organisations ('org:<park>/<organisation>'). */
export function scopeOf(parkId: string, organisationId: string): FactorScope {
  return organisationId === '' ? `park:${parkId}` : `org:${parkId}/${organisationId}`;
}

const COLUMNS = `key, version, organisation_id AS "organisationId", value, unit,
  to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", source, status, data_year AS "dataYear", evidence, note,
  created_by AS "createdBy", created_at AS "createdAt"`;

interface FactorRow extends Omit<Factor, 'scope' | 'createdAt' | 'dataYear' | 'evidence' | 'note'> {
  organisationId: string;
  createdAt: number;
  dataYear: number | null;
  evidence: string | null;
  note: string | null;
}

function toFactor(parkId: string, r: FactorRow): Factor {
  return {
    key: r.key,
    version: r.version,
    scope: scopeOf(parkId, r.organisationId),
    value: r.value,
    unit: r.unit,
    validFrom: r.validFrom,
    source: r.source,
    status: r.status,
    ...(r.dataYear !== null ? { dataYear: r.dataYear } : {}),
    ...(r.evidence !== null ? { evidence: r.evidence } : {}),
    ...(r.note !== null ? { note: r.note } : {}),
    createdBy: r.createdBy,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

/** Every factor version users added for this park and its organisations. */
export async function parkFactors(db: Queryable, parkId: string): Promise<Factor[]> {
  const { rows } = await db.query<FactorRow>(
    `SELECT ${COLUMNS} FROM factor_version WHERE park_id = $1 ORDER BY key, organisation_id, version`,
    [parkId],
  );
  return rows.map((r) => toFactor(parkId, r));
}

/** Inserts one version; the primary key refuses a version number taken meanwhile. */
export async function insertFactor(
  db: Queryable,
  parkId: string,
  organisationId: string,
  f: Omit<Factor, 'scope' | 'createdAt'>,
): Promise<Factor> {
  const { rows } = await db.query<FactorRow>(
    `INSERT INTO factor_version (park_id, organisation_id, key, version, value, unit, valid_from, source, status,
                                 data_year, evidence, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     RETURNING ${COLUMNS}`,
    [
      parkId,
      organisationId,
      f.key,
      f.version,
      f.value,
      f.unit,
      f.validFrom,
      f.source,
      f.status,
      f.dataYear ?? null,
      f.evidence ?? null,
      f.note ?? null,
      f.createdBy,
    ],
  );
  return toFactor(parkId, rows[0]!);
}
