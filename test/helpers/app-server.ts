/**
 * The real server for end-to-end and browser tests: a small demo park (two weeks of data) in a fresh test schema,
 * the demo log-ins, and the HTTP app listening on a free port.
 */
import { buildDemo, DEMO_PARK_ID } from '../../src/modules/demo/index.ts';
import { buildApp, type LingtanApp } from '../../src/server/app.ts';
import { DEMO_LOGINS, ensureDemoUsers } from '../../src/server/demo-users.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export interface TestLogin {
  username: string;
  password: string;
}

export interface TestServer {
  url: string;
  parkId: string;
  app: LingtanApp;
  db: TestDatabase;
  users: {
    admin: TestLogin;
    auditor: TestLogin;
    enterprise: TestLogin & { organisation: string };
    /** An organisation the enterprise user must never see. */
    otherOrganisation: string;
  };
  close(): Promise<void>;
}

export async function startTestServer(options: { demoDays?: number } = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  await buildDemo(db.pool, { days: options.demoDays ?? 14, meterScale: 1 });
  await ensureDemoUsers(db.pool, DEMO_PARK_ID);
  const app = await buildApp({ pool: db.pool });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const pick = (username: string) => {
    const l = DEMO_LOGINS.find((x) => x.username === username)!;
    return { username: l.username, password: l.password, organisation: l.organisation ?? '' };
  };
  return {
    url: `http://127.0.0.1:${port}/`,
    parkId: DEMO_PARK_ID,
    app,
    db,
    users: {
      admin: pick('admin'),
      auditor: pick('auditor'),
      enterprise: pick('alu'),
      otherOrganisation: 'FOOD',
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}
