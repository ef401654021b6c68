/** SQL of closed periods (account_close): the frozen account with the request it was computed from. */
import type pg from 'pg';
import type { Account, AccountClose, AccountRequest } from './types.ts';

export type { AccountClose };

type Queryable = Pick<pg.Pool, 'query'>;

const COLUMNS = `id, nullif(organisation_id, '') AS organisation, to_char(from_month, 'YYYY-MM') AS "fromMonth",
  to_char(to_month, 'YYYY-MM') AS "toMonth", profile_id AS "profileId", profile_version AS "profileVersion",
  supersedes, reason, closed_by AS "closedBy", closed_at AS "closedAtMs"`;

/** The latest close (the one no later close supersedes) of a scope, period and profile id, or undefined. */
export async function findLatestClose(
  db: Queryable,
  parkId: string,
  organisation: string | null,
  fromMonth: string,
  toMonth: string,
  profileId: string,
): Promise<(AccountClose & { request: AccountRequest; account: Account }) | undefined> {
  const { rows } = await db.query<AccountClose & { request: AccountRequest; account: Account }>(
    `SELECT ${COLUMNS}, request, account FROM account_close
     WHERE park_id = $1 AND organisation_id = $2 AND from_month = ($3 || '-01')::date
       AND to_month = ($4 || '-01')::date AND profile_id = $5
     ORDER BY id DESC LIMIT 1`,
    [parkId, organisation ?? '', fromMonth, toMonth, profileId],
  );
  return rows[0];
}

/** Closes of the park (all scopes), newest first, without their payloads. */
export async function listCloses(
  db: Queryable,
  parkId: string,
  organisation?: string | null,
): Promise<AccountClose[]> {
  const { rows } = await db.query<AccountClose>(
    `SELECT ${COLUMNS} FROM account_close
     WHERE park_id = $1 AND ($2::text IS NULL OR organisation_id = $2) ORDER BY id DESC`,
    [parkId, organisation === undefined ? null : (organisation ?? '')],
  );
  return rows;
}

/** Records a close; the unique index on `supersedes` refuses two restatements of the same close. */
export async function insertClose(
  db: Queryable,
  parkId: string,
  c: {
    organisation: string | null;
    fromMonth: string;
    toMonth: string;
    profileId: string;
    profileVersion: number;
    request: AccountRequest;
    account: Account;
    supersedes: number | null;
    reason: string | null;
    closedBy: string;
  },
): Promise<AccountClose> {
  const { rows } = await db.query<AccountClose>(
    `INSERT INTO account_close (park_id, organisation_id, from_month, to_month, profile_id, profile_version, request,
                                account, supersedes, reason, closed_by)
     VALUES ($1, $2, ($3 || '-01')::date, ($4 || '-01')::date, $5, $6, $7, $8, $9, $10, $11)
     RETURNING ${COLUMNS}`,
    [
      parkId,
      c.organisation ?? '',
      c.fromMonth,
      c.toMonth,
      c.profileId,
      c.profileVersion,
      JSON.stringify(c.request),
      JSON.stringify(c.account),
      c.supersedes,
      c.reason,
      c.closedBy,
    ],
  );
  return rows[0]!;
}
