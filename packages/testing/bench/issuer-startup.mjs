// Benchmark for issue 5: "starting an issuer and minting 1,000 tokens takes well under a second".
//
// Measures, on the built package (run `npm run build -w @portcullis/testing` first):
//   start  = `await createTestIssuer(options)` (key generation, JWKS server on 127.0.0.1)
//   mint   = 1,000 × `await issuer.token(claims)` (distinct subjects, default ES256)
//   total  = start + mint, then `close()` (not timed)
// for the default issuer (ES256 + RS256 + EdDSA keys, served over HTTP) and a minimal one
// (ES256 only, serve: 'none'). The first run of each is reported separately (cold: module and
// JIT warm-up), then the median and max of the next runs.
//
// Usage (pinned Node, from the workspace root):
//   npx node packages/testing/bench/issuer-startup.mjs [--runs 10] [--tokens 1000] [--json]
// Prints a table, or one JSON object with --json (for bench/ to collect). Exit code 1 when the
// median total of the default issuer is not under one second.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    tokens: { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const TOKENS = Number(values.tokens);
if (!(Number.isSafeInteger(RUNS) && RUNS >= 1) || !(Number.isSafeInteger(TOKENS) && TOKENS >= 1)) {
  console.error('--runs and --tokens must be integers >= 1');
  process.exit(2);
}

let createTestIssuer;
try {
  ({ createTestIssuer } = await import(new URL('../dist/index.js', import.meta.url).href));
} catch {
  console.error('packages/testing/dist is missing: run `npm run build -w @portcullis/testing` first');
  process.exit(2);
}

const SCENARIOS = [
  { name: 'default (ES256+RS256+EdDSA, http)', options: {} },
  { name: 'minimal (ES256, serve: none)', options: { algorithms: ['ES256'], serve: 'none' } },
];

async function once(options) {
  const t0 = performance.now();
  const issuer = await createTestIssuer(options);
  const t1 = performance.now();
  for (let i = 0; i < TOKENS; i++) {
    await issuer.token({ sub: `user-${i}`, scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' });
  }
  const t2 = performance.now();
  await issuer.close();
  return { start: t1 - t0, mint: t2 - t1, total: t2 - t0 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (ms) => Math.round(ms * 10) / 10;

const results = [];
for (const { name, options } of SCENARIOS) {
  const cold = await once(options);
  const warm = [];
  for (let i = 0; i < RUNS; i++) warm.push(await once(options));
  const pick = (key) => ({
    median: round(median(warm.map((r) => r[key]))),
    max: round(Math.max(...warm.map((r) => r[key]))),
  });
  results.push({
    scenario: name,
    tokens: TOKENS,
    runs: RUNS,
    coldMs: { start: round(cold.start), mint: round(cold.mint), total: round(cold.total) },
    startMs: pick('start'),
    mintMs: pick('mint'),
    totalMs: pick('total'),
    tokensPerSecond: Math.round(TOKENS / (median(warm.map((r) => r.mint)) / 1000)),
  });
}

const report = {
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  date: new Date().toISOString(),
  results,
};
if (values.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(
    `@portcullis/testing issuer start + ${TOKENS} tokens — Node ${process.version}, ${RUNS} runs after 1 cold run`,
  );
  console.log(
    '| scenario | cold total | start (median / max) | mint (median / max) | total (median / max) | tokens/s |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.scenario} | ${r.coldMs.total} ms | ${r.startMs.median} / ${r.startMs.max} ms | ${r.mintMs.median} / ${r.mintMs.max} ms | ${r.totalMs.median} / ${r.totalMs.max} ms | ${r.tokensPerSecond} |`,
    );
  }
}
process.exitCode = results[0].totalMs.median < 1000 ? 0 : 1;
