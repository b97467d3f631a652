// `npm run bench [-- --quick] [--only=micro,http,scale] [--no-readme]`: the orchestrator. It mints
// the run's tokens with @portcullis/testing's issuer (JWKS on 127.0.0.1), runs each suite in child
// processes (measured code pinned to core 1, load generator to core 0), evaluates the goals of
// issue 9, and writes bench/results/ and the root README section.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestIssuer } from '@portcullis/testing';
import { runHttp } from './http/run-http.js';
import type { HttpResult } from './http/run-http.js';
import { CAN_PIN } from './lib/child.js';
import { runConfig } from './lib/config.js';
import { parseFlags } from './lib/flags.js';
import { evaluateGoals, goalLine } from './lib/goals.js';
import { gitState, loadAverage, machineInfo, packageVersions } from './lib/machine.js';
import { ALGORITHMS, mintPool, writePool } from './lib/pool.js';
import { renderGoalsSection, renderReadmeSection, updateMarkedSection, writeResults } from './lib/report.js';
import type { BenchResults } from './lib/results.js';
import { formatNumber } from './lib/stats.js';
import { runMicro } from './micro/run-micro.js';
import type { MicroResult } from './micro/run-micro.js';
import { runScale } from './scale/run-scale.js';
import type { ScaleResult } from './scale/run-scale.js';

const startedAt = performance.now();
const elapsed = (): string => `${formatNumber((performance.now() - startedAt) / 1000, 0)} s`;
const log = (line: string): void => console.log(line);

const flags = parseFlags(process.argv.slice(2));
const config = runConfig(flags.quick);
const date = new Date().toISOString();
const loadBefore = loadAverage();
const machine = machineInfo();
const git = gitState();

// Hard bound on the whole run: children exit when this process goes away (IPC disconnect).
const watchdog = setTimeout(
  () => {
    console.error(`bench: still running after ${flags.quick ? 4 : 15} minutes; giving up`);
    process.exit(2);
  },
  (flags.quick ? 4 : 15) * 60_000,
);
watchdog.unref();

log(
  `Portcullis bench (${config.mode}) — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load average ${loadBefore}`,
);
if (!CAN_PIN) log('  taskset not available or fewer than 2 cores: processes are not pinned');

const issuer = await createTestIssuer({ algorithms: [...ALGORITHMS] });
const notes: string[] = [];
let micro: MicroResult | undefined;
let http: HttpResult | undefined;
let scale: ScaleResult | undefined;
try {
  log(
    `[${elapsed()}] minting ${formatNumber(config.poolSize)} tokens per algorithm (${ALGORITHMS.join(', ')}) and the security corpus`,
  );
  const pool = await mintPool(issuer, config.poolSize);
  const written = writePool(pool);
  try {
    if (flags.suites.has('micro')) {
      log(`[${elapsed()}] micro suite`);
      micro = await runMicro(written.file, config);
      for (const t of micro.timings.filter((t) => t.group === 'verify' && t.alg === 'RS256')) {
        log(
          `  ${t.name.padEnd(48)} ${formatNumber(t.opsPerSec).padStart(10)} ops/s${t.problem === undefined ? '' : `  ⚠ ${t.problem}`}`,
        );
      }
      log(`  prototype conformance: ${micro.conformance.agreed}/${micro.conformance.entries}`);
    }
    if (flags.suites.has('http')) {
      log(`[${elapsed()}] HTTP suite`);
      http = await runHttp(pool, written.file, config, log);
    }
    if (flags.suites.has('scale')) {
      log(`[${elapsed()}] scale suite`);
      scale = await runScale(config);
    }
  } finally {
    written.cleanup();
  }
} finally {
  await issuer.close();
}

