/** Starts one embedded PostgreSQL for the whole integration run, on a fresh data directory and a free port. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedServer } from '../../src/db/database.ts';
import { freePort } from './net.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lingtan-test-pg-'));
  fs.chmodSync(dir, 0o777);
  const { url, handle } = await startEmbeddedServer(path.join(dir, 'data'), await freePort());
  project.provide('embeddedUrl', url);
  return async () => {
    await handle?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
