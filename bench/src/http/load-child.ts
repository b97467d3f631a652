// Child process: the load generator (autocannon), pinned to the other core than the servers.
// Long-lived: one `run` message per measurement, answered with `done`.
import autocannon from 'autocannon';
import type { Request, Result } from 'autocannon';
import type { EventEmitter } from 'node:events';
import { Agent, request as httpRequest } from 'node:http';
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
  /** Requests per second for all connections together; absent: as fast as the server answers. */
  readonly rate?: number;
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

/**
 * A paced run: requests sent at evenly spaced instants (every millisecond, the share of `rate`
 * due by then) over keep-alive connections, whatever the answers' speed. autocannon's rate option
 * sends each second's quota in a burst, which saturates the server for part of every second.
 */
async function measurePaced(run: LoadRun & { rate: number }): Promise<LoadResult> {
  const target = new URL(run.url);
  const agent = new Agent({ keepAlive: true, maxSockets: run.connections });
  const started = performance.now();
  const warmupEnds = started + run.warmupS * 1000;
  const ends = warmupEnds + run.durationS * 1000;
  let cpuBefore = process.cpuUsage();
  let measuredFrom = 0;
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let all = 0;
  const latencies: number[] = [];
  let inFlight = 0;
  let settle: () => void = () => undefined;
  const drained = new Promise<void>((resolve) => (settle = resolve));
  const fire = (): void => {
    const at = performance.now();
    const authorization = run.scenario === 'repeated' ? repeated : distinct[next++ % distinct.length]!;
    inFlight++;
    const done = (status: number | undefined): void => {
      inFlight--;
      all++;
      const now = performance.now();
      if (at >= warmupEnds && now <= ends) {
        if (status === undefined) errors++;
        else if (status >= 200 && status < 300) ok++;
        else non2xx++;
        latencies.push(now - at);
      }
      if (now > ends && inFlight === 0) settle();
    };
    const req = httpRequest(
      { agent, host: target.hostname, port: target.port, path: '/orders', headers: { authorization } },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode));
        res.on('error', () => done(undefined));
      },
    );
    req.on('error', () => done(undefined));
    req.end();
  };
  const timer = setInterval(() => {
    const now = performance.now();
    if (now > ends) {
      clearInterval(timer);
      if (inFlight === 0) settle();
      return;
    }
    if (measuredFrom === 0 && now >= warmupEnds) {
      measuredFrom = now;
      cpuBefore = process.cpuUsage();
    }
    const due = Math.floor(((now - started) / 1000) * run.rate);
    while (sent < due) {
      sent++;
      fire();
    }
  }, 1);
  await drained;
  agent.destroy();
  const windowMs = ends - (measuredFrom || warmupEnds);
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: (ok * 1000) / windowMs,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    non2xx,
    errors,
    timeouts: 0,
    requests: ok + non2xx,
    allResponses: all,
    loadgenCpu: ((cpu.user + cpu.system) / 1000 / windowMs) * 100,
  };
}

process.on('message', (message: LoadRun) => {
  if (message.type !== 'run') return;
  (message.rate === undefined ? measure(message) : measurePaced({ ...message, rate: message.rate })).then(
    (result) => tell({ type: 'done', result }),
    (error: unknown) => tell({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
tell({ type: 'ready' });
