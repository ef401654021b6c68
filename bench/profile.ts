/** Reads a V8 .cpuprofile (node --cpu-prof) and says where the busy time went: by area, then the top functions. */
import fs from 'node:fs';
import { renderTable } from './common.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The area a function belongs to, from its script URL. */
function area(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8/native (program)';
  if (/node_modules\/(pg|pg-protocol|pg-types|pg-copy-streams|pg-pool)\//.test(url)) return 'pg driver';
  if (/node_modules\/(mqtt|mqtt-packet|bl|readable-stream)\//.test(url)) return 'mqtt.js (worker client)';
  if (/node_modules\/(aedes|aedes-[^/]+|mqemitter|qlobber)/.test(url)) return 'aedes (embedded broker)';
  if (/node_modules\/(fastify|@fastify|avvio|find-my-way|light-my-request|pino)/.test(url)) return 'fastify';
  if (/node_modules\/(tsx|esbuild|get-tsconfig)\//.test(url)) return 'tsx loader';
  if (url.includes('node_modules/')) return `other packages`;
  if (url.includes('/src/modules/telemetry/')) return 'pipeline (src/modules/telemetry)';
  if (url.includes('/src/db/')) return 'src/db (type parsers, COPY encoding)';
  if (url.includes('/src/server/mqtt/')) return 'MQTT worker (src/server/mqtt)';
  if (url.includes('/src/')) return 'other lingtan code';
  if (url.startsWith('node:')) return 'node core';
  return 'V8 builtins (JSON, RegExp …)';
}

/** A text summary of the profile at `file`: busy time by area, and the 12 functions with the most self time. */
export function summariseProfile(file: string): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const a = area(node.callFrame);
    if (a === 'idle') {
      idle += us;
      continue;
    }
    busy += us;
    areas.set(a, (areas.get(a) ?? 0) + us);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const share = (us: number) => `${((us / busy) * 100).toFixed(1)} %`;
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => [k, (us / 1e6).toFixed(2), share(us)]);
  return [
    `server CPU profile: busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s (whole process life, start-up included)`,
    renderTable(['area', 'self s', 'of busy'], top(areas, 20)),
    renderTable(['function (self time)', 'self s', 'of busy'], top(functions, 12)),
  ].join('\n');
}
