import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { HttpRow } from '../http/run-http.js';
import { PLATFORM_LABELS } from '../http/variants.js';
import type { Platform } from '../http/variants.js';
import type { Timing } from './measure.js';
import { ALGORITHMS } from './pool.js';
import type { BenchResults, GoalResult } from './results.js';
import { formatNumber, formatRatio } from './stats.js';

const mark = (met: boolean | null): string => (met === null ? '–' : met ? '✓' : '✗');

/** A Markdown table; `text` lists the columns that hold words (left-aligned), the others are numbers. */
function table(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  text: readonly number[] = [0],
): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map((_, i) => (text.includes(i) ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

export function machineLine(results: BenchResults): string {
  const m = results.machine;
  return (
    `${m.cpu}, ${m.cores} cores, ${formatNumber(m.memoryGiB, 1)} GiB, ${m.os}; Node ${m.node}; ` +
    `${results.date.slice(0, 16).replace('T', ' ')} UTC, commit ${results.git.commit}${results.git.uncommittedInPackages.length > 0 ? ' + uncommitted package changes' : ''}; ${results.mode} run, ${formatNumber(results.durationS)} s; ` +
    `load average ${results.loadAverage.before} → ${results.loadAverage.after}` +
    (m.pinned ? '; servers and micro suite on core 1, load generator on core 0 (taskset)' : '; not pinned (no taskset)')
  );
}

function goalsTable(goals: readonly GoalResult[]): string {
  return table(
    ['goal (issue 9)', 'target', 'measured', ''],
    goals.map((g) => [g.goal, g.target, g.measured, mark(g.met)]),
    [0, 1, 2, 3],
  );
}

const PLATFORMS: readonly Platform[] = ['express', 'nest-express', 'nest-fastify'];

function httpTables(rows: readonly HttpRow[], compact: boolean, poolSize: number): string {
  const out: string[] = [];
  for (const platform of PLATFORMS) {
    const platformRows = rows.filter((r) => r.platform === platform && (!compact || !r.extra));
    if (platformRows.length === 0) continue;
    out.push(`**${PLATFORM_LABELS[platform]}**\n`);
    const header = compact
      ? ['server', 'scenario', 'req/s', '÷ bare', '÷ bare (CPU)', 'p99 ms', '+ CPU µs/req, fixed rate']
      : [
          'server',
          'scenario',
          'req/s (median)',
          '÷ bare',
          'CPU µs/req',
          '÷ bare (CPU)',
          'p50 ms',
          'p99 ms',
          'RSS MiB',
          'rounds req/s',
          'cache hits',
          'server CPU',
          'loadgen CPU',
          'fixed rate req/s',
          'CPU µs/req, fixed rate',
          '+ CPU µs/req vs bare, fixed rate',
        ];
    out.push(
      table(
        header,
        platformRows.map((r) => {
          const base = [
            r.label,
            r.scenario === 'repeated' ? 'one token' : `${formatNumber(poolSize)} tokens`,
            formatNumber(r.rps),
            r.kind === 'bare' ? '1' : formatRatio(r.ratio),
          ];
          const cpuRatio = r.kind === 'bare' ? '1' : formatRatio(r.cpuRatio);
          const added =
            r.fixedRate === undefined
              ? ''
              : r.kind === 'bare'
                ? `— (${formatNumber(r.fixedRate.cpuUs, 1)} at ${formatNumber(r.fixedRate.rate)} req/s)`
                : `${r.fixedRate.addedUs >= 0 ? '+' : ''}${formatNumber(r.fixedRate.addedUs, 1)}`;
          if (compact) return [...base, cpuRatio, formatNumber(r.p99), added];
          const cache =
            r.cache === undefined
              ? ''
              : `${formatNumber((100 * r.cache.hits) / Math.max(1, r.cache.hits + r.cache.misses), 1)} %`;
          return [
            ...base,
            formatNumber(r.cpuUsPerRequest, 1),
            cpuRatio,
            formatNumber(r.p50),
            formatNumber(r.p99),
            formatNumber(r.rssMiB),
            r.rounds.join(' / '),
            cache,
            `${formatNumber(r.serverCpu)} %`,
            `${formatNumber(r.loadgenCpu)} %`,
            r.fixedRate === undefined ? '' : formatNumber(r.fixedRate.rate),
            r.fixedRate === undefined ? '' : formatNumber(r.fixedRate.cpuUs, 1),
            r.fixedRate === undefined || r.kind === 'bare' ? '' : formatNumber(r.fixedRate.addedUs, 1),
          ];
        }),
        [0, 1],
      ),
    );
    out.push('');
  }
  return out.join('\n');
}

function verifyTable(timings: readonly Timing[]): string {
  const verify = timings.filter((t) => t.group === 'verify');
  const names = [...new Set(verify.map((t) => t.name))];
  const floor = new Map(verify.filter((t) => t.name === 'node:crypto floor').map((t) => [t.alg, t.opsPerSec]));
  const rows = names.map((name) => [
    name,
    ...ALGORITHMS.flatMap((alg) => {
      const t = verify.find((v) => v.name === name && v.alg === alg);
      if (t === undefined) return ['n/a', ''];
      if (t.problem !== undefined && !Number.isFinite(t.opsPerSec)) return ['failed', ''];
      return [
        formatNumber(t.opsPerSec) + (t.problem === undefined ? '' : ' ⚠'),
        formatRatio(t.opsPerSec / (floor.get(alg) ?? Number.NaN)),
      ];
    }),
  ]);
  return table(['verify (ops/s, one core)', ...ALGORITHMS.flatMap((alg) => [alg, '× floor'])], rows);
}

function opsTable(timings: readonly Timing[], groups: readonly string[]): string {
  return table(
    ['operation', 'ops/s', 'ns/op', 'note'],
    timings
      .filter((t) => groups.includes(t.group))
      .map((t) => [t.name, formatNumber(t.opsPerSec), formatNumber(t.nsPerOp), t.problem ?? t.note ?? '']),
    [0, 3],
  );
}

/** The full Markdown report (bench/results/latest.md). */
export function renderReport(results: BenchResults): string {
  const out: string[] = [];
  out.push(`# Portcullis benchmark results\n`);
  out.push(`${machineLine(results)}\n`);
  out.push(
    `Generated by \`npm run bench\` (bench/README.md explains every number). Raw data: \`bench/results/${results.date.slice(0, 10)}${results.mode === 'quick' ? '-quick' : ''}.json\`.\n`,
  );
  out.push(`## Goals\n\n${goalsTable(results.goals)}\n`);
  if (results.http !== undefined) {
    out.push(
      `## HTTP (autocannon, ${results.config.http.connections} connections, ${results.config.http.rounds} rounds × ${results.config.http.durationS} s, medians)\n`,
    );
    out.push(httpTables(results.http.rows, false, results.config.poolSize));
    out.push(
      `${FIXED_RATE_NOTE.replace('(bench/README.md#', '(../README.md#')} Fixed-rate pass: ${results.config.http.fixedRate.warmupS} s warm-up + ${results.config.http.fixedRate.durationS} s per row, paced requests over the same ${results.config.http.connections} keep-alive connections, ${results.config.http.fixedRate.rounds} pass(es) in rotated order, medians; paced, a core idles between requests and one run's CPU per response varies by ±10–25 µs on this machine, so differences of a few µs are noise.\n`,
    );
    for (const p of results.http.pending)
      out.push(`- **pending** ${PLATFORM_LABELS[p.platform]} / ${p.label}: ${p.reason}`);
    const failed = Object.entries(results.http.sanity).filter(([, s]) => !s.passed);
    out.push(
      failed.length === 0
        ? `Every guarded server refused no token, wrong audience, wrong issuer, tampered signature, expired and ES256 (not allowed) tokens with 401 and a token without the scope with 403 before it was measured.\n`
        : `**Sanity checks failed** for ${failed.map(([id]) => id).join(', ')}: their numbers do not count (see the JSON).\n`,
    );
  }
  if (results.micro !== undefined) {
    const { timings, conformance } = results.micro;
    out.push(
      `## Micro (same process, ${results.config.micro.rounds} rounds × ${results.config.micro.sliceMs} ms, medians)\n`,
    );
    out.push(verifyTable(timings) + '\n');
    out.push(`### Cache-hit path\n\n${opsTable(timings, ['hit path'])}\n`);
    out.push(`### Revocation and principal mapping\n\n${opsTable(timings, ['revocation', 'principal'])}\n`);
    out.push(`### Audit events\n\n${opsTable(timings, ['audit'])}\n`);
    out.push(`### First-sight path, piece by piece (RS256 token)\n\n${opsTable(timings, ['breakdown'])}\n`);
    out.push(
      `Prototype conformance: the prototypes gave the shipped verifier's answer on ${conformance.agreed}/${conformance.entries} entries of the security corpus` +
        (conformance.mismatches.length === 0 ? '.\n' : `; mismatches: ${conformance.mismatches.join('; ')}\n`),
    );
    const problems = timings.filter((t) => t.problem !== undefined);
    if (problems.length > 0)
      out.push(`⚠ ${problems.map((t) => `${t.name} ${t.alg ?? ''}: ${t.problem}`).join('; ')}\n`);
  }
  if (results.scale !== undefined) {
    const { stampede, cacheMix, revocation, revocationVersusMap } = results.scale;
    out.push(`## Scale\n\n### JWKS stampede\n`);
    out.push(
      table(
        ['library', 'burst', 'callers', 'key-set fetches', 'accepted', 'refused', 'ms'],
        stampede.map((r) => [
          r.library,
          r.case,
          formatNumber(r.callers),
          String(r.fetches),
          formatNumber(r.accepted),
          Object.entries(r.refused)
            .map(([k, v]) => `${k} × ${v}`)
            .join(', '),
          formatNumber(r.ms),
        ]),
        [0, 1, 5],
      ) + '\n',
    );
    out.push(`### Verified-token cache under a Zipf mix of users\n`);
    out.push(
      table(
        ['Zipf s', 'cache entries', 'users', 'requests', 'hit ratio', 'best possible', 'how'],
        cacheMix.map((r) => [
          String(r.s),
          formatNumber(r.cacheEntries),
          formatNumber(r.users),
          formatNumber(r.requests),
          `${formatNumber(r.hitRatio * 100, 1)} %`,
          `${formatNumber(r.repeatRatio * 100, 1)} %`,
          r.method === 'real'
            ? `shipped verifier (${formatNumber((r.requests * 1000) / (r.ms ?? Number.NaN))} verify/s)`
            : 'LRU replay',
        ]),
        [6],
      ) + '\n',
    );
    out.push(`### InMemoryRevocationStore with ${formatNumber(revocation.entries)} revoked jtis\n`);
    out.push(
      table(
        ['measure', 'value'],
        [
          [
            'resident memory of the store (RSS delta − young generation)',
            `${formatNumber(revocation.storeResidentMiB, 1)} MiB`,
          ],
          ['RSS delta after full GC', `${formatNumber(revocation.rssDeltaMiB, 1)} MiB`],
          [
            'of which V8 young generation grown by the fill loop',
            `${formatNumber(revocation.youngGenerationDeltaMiB, 1)} MiB`,
          ],
          ['live heap delta (jti strings + Map)', `${formatNumber(revocation.heapDeltaMiB, 1)} MiB`],
          ['revocations written', `${formatNumber(revocation.insertsPerSec)} /s`],
          [
            `isRevoked vs plain Map.get, same ${formatNumber(revocationVersusMap.entries)} keys, side by side (revoked / not)`,
            `${formatNumber(revocationVersusMap.store.hitNs)} / ${formatNumber(revocationVersusMap.store.missNs)} ns vs ${formatNumber(revocationVersusMap.plainMap.hitNs)} / ${formatNumber(revocationVersusMap.plainMap.missNs)} ns`,
          ],
          ...revocation.lookups.map((l) => [
            `isRevoked at ${formatNumber(l.size)} entries (revoked / not revoked)`,
            `${formatNumber(l.hitNs)} / ${formatNumber(l.missNs)} ns`,
          ]),
        ],
        [0],
      ) + '\n',
    );
  }
  out.push(`## Versions\n\n${table(['package', 'version'], Object.entries(results.versions), [0, 1])}\n`);
  if (results.notes.length > 0) out.push(`## Notes\n\n${results.notes.map((n) => `- ${n}`).join('\n')}\n`);
  return out.join('\n');
}

/** The short section regenerated in the root README between the bench markers. */
export function renderReadmeSection(results: BenchResults): string {
  const out: string[] = [];
  out.push(`Measured by \`npm run bench\`: ${machineLine(results)}.`);
  out.push(
    `Versions: ${['@portcullis/core', 'jose', 'fast-jwt', 'jsonwebtoken', 'express', '@nestjs/core', 'fastify']
      .map((name) => `${name} ${results.versions[name] ?? '?'}`)
      .join(
        ', ',
      )}. Full tables: [bench/results/latest.md](bench/results/latest.md); method: [bench/README.md](bench/README.md).\n`,
  );
  out.push(goalsTable(results.goals) + '\n');
  if (results.http !== undefined) {
    out.push(httpTables(results.http.rows, true, results.config.poolSize));
    out.push(FIXED_RATE_NOTE + '\n');
  }
  if (results.micro !== undefined) out.push(verifyTable(results.micro.timings) + '\n');
  const caveats = results.notes.filter((note) =>
    /^(Bare servers below|The machine is shared|Load generator above)/.test(note),
  );
  if (caveats.length > 0) out.push(caveats.map((note) => `> ${note}`).join('\n>\n') + '\n');
  return out.join('\n');
}

/** What the fixed-rate column means, under the HTTP tables. */
const FIXED_RATE_NOTE =
  'Last column: CPU µs per request each server adds over the bare one when every server of the platform is sent the same ' +
  "paced load (half the slowest row's saturated rate). Saturated, an event loop batches, and how much depends on its speed, " +
  "so the ÷ bare ratios above are not linear in a layer's cost: a layer that answers in the same tick (Portcullis on a " +
  'repeated token) loses the batching an asynchronous one gets. See [bench/README.md](bench/README.md#saturated-ratios-and-batching).';

export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';

/** Index of `marker` standing alone on a line (a marker quoted inside prose or a table does not count), or -1. */
function markerLine(text: string, marker: string): number {
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + 1)) {
    const lineStart = at === 0 || text[at - 1] === '\n';
    const end = at + marker.length;
    const lineEnd = end === text.length || text[end] === '\n' || text[end] === '\r';
    if (lineStart && lineEnd) return at;
  }
  return -1;
}

