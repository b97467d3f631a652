// Child process: the load generator (autocannon), pinned to the other core than the servers.
// Long-lived: one `run` message per measurement, answered with `done`.
import autocannon from 'autocannon';
import type { Request } from 'autocannon';
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

async function measure(run: LoadRun): Promise<LoadResult> {
  if (run.warmupS > 0) await autocannon(options(run, run.warmupS));
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await autocannon(options(run, run.durationS));
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - wallBefore;
  const ok = result['2xx'];
  return {
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    requests: result.requests.total,
    loadgenCpu: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
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
