// `npm run profile-server -w @portcullis/bench -- <variant> [repeated|distinct] [seconds]`: runs one
// benchmark server (pinned like in the HTTP suite, with --cpu-prof) under the load generator, and
// prints its rate, CPU µs per response and the functions that took its CPU (self time, and the
// inclusive time of a few entry points). The profile file stays in the printed directory.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestIssuer } from '@portcullis/testing';
import type { LoadResult, LoadRun } from '../http/load-child.js';
import type { ServerConfig } from '../http/server-types.js';
import { VARIANTS } from '../http/variants.js';
import type { Scenario } from '../http/variants.js';
import { ask, LOADGEN_CPU, readCpuSeconds, SERVER_CPU, spawnNode, stopChild, waitFor } from '../lib/child.js';
import type { ChildMessage } from '../lib/child.js';
import { ALGORITHMS, mintPool, writePool } from '../lib/pool.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [variantId = 'express-portcullis', scenarioArg = 'repeated', secondsArg = '8'] = process.argv.slice(2);
const scenario = scenarioArg as Scenario;
if (scenario !== 'repeated' && scenario !== 'distinct') throw new Error('scenario: repeated or distinct');
const variant = VARIANTS.find((v) => v.id === variantId);
if (variant === undefined)
  throw new Error(`unknown variant ${variantId}; known: ${VARIANTS.map((v) => v.id).join(', ')}`);
const seconds = Number(secondsArg);
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

const issuer = await createTestIssuer({ algorithms: [...ALGORITHMS] });
const pool = await mintPool(issuer, 10_000);
const written = writePool(pool);
const profileDir = mkdtempSync(join(tmpdir(), 'portcullis-profile-'));
const config: ServerConfig = {
  issuer: pool.issuer,
  audience: pool.audience,
  jwksUri: pool.jwksUri,
  cacheEntries: Number(process.env['CACHE_ENTRIES'] ?? 1000),
};
const server = spawnNode(here('../http/server-child.js'), {
  label: variant.id,
  cpu: SERVER_CPU,
  nodeArgs: process.env['NO_PROFILE'] ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=250'],
  env: { BENCH_VARIANT: variant.id, BENCH_CONFIG: JSON.stringify(config) },
});
const loadgen = spawnNode(here('../http/load-child.js'), {
  label: 'loadgen',
  cpu: LOADGEN_CPU,
  env: { BENCH_POOL: written.file },
});
try {
  const { port } = await waitFor<ChildMessage & { port: number }>(server, 'ready', 60_000, variant.id);
  await waitFor(loadgen, 'ready', 30_000, 'loadgen');
  const prewarmS = Number(process.env['PREWARM'] ?? 0);
  if (prewarmS > 0) {
    // Saturated, unmeasured: the JIT and the server's startup tail are done before the window.
    const prewarm: LoadRun = {
      type: 'run',
      url: `http://127.0.0.1:${port}`,
      scenario,
      connections: 50,
      warmupS: 0,
      durationS: prewarmS,
    };
    await ask(loadgen, prewarm, 'done', (prewarmS + 30) * 1000, 'loadgen');
  }
  const cpuBefore = readCpuSeconds(server.pid);
  const run: LoadRun = {
    type: 'run',
    url: `http://127.0.0.1:${port}`,
    scenario,
    connections: 50,
    warmupS: 2,
    durationS: seconds,
    ...(process.env['RATE'] ? { rate: Number(process.env['RATE']) } : {}),
  };
  const { result } = await ask<ChildMessage & { result: LoadResult }>(
    loadgen,
    run,
    'done',
    (seconds + 30) * 1000,
    'loadgen',
  );
  const cpu = (readCpuSeconds(server.pid) ?? 0) - (cpuBefore ?? 0);
  console.log(
    `${variant.id} ${scenario}: ${Math.round(result.rps)} req/s, ${((cpu * 1e6) / result.allResponses).toFixed(1)} CPU µs/response, non-2xx ${result.non2xx}`,
  );
} finally {
  await stopChild(server, 10_000);
  await stopChild(loadgen);
  written.cleanup();
  await issuer.close();
}

if (!process.env['NO_PROFILE']) {
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile written in ${profileDir}`);
  summarise(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile);
  console.log(`profile: ${join(profileDir, file)}`);
}

function summarise(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    total += dt;
  });
  const label = (n: ProfileNode): string => {
    const url = n.callFrame.url.replace(/^file:\/\/.*node_modules\//, '').replace(/^file:\/\/.*\/work\/main\//, '');
    return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    self.set(label(node), (self.get(label(node)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const l = label(byId.get(at)!);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + us);
    }
  }
  const pct = (us: number): string => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
  console.log('\nself time (top 40):');
  for (const [l, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${pct(us)}  ${l}`);
  console.log('\ninclusive time of our code (top 40):');
  for (const [l, us] of [...inclusive]
    .filter(([l]) => /packages\/|portcullis/.test(l))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 40))
    console.log(`  ${pct(us)}  ${l}`);
}