/**
 * Replaces the text between `<!-- <name>:start -->` and `<!-- <name>:end -->` (each alone on its
 * line) in a Markdown file; when the markers are missing, appends `## <heading>` with them. Returns
 * what happened.
 */
export function updateMarkedSection(
  fileUrl: URL,
  section: string,
  name = 'bench',
  heading = 'Benchmarks',
): 'replaced' | 'appended' {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const text = readFileSync(fileUrl, 'utf8');
  const body = `${start}\n<!-- Generated by npm run bench (bench/src/lib/report.ts); edits here are overwritten. -->\n\n${section.trim()}\n\n${end}`;
  const at = markerLine(text, start);
  const until = at === -1 ? -1 : markerLine(text.slice(at), end) + at;
  if (at !== -1 && until >= at) {
    writeFileSync(fileUrl, text.slice(0, at) + body + text.slice(until + end.length));
    return 'replaced';
  }
  writeFileSync(fileUrl, `${text.trimEnd()}\n\n## ${heading}\n\n${body}\n`);
  return 'appended';
}

/** The goals block of bench/README.md: this run's ✓/✗ per goal. */
export function renderGoalsSection(results: BenchResults): string {
  return `Last full run: ${machineLine(results)}.\n\n${goalsTable(results.goals)}\n`;
}

/** Writes bench/results/<date><suffix>.json and bench/results/latest<suffix>.md (`-quick` for smoke runs). */
export function writeResults(resultsDir: URL, results: BenchResults, suffix = ''): { json: URL; markdown: URL } {
  if (!existsSync(resultsDir)) mkdirSync(resultsDir, { recursive: true });
  const json = new URL(`${results.date.slice(0, 10)}${suffix}.json`, resultsDir);
  const markdown = new URL(`latest${suffix}.md`, resultsDir);
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(markdown, renderReport(results));
  return { json, markdown };
}
