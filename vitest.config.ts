import { defineConfig } from 'vitest/config';

// Unit tests (beside the code) run once; integration tests under test/ run on the embedded PostgreSQL always, and
// again on the system PostgreSQL when DATABASE_URL is set (CI sets it).
const integration = (name: string, target: 'embedded' | 'system') => ({
  test: {
    name,
    include: ['test/**/*.test.ts'],
    env: { LINGTAN_TEST_DB: target },
    globalSetup: target === 'embedded' ? ['test/helpers/embedded-setup.ts'] : [],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'], testTimeout: 60_000 } },
      integration('embedded', 'embedded'),
      ...(process.env.DATABASE_URL ? [integration('system', 'system')] : []),
    ],
  },
});
