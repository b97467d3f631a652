/**
 * The long fuzz run (`npm run fuzz -w @portcullis/conformance`), ≥ 1 000 000 inputs in all, bounded
 * in time (FUZZ_MAX_SECONDS, default 1800), progress on stderr:
 *
 * 1. **in-process core fuzzing** — FUZZ_CORE_RUNS (default 1 000 000) mutated tokens, 200 000 raw
 *    Authorization values and 100 000 re-signed tokens through `createPortcullis().authenticate`
 *    (the request path every adapter runs), fast enough for millions;
 * 2. **HTTP fuzzing** — FUZZ_HTTP_RUNS (default 5 000) inputs per property and target, over real
 *    HTTP against the four targets (4 properties × 4 targets).
 *
 * Replay any failure with the printed seed: `FUZZ_SEED=<seed> [FUZZ_PATH=<path>] npm run fuzz`.
 * Results: long-runs/fuzz.json and LONG-RUNS.md.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import { saveLongRun } from '../runner/long-runs.js';
import { startConformanceEnv } from '../targets/start-conformance-env.js';
import type { ConformanceEnv } from '../targets/start-conformance-env.js';
import { TARGET_NAMES } from '../targets/target-handle.js';
import { fuzzCore } from './core-fuzz.js';
import type { CoreFuzzKind, CoreFuzzResult } from './core-fuzz.js';
import { compareDecisions, describeFailure, fuzzSeed, fuzzTarget } from './http-fuzz.js';
import type { FuzzStats } from './http-fuzz.js';

const SEED = fuzzSeed();
const MAX_SECONDS = Number(process.env['FUZZ_MAX_SECONDS'] ?? 1800);
const CORE_RUNS = Number(process.env['FUZZ_CORE_RUNS'] ?? 1_000_000);
const HTTP_RUNS = Number(process.env['FUZZ_HTTP_RUNS'] ?? 5_000);
const PATH = process.env['FUZZ_PATH'] || undefined;

let env: ConformanceEnv;
const started = Date.now();
const core: CoreFuzzResult[] = [];
const http: FuzzStats[] = [];

beforeAll(async () => {
  process.stderr.write(`fuzz: seed ${SEED} (replay with FUZZ_SEED=${SEED}), budget ${MAX_SECONDS} s\n`);
  env = await startConformanceEnv();
}, 120_000);

afterAll(async () => {
  await env?.close();
});

it(`core: ${CORE_RUNS} mutated tokens + raw Authorization values + re-signed tokens, in-process`, async () => {
  const issuer = await createTestIssuer({ serve: 'none', now: Date.now() });
  try {
    // 60 % of the time budget for the in-process part, split by input count.
    const budget = MAX_SECONDS * 1000 * 0.6;
    const runs: Record<CoreFuzzKind, number> = { 'core-mutated-token': CORE_RUNS, 'core-raw-authorization': Math.ceil(CORE_RUNS / 5), 'core-resigned-token': Math.ceil(CORE_RUNS / 10) };
    const total = Object.values(runs).reduce((a, b) => a + b, 0);
    const timeLimitMs = Object.fromEntries(Object.entries(runs).map(([k, n]) => [k, Math.floor((budget * n) / total)])) as Record<CoreFuzzKind, number>;
    core.push(
      ...(await fuzzCore(issuer, {
        seed: SEED,
        runs,
        timeLimitMs,
        ...(PATH ? { path: PATH } : {}),
        onProgress: (kind, done) => process.stderr.write(`fuzz core ${kind}: ${done} inputs (${((Date.now() - started) / 1000).toFixed(0)} s)\n`),
      })),
    );
  } finally {
    await issuer.close();
  }
  const failures = core.filter((r) => r.failure);
  for (const f of failures) process.stderr.write(`FUZZ FAILURE core ${f.kind}: ${f.failure!.error}\n  replay: FUZZ_SEED=${f.failure!.seed} FUZZ_PATH=${f.failure!.path}\n  counterexample: ${f.failure!.counterexample}\n`);
  expect(failures.map((f) => `${f.kind}: ${f.failure!.error}`)).toEqual([]);
});

it(`HTTP: ${HTTP_RUNS} inputs per property and target, four targets`, async () => {
  for (const target of TARGET_NAMES) {
    const handle = env.targets.get(target)!;
    const stats = await fuzzTarget(
      { name: target, url: handle.url, world: env.worlds.get(target)!, logText: () => handle.logText(), maxLifetime: 86_400 },
      env.issuer,
      {
        seed: SEED,
        numRuns: HTTP_RUNS,
        ...(PATH ? { path: PATH } : {}),
        progressEvery: 2000,
        onProgress: (done) => process.stderr.write(`fuzz http ${target}: ${done} inputs (${((Date.now() - started) / 1000).toFixed(0)} s)\n`),
      },
    );
    http.push(...stats);
  }
  const failures = http.flatMap((s) => s.failures);
  for (const f of failures) process.stderr.write(`${describeFailure(f)}\n`);
  const { divergent } = compareDecisions(http);
  expect([...failures.map(describeFailure), ...divergent]).toEqual([]);
}, 3 * 60 * 60 * 1000);

afterAll(() => {
  const coreInputs = core.reduce((n, r) => n + r.runs, 0);
  const httpInputs = http.reduce((n, s) => n + s.runs, 0);
  const { compared, divergent } = compareDecisions(http);
  const failures = [
    ...core.filter((r) => r.failure).map((r) => `core ${r.kind}: ${r.failure!.error} — replay FUZZ_SEED=${r.failure!.seed} FUZZ_PATH=${r.failure!.path}; counterexample ${r.failure!.counterexample}`),
    ...http.flatMap((s) => s.failures).map((f) => describeFailure(f).replace(/\n/g, ' ')),
    ...divergent.map((d) => `SPEC targets disagree on an allow: ${d}`),
  ];
  saveLongRun({
    name: 'fuzz',
    title: `Fuzzing — ${coreInputs + httpInputs} inputs (seed ${SEED})`,
    finishedAt: new Date().toISOString(),
    node: process.version,
    passed: failures.length === 0 && coreInputs + httpInputs >= 1_000_000,
    markdown: [
      `fast-check, seed \`${SEED}\` (replay: \`FUZZ_SEED=${SEED} npm run fuzz -w @portcullis/conformance\`), wall time ${((Date.now() - started) / 1000).toFixed(0)} s of a ${MAX_SECONDS} s budget.`,
      '',
      `- **in-process (core)**: ${coreInputs} inputs through \`createPortcullis().authenticate\` — the request path of every adapter, without HTTP;`,
      `- **over HTTP**: ${httpInputs} requests against the four targets (Nest on Express, Nest on Fastify, Express, the orders API);`,
      `- total **${coreInputs + httpInputs}** inputs; failures: **${failures.length}**.`,
      '',
      'Properties: never an allow for a mutated or certainly-invalid token (in-process: only 400/401 Portcullis codes, never ERR_INTERNAL or a foreign error); over HTTP also never a 5xx, never a hang (5 s per request), no token in the targets\' logs, and the three SPEC targets never disagree on an allow.',
      '',
      '| layer | property | inputs | interrupted by the time budget | outcomes |',
      '| --- | --- | ---: | --- | --- |',
      ...core.map((r) => `| core | ${r.kind} | ${r.runs} | ${r.interrupted ? 'yes' : 'no'} | ${Object.entries(r.codes).sort().map(([k, v]) => `${k}×${v}`).join(' ')} |`),
      ...http.map((s) => `| HTTP ${s.target} | ${s.kind} | ${s.runs} | no | ${Object.entries(s.statuses).sort().map(([k, v]) => `${k}×${v}`).join(' ')} |`),
      '',
      `Re-signed tokens decided alike (allow vs deny) by the three SPEC targets: ${compared - divergent.length}/${compared}.`,
      ...(failures.length ? ['', 'Failures:', '', ...failures.map((f) => `- ${f}`)] : []),
    ].join('\n'),
    data: { seed: SEED, coreInputs, httpInputs, core, http: http.map(({ decisions: _d, ...s }) => s) },
  });
});
