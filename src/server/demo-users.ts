/**
 * The demo park's log-ins, one per role, created when the demo is served and printed at start-up. Well-known
 * passwords: for a local demo only (the server listens on 127.0.0.1 by default); change them with
 * `lingtan user passwd` before exposing a demo.
 */
import type pg from 'pg';
import { createUser, listUsers } from '../modules/access/index.ts';
import type { Role } from './api-types.ts';

export interface DemoLogin {
  username: string;
  password: string;
  role: Role;
  organisation: string | null;
  label: string;
}

export const DEMO_LOGINS: readonly DemoLogin[] = [
  {
    username: 'admin',
    password: 'lingtan-admin',
    role: 'park_admin',
    organisation: null,
    label: '园区管理员 park admin',
  },
  {
    username: 'auditor',
    password: 'lingtan-auditor',
    role: 'auditor',
    organisation: null,
    label: '核查员 auditor (read-only)',
  },
  {
    username: 'alu',
    password: 'lingtan-alu-user',
    role: 'enterprise_user',
    organisation: 'ALU',
    label: '企业用户 enterprise user (示范滇中铝业)',
  },
  {
    username: 'food',
    password: 'lingtan-food-user',
    role: 'enterprise_user',
    organisation: 'FOOD',
    label: '企业用户 enterprise user (示范高原鲜花饼食品)',
  },
];

/** Creates the demo log-ins that do not exist yet (an existing user, perhaps with a changed password, is left alone). */
export async function ensureDemoUsers(pool: pg.Pool, parkId: string): Promise<DemoLogin[]> {
  const existing = new Set((await listUsers(pool, parkId)).map((u) => u.username));
  for (const login of DEMO_LOGINS) {
    if (existing.has(login.username)) continue;
    await createUser(
      pool,
      {
        username: login.username,
        displayName: login.label.split(' ')[0],
        role: login.role,
        password: login.password,
        parkId,
        organisation: login.organisation,
      },
      'system:demo',
    );
  }
  return [...DEMO_LOGINS];
}

/** The start-up banner lines for the demo log-ins. */
export function demoLoginLines(url: string, logins: readonly DemoLogin[]): string[] {
  return [
    `Open ${url} and log in as:`,
    ...logins.map((l) => `  ${l.username.padEnd(8)} / ${l.password.padEnd(18)} ${l.label}`),
    `API docs: ${url}docs`,
  ];
}