const loadAfter = loadAverage();
notes.push(
  `Portcullis' verified-token cache is set to ${formatNumber(config.missCacheEntries)} entries (default 10,000) in the HTTP servers and the first-sight micro rows, ` +
    `so that the rotated pool of ${formatNumber(config.poolSize)} tokens never hits it (every request of the "10,000 tokens" scenario is a first sight, checked by the handler's cache counters); ` +
    `with the default size the pool would be served from the cache after one pass, which is what the one-token rows measure.`,
  "Every Nest server runs with `logger: false` (no request logging anywhere). The \"audit: no-op sink\" row replaces @portcullis/nest's default audit sink ('logger') by a function that drops events, to show what the default costs.",
  'Alternatives are configured with an RS256 allowlist, issuer and audience (and a scope check on the route, like the Portcullis rows); express-oauth2-jwt-bearer in strict (RFC 9068) mode. Only Portcullis has a verified-token cache, so for the alternatives one token and 10,000 tokens cost the same.',
  `Micro numbers are single-threaded on one core; async subjects (Portcullis, jose) are awaited one at a time, so their WebCrypto work does not spread over libuv threads.`,
  `The machine is shared: other processes may compete for the two cores (load average ${loadBefore} before, ${loadAfter} after). Compare rows of one run, not runs.`,
);
const unsaturated = http?.rows.filter((r) => r.kind === 'bare' && r.serverCpu < 85) ?? [];
if (unsaturated.length > 0) {
  notes.push(
    `Bare servers below 85 % CPU while loaded: ${unsaturated.map((r) => `${r.id} (${formatNumber(r.serverCpu)} %)`).join(', ')}. ` +
      'Either the server did not get its core (other processes run on both cores) or the load generator, sharing core 0 with them, set the pace; both make guarded ÷ bare less reliable.',
  );
}
const saturated = http?.rows.filter((r) => r.loadgenCpu >= 90) ?? [];
if (saturated.length > 0) {
  notes.push(
    `Load generator above 90 % of its core for: ${saturated.map((r) => `${r.id} (${r.scenario})`).join(', ')} — those req/s may be capped by the generator, not the server.`,
  );
}
if (git.uncommittedInPackages.length > 0) {
  notes.push(
    `Measured at ${git.commit} plus uncommitted changes under packages/ (the build compiles the working tree): ${git.uncommittedInPackages.map((l) => l.trim()).join(', ')}.`,
  );
}
if (micro !== undefined && micro.conformance.mismatches.length > 0)
  notes.push(`Prototype conformance mismatches: ${micro.conformance.mismatches.join('; ')}`);

const goals = evaluateGoals(micro, http, scale, config.poolSize);
const results: BenchResults = {
  schema: 1,
  date,
  mode: config.mode,
  durationS: (performance.now() - startedAt) / 1000,
  machine,
  loadAverage: { before: loadBefore, after: loadAfter },
  versions: packageVersions(),
  git,
  config,
  notes,
  ...(micro === undefined ? {} : { micro }),
  ...(http === undefined ? {} : { http }),
  ...(scale === undefined ? {} : { scale }),
  goals,
};

log(`\nGoals (issue 9):`);
for (const goal of goals) log(`  ${goalLine(goal)}`);

const resultsDir = new URL('../../results/', import.meta.url);
const suffix = config.mode === 'quick' ? '-quick' : '';
const { json, markdown } = writeResults(resultsDir, results, suffix);
log(`\nWrote ${json.pathname} and ${markdown.pathname}`);
if (flags.noReadme || config.mode === 'quick' || flags.suites.size < 3) {
  log('README section not updated (quick or partial run, or --no-readme).');
} else {
  const readme = new URL('../../../README.md', import.meta.url);
  const how = updateMarkedSection(readme, renderReadmeSection(results));
  log(
    how === 'replaced'
      ? 'Updated the bench section of README.md.'
      : 'README.md had no bench markers: appended a "Benchmarks" section with them.',
  );
  const benchReadme = new URL('../../README.md', import.meta.url);
  updateMarkedSection(benchReadme, renderGoalsSection(results), 'goals', 'Goals: this run');
  log('Updated the goals block of bench/README.md.');
  // Generated tables are not column-aligned: let the workspace's Prettier format this package's
  // README. The root README is left as written (formatting it would touch its other sections).
  const prettier = fileURLToPath(new URL('../../../node_modules/prettier/bin/prettier.cjs', import.meta.url));
  const formatted = spawnSync(process.execPath, [prettier, '--write', fileURLToPath(benchReadme)], { stdio: 'ignore' });
  if (formatted.status !== 0) log('Prettier could not format bench/README.md; run `npm run format`.');
}
log(`Done in ${elapsed()}.`);
