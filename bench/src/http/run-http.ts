import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ask, LOADGEN_CPU, readCpuSeconds, readRss, SERVER_CPU, spawnNode, stopChild, waitFor } from '../lib/child.js';
import type { ChildMessage } from '../lib/child.js';
import type { RunConfig } from '../lib/config.js';
import type { TokenPool } from '../lib/pool.js';
import { median, rotate } from '../lib/stats.js';
import type { LoadResult, LoadRun } from './load-child.js';
import type { ServerConfig } from './server-types.js';
import { VARIANTS } from './variants.js';
import type { Platform, Scenario, Variant } from './variants.js';

export interface SanityCheck {
  readonly case: string;
  readonly expected: number;
  readonly got: number | string;
}

export interface HttpRow {
  readonly id: string;
  readonly platform: Platform;
  readonly label: string;
  readonly kind: Variant['kind'];
  readonly extra: boolean;
  readonly scenario: Scenario;
  /** Medians over rounds. */
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /**
   * Median over rounds of (this ÷ the platform's bare rate in the same round, the mean of the bare
   * runs just before and after the platform's block); 1 for bare rows.
   */
  readonly ratio: number;
  readonly rounds: readonly number[];
  /** Resident memory of the server after its last measurement, and its peak, MiB. */
  readonly rssMiB: number;
  readonly peakRssMiB: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Highest load-generator CPU seen for this row, % of one core. */
  readonly loadgenCpu: number;
  /** Median server CPU time per response, µs (from /proc over the whole run, warm-up included). */
  readonly cpuUsPerRequest: number;
  /**
   * Median over rounds of (bare CPU µs per response ÷ this row's), paired like `ratio`: the
   * throughput ratio the two would show with the server saturating its core. Robust to other
   * processes taking the core, which throughput is not.
   */
  readonly cpuRatio: number;
  /**
   * Median server CPU while loaded, % of its core. Well under 100 means the server waited for
   * requests: the load generator (sharing its core with other processes) set the pace, not the server.
   */
  readonly serverCpu: number;
  /** Portcullis rows: verified-token cache outcomes counted by the route handler in this scenario. */
  readonly cache?: { readonly hits: number; readonly misses: number };
  /**
   * The fixed-rate pass (one per run): server CPU µs per response at `rate` req/s, and what this
   * row adds over the platform's bare server at the same rate (the mean of the bare runs around it).
   */
  readonly fixedRate?: { readonly rate: number; readonly cpuUs: number; readonly addedUs: number };
}

export interface PendingServer {
  readonly id: string;
  readonly label: string;
  readonly platform: Platform;
  readonly reason: string;
}

export interface HttpResult {
  readonly rows: readonly HttpRow[];
  readonly pending: readonly PendingServer[];
  /** Per server: requests every guard must answer in a fixed way before it is measured. */
  readonly sanity: Readonly<Record<string, { readonly passed: boolean; readonly checks: readonly SanityCheck[] }>>;
}

