import fs from 'node:fs';
import { defineConfig } from 'vitest/config';

// Unit tests (beside the code) run once; integration tests under test/ run on the embedded PostgreSQL always, and
// again on the system PostgreSQL when DATABASE_URL is set (CI sets it). Browser tests (test/browser, real Chromium)
// run once, on the embedded PostgreSQL; they need Debian's chromium (.ci/run installs it).
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  process.stderr.write(
    `\n!! browser tests (test/browser) not run: ${CHROMIUM} is missing (apt-get install -y chromium)\n\n`,
  );
}

const integration = (name: string, target: 'embedded' | 'system') => ({
  test: {
    name,
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**'],
    env: { LINGTAN_TEST_DB: target },
    globalSetup: target === 'embedded' ? ['test/helpers/embedded-setup.ts'] : [],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'], testTimeout: 60_000 } },
      integration('embedded', 'embedded'),
      ...(process.env.DATABASE_URL ? [integration('system', 'system')] : []),
      ...(hasChromium
        ? [
            {
              test: {
                name: 'browser',
                include: ['test/browser/**/*.test.ts'],
                env: { LINGTAN_TEST_DB: 'embedded' },
                globalSetup: ['test/helpers/embedded-setup.ts'],
                testTimeout: 120_000,
                hookTimeout: 300_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});
