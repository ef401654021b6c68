/** `lingtan serve` / `lingtan start`: open the database, optionally build the demo park, listen, shut down cleanly. */
import path from 'node:path';
import type { Config } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { listParks } from '../modules/registry/index.ts';
import { buildDemo } from '../modules/demo/index.ts';
import { buildApp } from './app.ts';

export async function serve(
  config: Config,
  options: { withDemo: boolean; demoDays?: number },
): Promise<void> {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: path.join(config.home, 'pg'),
    port: config.embeddedPgPort,
  });
  process.stderr.write(
    `database: ${db.kind === 'embedded' ? `embedded PostgreSQL in ${path.join(config.home, 'pg')}` : 'DATABASE_URL'}\n`,
  );
  if (options.withDemo && (await listParks(db.pool)).length === 0) {
    process.stderr.write('no park yet: building the demo park (one-time; a year of 15-minute data) …\n');
    let lastDecile = -1;
    const r = await buildDemo(db.pool, {
      days: options.demoDays ?? 365,
      onProgress: (share, label) => {
        if (Math.floor(share * 10) > lastDecile) {
          lastDecile = Math.floor(share * 10);
          process.stderr.write(`  ${(share * 100).toFixed(0)} % ${label}\n`);
        }
      },
    });
    process.stderr.write(`${r.summary}\n`);
  }
  const app = await buildApp({ pool: db.pool });
  await app.listen({ host: config.host, port: config.port });
  process.stderr.write(`Lingtan is serving on http://${config.host}:${config.port}/\n`);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}