interface Running {
  readonly variant: Variant;
  readonly child: ChildProcess;
  readonly url: string;
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

async function startServer(variant: Variant, config: ServerConfig): Promise<Running> {
  const child = spawnNode(here('./server-child.js'), {
    label: variant.id,
    cpu: SERVER_CPU,
    env: { BENCH_VARIANT: variant.id, BENCH_CONFIG: JSON.stringify(config) },
  });
  try {
    const { port } = await waitFor<ChildMessage & { port: number }>(child, 'ready', 60_000, variant.id);
    return { variant, child, url: `http://127.0.0.1:${port}` };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** The answers every server must give before its numbers count (bare servers: 200 without a token). */
async function sanity(server: Running, pool: TokenPool): Promise<{ passed: boolean; checks: SanityCheck[] }> {
  const cases: Array<[string, string | undefined, number]> =
    server.variant.kind === 'bare'
      ? [['no token', undefined, 200]]
      : [
          ['valid RS256 token', pool.tokens.RS256[0], 200],
          ['no token', undefined, 401],
          ['wrong audience', pool.bad.wrongAudience, 401],
          ['wrong issuer', pool.bad.wrongIssuer, 401],
          ['tampered signature', pool.bad.tamperedSignature, 401],
          ['expired', pool.bad.expired, 401],
          ['ES256 token (not in the RS256 allowlist)', pool.tokens.ES256[0], 401],
          ['missing scope', pool.bad.noScope, 403],
        ];
  const checks: SanityCheck[] = [];
  for (const [name, token, expected] of cases) {
    let got: number | string;
    try {
      const response = await fetch(`${server.url}/orders`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      got = response.status;
    } catch (error) {
      got = error instanceof Error ? error.message : String(error);
    }
    checks.push({ case: name, expected, got });
  }
  return { passed: checks.every((c) => c.got === c.expected), checks };
}

/**
 * Starts every server (pinned to the server core) and the load generator (on the other core),
 * checks each server's answers, then measures every (server, scenario) pair in `rounds` rounds —
 * per platform: bare, the guarded servers, bare again — and reports medians and guarded ÷ bare
 * ratios paired with the bare runs around them.
 */
export async function runHttp(
  pool: TokenPool,
  poolFile: string,
  config: RunConfig,
  log: (line: string) => void,
): Promise<HttpResult> {
  const serverConfig: ServerConfig = {
    issuer: pool.issuer,
    audience: pool.audience,
    jwksUri: pool.jwksUri,
    cacheEntries: config.missCacheEntries,
  };
  const loadgen = spawnNode(here('./load-child.js'), {
    label: 'loadgen',
    cpu: LOADGEN_CPU,
    env: { BENCH_POOL: poolFile },
  });
  const running: Running[] = [];
  const pending: PendingServer[] = [];
  const sanityResults: Record<string, { passed: boolean; checks: SanityCheck[] }> = {};
  try {
    await waitFor(loadgen, 'ready', 30_000, 'loadgen');
    for (const variant of VARIANTS) {
      try {
        const server = await startServer(variant, serverConfig);
        running.push(server);
        sanityResults[variant.id] = await sanity(server, pool);
        if (!sanityResults[variant.id]!.passed) log(`  ✗ ${variant.id}: sanity checks failed (see results JSON)`);
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        pending.push({ id: variant.id, label: variant.label, platform: variant.platform, reason });
        log(`  ! ${variant.id} not measured: ${reason}`);
      }
    }

    interface Samples {
      results: LoadResult[];
      serverCpu: number[];
      cpuUs: number[];
      /** Guarded rows: this round's bare CPU µs per response (mean of the two bare runs). */
      bareCpuUs: number[];
      /** Guarded rows: this round's bare rate (mean of the bare runs just before and after the block). */
      bareRps: number[];
      rss: number;
      peak: number;
      hits: number;
      misses: number;
    }
    const samples = new Map<string, Samples>();
    const key = (id: string, scenario: Scenario): string => `${id}|${scenario}`;
    const platforms = [...new Set(running.map((s) => s.variant.platform))];

    const measure = async (
      server: Running,
      scenario: Scenario,
      round: number,
      fixedRate?: number,
    ): Promise<LoadResult & { cpuUs: number }> => {
      const stats = () =>
        ask<ChildMessage & { hits: number; misses: number }>(
          server.child,
          { type: 'stats' },
          'stats',
          10_000,
          server.variant.id,
        );
      const before = await stats();
      const run: LoadRun =
        fixedRate === undefined
          ? {
              type: 'run',
              url: server.url,
              scenario,
              connections: config.http.connections,
              warmupS: round === 0 ? config.http.warmupFirstS : config.http.warmupS,
              durationS: config.http.durationS,
            }
          : {
              type: 'run',
              url: server.url,
              scenario,
              connections: config.http.connections,
              warmupS: config.http.fixedRate.warmupS,
              durationS: config.http.fixedRate.durationS,
              rate: fixedRate,
            };
      const budget = (run.warmupS + run.durationS) * 1000 * 3 + 30_000;
      const cpuBefore = readCpuSeconds(server.child.pid);
      const wallBefore = performance.now();
      const { result } = await ask<ChildMessage & { result: LoadResult }>(loadgen, run, 'done', budget, 'loadgen');
      const cpuAfter = readCpuSeconds(server.child.pid);
      const serverCpu =
        cpuBefore === undefined || cpuAfter === undefined
          ? Number.NaN
          : ((cpuAfter - cpuBefore) * 100_000) / (performance.now() - wallBefore);
      const cpuUs =
        cpuBefore === undefined || cpuAfter === undefined || result.allResponses === 0
          ? Number.NaN
          : ((cpuAfter - cpuBefore) * 1e6) / result.allResponses;
      if (fixedRate !== undefined) {
        log(
          `  fixed ${fixedRate} req/s ${server.variant.id.padEnd(32)} ${scenario.padEnd(8)} ` +
            `${Math.round(result.rps).toString().padStart(6)} req/s  ${cpuUs.toFixed(1)} CPU µs/response`,
        );
        return { ...result, cpuUs };
      }
      const after = await stats();
      const memory = readRss(server.child.pid);
      const entry = samples.get(key(server.variant.id, scenario)) ?? {
        results: [],
        serverCpu: [],
        cpuUs: [],
        bareRps: [],
        bareCpuUs: [],
        rss: 0,
        peak: 0,
        hits: 0,
        misses: 0,
      };
      entry.results.push(result);
      entry.serverCpu.push(serverCpu);
      entry.cpuUs.push(cpuUs);
      entry.rss = memory?.rssMiB ?? Number.NaN;
      entry.peak = memory?.peakMiB ?? Number.NaN;
      entry.hits += after.hits - before.hits;
      entry.misses += after.misses - before.misses;
      samples.set(key(server.variant.id, scenario), entry);
      log(
        `  round ${round + 1}/${config.http.rounds} ${server.variant.id.padEnd(32)} ${scenario.padEnd(8)} ` +
          `${Math.round(result.rps).toString().padStart(6)} req/s  p99 ${result.p99} ms  server ${Math.round(serverCpu)}%  loadgen ${Math.round(result.loadgenCpu)}%`,
      );
      return { ...result, cpuUs };
    };

    // Each round measures platform by platform: bare, then that platform's guarded servers (in a
    // rotated order), then bare again. Each guarded number is paired with the mean of the two bare
    // runs around it, seconds apart, so load from other processes that comes and goes over tens of
    // seconds hits both sides of the ratio alike.
    /**
     * One platform block: bare, the platform's guarded (server, scenario) pairs in a rotated order,
     * bare again. Returns each guarded measurement and the mean of the two bare ones around it
     * (NaN when the platform's bare server did not start).
     */
    const measureBlock = async (
      platform: Platform,
      round: number,
      fixedRate?: number,
    ): Promise<{
      bare: Running | undefined;
      bareRps: number;
      bareCpuUs: number;
      block: Array<{ id: string; scenario: Scenario; cpuUs: number }>;
    }> => {
      const bare = running.find((s) => s.variant.platform === platform && s.variant.kind === 'bare');
      const guarded = running
        .filter((s) => s.variant.platform === platform && s.variant.kind !== 'bare')
        .flatMap((server) => server.variant.scenarios.map((scenario) => ({ server, scenario })));
      const measureRound = fixedRate === undefined ? round : 0;
      const first = bare === undefined ? undefined : await measure(bare, 'repeated', measureRound, fixedRate);
      const block: Array<{ id: string; scenario: Scenario; cpuUs: number }> = [];
      for (const { server, scenario } of rotate(guarded, round)) {
        const { cpuUs } = await measure(server, scenario, measureRound, fixedRate);
        block.push({ id: server.variant.id, scenario, cpuUs });
      }
      const last = bare === undefined ? undefined : await measure(bare, 'repeated', measureRound, fixedRate);
      return {
        bare,
        bareRps: first === undefined || last === undefined ? Number.NaN : (first.rps + last.rps) / 2,
        bareCpuUs: first === undefined || last === undefined ? Number.NaN : (first.cpuUs + last.cpuUs) / 2,
        block,
      };
    };

    for (let round = 0; round < config.http.rounds; round++) {
      for (const platform of rotate(platforms, round)) {
        const { bareRps, bareCpuUs, block } = await measureBlock(platform, round);
        for (const { id, scenario } of block) {
          samples.get(key(id, scenario))!.bareRps.push(bareRps);
          samples.get(key(id, scenario))!.bareCpuUs.push(bareCpuUs);
        }
      }
    }

    // The fixed-rate pass. Saturated, an event loop batches: it reads many requests per wake-up and
    // writes many answers per turn, and how much it batches depends on how fast it is, so a few µs
    // more per request can change the whole server's cost per response (the saturated ratios are
    // not linear in the guard's cost). At a rate every server sustains, each one answers each
    // request as it comes, and CPU per response minus the bare server's is what a layer adds.
    const fixedSamples = new Map<string, { rate: number; cpuUs: number[]; added: number[] }>();
    const rates = new Map<Platform, number>();
    for (const platform of platforms) {
      const measured = [...samples.entries()]
        .filter(([k]) => running.some((s) => s.variant.platform === platform && k.startsWith(`${s.variant.id}|`)))
        .map(([, e]) => median(e.results.map((r) => r.rps)));
      if (measured.length > 0) {
        rates.set(
          platform,
          Math.max(500, Math.floor((Math.min(...measured) * config.http.fixedRate.share) / 500) * 500),
        );
      }
    }
    const record = (id: string, scenario: Scenario, rate: number, cpuUs: number, added: number): void => {
      const entry = fixedSamples.get(key(id, scenario)) ?? { rate, cpuUs: [], added: [] };
      entry.cpuUs.push(cpuUs);
      entry.added.push(added);
      fixedSamples.set(key(id, scenario), entry);
    };
    for (let round = 0; round < config.http.fixedRate.rounds; round++) {
      for (const platform of rotate(platforms, round)) {
        const rate = rates.get(platform);
        // Without a bare server there is nothing to add to: the platform has no fixed-rate rows.
        if (rate === undefined || !running.some((s) => s.variant.platform === platform && s.variant.kind === 'bare')) {
          continue;
        }
        const { bare, bareCpuUs, block } = await measureBlock(platform, round, rate);
        record(bare!.variant.id, 'repeated', rate, bareCpuUs, 0);
        for (const { id, scenario, cpuUs } of block) record(id, scenario, rate, cpuUs, cpuUs - bareCpuUs);
      }
    }
    const fixed = new Map(
      [...fixedSamples].map(([k, e]) => [k, { rate: e.rate, cpuUs: median(e.cpuUs), addedUs: median(e.added) }]),
    );

    const rows: HttpRow[] = [];
    for (const server of running) {
      const variant = server.variant;
      for (const scenario of variant.scenarios) {
        const entry = samples.get(key(variant.id, scenario))!;
        const perRound = entry.results.map((r, i) => r.rps / (entry.bareRps[i] ?? Number.NaN));
        const cpuPerRound = entry.cpuUs.map((us, i) => (entry.bareCpuUs[i] ?? Number.NaN) / us);
        rows.push({
          id: variant.id,
          platform: variant.platform,
          label: variant.label,
          kind: variant.kind,
          extra: variant.extra === true,
          scenario,
          rps: median(entry.results.map((r) => r.rps)),
          p50: median(entry.results.map((r) => r.p50)),
          p99: median(entry.results.map((r) => r.p99)),
          ratio: variant.kind === 'bare' ? 1 : median(perRound),
          rounds: entry.results.map((r) => Math.round(r.rps)),
          rssMiB: entry.rss,
          peakRssMiB: entry.peak,
          non2xx: entry.results.reduce((sum, r) => sum + r.non2xx, 0),
          errors: entry.results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
          loadgenCpu: Math.max(...entry.results.map((r) => r.loadgenCpu)),
          serverCpu: median(entry.serverCpu),
          cpuUsPerRequest: median(entry.cpuUs),
          cpuRatio: variant.kind === 'bare' ? 1 : median(cpuPerRound),
          ...(variant.kind === 'portcullis' || variant.kind === 'prototype'
            ? { cache: { hits: entry.hits, misses: entry.misses } }
            : {}),
          ...(fixed.has(key(variant.id, scenario)) ? { fixedRate: fixed.get(key(variant.id, scenario))! } : {}),
        });
      }
    }
    return { rows, pending, sanity: sanityResults };
  } finally {
    await Promise.all([...running.map((s) => stopChild(s.child)), stopChild(loadgen)]);
  }
}
