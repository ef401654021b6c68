/** A fresh, migrated schema on the test's PostgreSQL (embedded or system), dropped when the test file ends. */
import crypto from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.ts';

export function testDatabaseUrl(): string {
  if (process.env.LINGTAN_TEST_DB === 'system') {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('LINGTAN_TEST_DB=system needs DATABASE_URL');
    return url;
  }
  return inject('embeddedUrl');
}

export interface TestDatabase extends Database {
  schema: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const db = await openDatabase({
    databaseUrl: testDatabaseUrl(),
    dataDir: '',
    port: 0,
    schema,
    poolSize: 4,
  });
  return {
    ...db,
    schema,
    async close() {
      await db.pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    },
  };
}
