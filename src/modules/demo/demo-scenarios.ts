/** The demo park's source-grid-load-storage scenarios (a sizing and a dispatch), saved when missing. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { listScenarios, parseScenarioFile, saveScenario } from '../microgrid/index.ts';
import { DEMO_PARK_ID } from './demo-park.ts';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');
const DEMO_SCENARIO_FILES = ['size-green-90.yaml', 'dispatch-summer-day.yaml'] as const;

/** Saves the demo scenarios that the demo park does not have yet (a scenario someone changed is left alone). */
export async function ensureDemoScenarios(pool: pg.Pool): Promise<string[]> {
  const have = new Set((await listScenarios(pool, DEMO_PARK_ID)).map((s) => s.id));
  const saved: string[] = [];
  for (const file of DEMO_SCENARIO_FILES) {
    const text = fs.readFileSync(path.join(DIR, file), 'utf8');
    if (have.has(parseScenarioFile(text, file).id)) continue;
    saved.push((await saveScenario(pool, DEMO_PARK_ID, text, file, 'system:demo')).id);
  }
  return saved;
}
