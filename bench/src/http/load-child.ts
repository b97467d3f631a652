// Child process: the load generator (autocannon), pinned to the other core than the servers.
// Long-lived: one `run` message per measurement, answered with `done`.
import autocannon from 'autocannon';
import type { Request, Result } from 'autocannon';
import type { EventEmitter } from 'node:events';
import { reportFailures, tell } from '../lib/child.js';
import type { ChildMessage } from '../lib/child.js';
import { readPool } from '../lib/pool.js';
import type { Scenario } from './variants.js';

export interface LoadRun extends ChildMessage {
  readonly type: 'run';
  readonly url: string;
  readonly scenario: Scenario;
  readonly connections: number;
  readonly warmupS: number;
  readonly durationS: number;
}

export interface LoadResult {
  /** Successful (2xx) responses per second over the measured window. */
  readonly rps: number;
  /** Latency percentiles in milliseconds. */
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly requests: number;
  /** Every response of the run, warm-up included (pairs with the server's CPU time over the whole run). */
  readonly allResponses: number;
  /** CPU the load generator itself used, % of one core: near 100 means the generator, not the server, was the limit. */
  readonly loadgenCpu: number;
}

reportFailures('loadgen');
const pool = readPool(process.env['BENCH_POOL'] ?? '');
const distinct = pool.tokens.RS256.map((token) => `Bearer ${token}`);
const repeated = distinct[0]!;
// One rotation over all connections: consecutive requests carry consecutive tokens.
let next = 0;

function options(run: LoadRun, seconds: number): autocannon.Options {
  const common = { url: run.url, connections: run.connections, pipelining: 1, duration: seconds };
  if (run.scenario === 'repeated') {
    return { ...common, headers: { authorization: repeated }, requests: [{ method: 'GET', path: '/orders' }] };
  }
  return {
    ...common,
    requests: [
      {
        method: 'GET',
        path: '/orders',
        setupRequest: (request: Request) => {
          request.headers = { ...request.headers, authorization: distinct[next++ % distinct.length]! };
          return request;
        },
      },
    ],
  };
}

/** Value at quantile `q` (0–1) of an ascending list. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * One autocannon run of warm-up + measurement (one start, one set of connections): responses in
 * the warm-up are ignored, rate and latencies come from the responses of the measured window.
 */
async function measure(run: LoadRun): Promise<LoadResult> {
  const total = run.warmupS + run.durationS;
  const warmupEnds = performance.now() + run.warmupS * 1000;
  let measuring = false;
  let windowStart = 0;
  let cpuBefore = process.cpuUsage();
  let ok = 0;
  let non2xx = 0;
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let all = 0;
  // The returned object is both the run's EventEmitter and a promise of its result.
  const instance = autocannon(options(run, total)) as unknown as EventEmitter & PromiseLike<Result>;
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    all++;
    if (!measuring) {
      if (performance.now() < warmupEnds) return;
      measuring = true;
      windowStart = performance.now();
      cpuBefore = process.cpuUsage();
    }
    if (statusCode >= 200 && statusCode < 300) ok++;
    else non2xx++;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  });
  const result = await instance;
  const windowMs = performance.now() - windowStart;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = latencies.subarray(0, count).sort();
  return {
    rps: measuring ? (ok * 1000) / windowMs : 0,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    requests: ok + non2xx,
    allResponses: all,
    loadgenCpu: ((cpu.user + cpu.system) / 1000 / windowMs) * 100,
  };
}

process.on('message', (message: LoadRun) => {
  if (message.type !== 'run') return;
  measure(message).then(
    (result) => tell({ type: 'done', result }),
    (error: unknown) => tell({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
tell({ type: 'ready' });
