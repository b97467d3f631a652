/**
 * Soak: SOAK_SECONDS (default 600) of mixed valid and hostile traffic against the orders API,
 * started as its own process from its build (`node apps/orders-api/dist/main.js`, configured only
 * by env: DATABASE_URL=memory://, AUTH_ISSUER = the local test issuer) on 127.0.0.1, at a bounded
 * rate (SOAK_RATE requests/s, default 100, at most 32 in flight).
 *
 * Every request has an expected answer; anything else — another status, a 5xx, a timeout, a reset —
 * is an unexpected error, and there must be none. The server's RSS is sampled every 10 s from
 * /proc; start, end and a least-squares slope (after a 60 s warm-up) are reported. The server's
 * log stream is scanned for every token sent. Results: long-runs/soak.json and LONG-RUNS.md.
 *
 * Run with `npm run soak -w @portcullis/conformance` (builds the orders API first).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { PRINCIPALS, seedOrderId } from '../corpus/world.js';
import type { PrincipalName } from '../corpus/world.js';
import { applyMutation } from '../fuzz/mutations.js';
import { send } from '../runner/http-client.js';
import type { HttpResult } from '../runner/http-client.js';
import { saveLongRun } from '../runner/long-runs.js';

const SECONDS = Number(process.env['SOAK_SECONDS'] ?? 600);
const RATE = Number(process.env['SOAK_RATE'] ?? 100);
const MAX_IN_FLIGHT = 32;
const WARM_UP_S = Math.min(60, Math.floor(SECONDS / 5));
const MAIN = fileURLToPath(new URL('../../apps/orders-api/dist/main.js', import.meta.url));

interface Planned {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Array<[string, string]>;
  readonly body?: string;
  /** Acceptable statuses; a transport reset is acceptable only when `resetOk`. */
  readonly expect: readonly number[];
  readonly resetOk?: boolean;
}

/** Reads VmRSS of a process in MiB. */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Minimum and maximum RSS per window of `seconds` (the GC sawtooth hides or fakes trends in single samples). */
function windows(samples: ReadonlyArray<readonly [number, number]>, seconds: number): Array<{ from: number; min: number; max: number }> {
  const out: Array<{ from: number; min: number; max: number }> = [];
  for (const [t, y] of samples) {
    const from = Math.floor(t / seconds) * seconds;
    const w = out.find((x) => x.from === from);
    if (w) {
      w.min = Math.min(w.min, y);
      w.max = Math.max(w.max, y);
    } else out.push({ from, min: y, max: y });
  }
  return out;
}

/** Least-squares slope of (t seconds, y) in y-units per minute. */
function slopePerMinute(samples: ReadonlyArray<readonly [number, number]>): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, [x]) => s + x, 0) / n;
  const my = samples.reduce((s, [, y]) => s + y, 0) / n;
  const num = samples.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = samples.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60;
}

/** The traffic mix: weights and how each request is built. */
function mix(issuer: TestIssuer, tokens: () => Record<PrincipalName, string>): Array<[number, () => Promise<Planned>]> {
  const alice1 = seedOrderId('alice', 1);
  const bob1 = seedOrderId('bob', 1);
  const bearer = (t: string): [string, string] => ['Authorization', `Bearer ${t}`];
  const fresh = (p: PrincipalName, extra: Record<string, unknown> = {}) => issuer.token({ ...PRINCIPALS[p], ...extra });
  const body = JSON.stringify({ items: [{ sku: 'SOAK-1', qty: 1, priceCents: 100 }] });
  return [
    // Valid traffic (cached and fresh tokens).
    [14, async () => ({ name: 'own order (cached token)', method: 'GET', path: `/orders/${alice1}`, headers: [bearer(tokens().alice)], expect: [200] })],
    [8, async () => ({ name: 'own order (fresh token)', method: 'GET', path: `/orders/${alice1}`, headers: [bearer(await fresh('alice'))], expect: [200] })],
    [8, async () => ({ name: 'list (customer)', method: 'GET', path: '/orders?limit=5', headers: [bearer(tokens().bob)], expect: [200] })],
    [5, async () => ({ name: 'list (support)', method: 'GET', path: '/orders?limit=5', headers: [bearer(tokens().sam)], expect: [200] })],
    [4, async () => ({ name: "support reads bob's order", method: 'GET', path: `/orders/${bob1}`, headers: [bearer(tokens().sam)], expect: [200] })],
    [4, async () => ({ name: 'create order', method: 'POST', path: '/orders', headers: [bearer(tokens().carol), ['Content-Type', 'application/json']], body, expect: [201] })],
    [3, async () => ({ name: 'health', method: 'GET', path: '/health', headers: [], expect: [200] })],
    // Authorization denials.
    [6, async () => ({ name: "BOLA: alice reads bob's order", method: 'GET', path: `/orders/${bob1}`, headers: [bearer(tokens().alice)], expect: [404] })],
    [4, async () => ({ name: 'cross-tenant read', method: 'GET', path: `/orders/${alice1}`, headers: [bearer(tokens().carol)], expect: [404] })],
    [4, async () => ({ name: 'read-only delete', method: 'DELETE', path: `/orders/${alice1}`, headers: [bearer(tokens().aliceRead)], expect: [403] })],
    [3, async () => ({ name: 'customer on admin function', method: 'POST', path: '/admin/users/mallory/revoke-tokens', headers: [bearer(tokens().alice)], expect: [403] })],
    [3, async () => ({ name: 'machine client on user route', method: 'GET', path: '/orders', headers: [bearer(tokens().svc)], expect: [403] })],
    // Hostile tokens and requests.
    [5, async () => ({ name: 'no token', method: 'GET', path: `/orders/${alice1}`, headers: [], expect: [401] })],
    [8, async () => {
      const base = await fresh('alice');
      const mutated = applyMutation(base, { op: 'bitflip', segment: (Math.floor(Math.random() * 3) as 0 | 1 | 2), byte: Math.floor(Math.random() * 200), bit: Math.floor(Math.random() * 8) }) ?? `${base}x`;
      return { name: 'bit-flipped token', method: 'GET', path: `/orders/${alice1}`, headers: [bearer(mutated)], expect: [400, 401] };
    }],
    [3, async () => ({ name: 'alg none', method: 'GET', path: `/orders/${alice1}`, headers: [bearer(await issuer.badToken('alg-none', { ...PRINCIPALS.alice }))], expect: [401] })],
    [3, async () => ({ name: 'expired', method: 'GET', path: `/orders/${alice1}`, headers: [bearer(await issuer.badToken('expired', { ...PRINCIPALS.alice }))], expect: [401] })],
    [3, async () => ({ name: 'wrong audience', method: 'GET', path: `/orders/${alice1}`, headers: [bearer(await issuer.badToken('wrong-audience', { ...PRINCIPALS.alice }))], expect: [401] })],
    [3, async () => ({ name: 'random kid', method: 'GET', path: `/orders/${alice1}`, headers: [bearer(await issuer.token({ ...PRINCIPALS.alice }, { kid: randomUUID() }))], expect: [401] })],
    [3, async () => ({ name: 'HS/RS confusion', method: 'GET', path: `/orders/${alice1}`, headers: [bearer(await issuer.badToken('hs-rs-confusion', { ...PRINCIPALS.alice }))], expect: [401] })],
    [2, async () => ({ name: 'duplicate Authorization', method: 'GET', path: `/orders/${alice1}`, headers: [bearer(tokens().bob), bearer(tokens().alice)], expect: [400] })],
    [2, async () => ({ name: 'token in query', method: 'GET', path: `/orders/${alice1}?access_token=${tokens().alice}`, headers: [], expect: [400] })],
    [1, async () => ({ name: '20 KiB header', method: 'GET', path: `/orders/${alice1}`, headers: [['Authorization', `Bearer ${'A'.repeat(20 * 1024)}`]], expect: [431], resetOk: true })],
    [2, async () => ({ name: 'odd body', method: 'POST', path: '/orders', headers: [bearer(tokens().carol), ['Content-Type', 'application/json']], body: '{"items":[{"sku":1}],"ownerId":"bob"}', expect: [400] })],
    // Logout then reuse: the revocation store grows only until the tokens expire.
    [2, async () => {
      const t = await fresh('erin');
      const r = await send(currentUrl, { method: 'POST', path: '/sessions/logout', headers: [bearer(t)] }, { timeoutMs: 10_000 });
      if (r.status !== 204) throw new Error(`logout answered ${r.status}`);
      return { name: 'revoked token reused', method: 'GET', path: '/orders', headers: [bearer(t)], expect: [401] };
    }],
  ];
}

let currentUrl = '';

it(`soak: ${SECONDS} s of mixed traffic at ${RATE} req/s against the orders API process`, async () => {
  if (!existsSync(MAIN)) throw new Error(`build the orders API first (npm run soak does): ${MAIN} is missing`);
  const issuer = await createTestIssuer();
  const sentSignatures = new Set<string>();
  const leaks: string[] = [];
  let logLines = 0;
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      HOST: '127.0.0.1',
      PORT: '0',
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      DATABASE_URL: 'memory://',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_BURST: '1000000',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-10_000);
  });
  let partial = '';
  const jwtLike = /[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.([A-Za-z0-9_-]{20,})/g;
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the orders API did not start: ${stderr}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        logLines++;
        for (const m of line.matchAll(jwtLike)) if (sentSignatures.has(m[1]!)) leaks.push(line.slice(0, 200));
        const url = /orders-api listening on (http:\/\/[^"\s]+)/.exec(line)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url.replace('localhost', '127.0.0.1'));
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`the orders API exited (${code}): ${stderr}`)));
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  try {
    currentUrl = await ready;
    const pid = child.pid!;
    // Long-lived tokens of each principal, renewed every minute (cache hits), plus fresh ones per request.
    let cached = {} as Record<PrincipalName, string>;
    const renew = async () => {
      const next = {} as Record<PrincipalName, string>;
      for (const p of Object.keys(PRINCIPALS) as PrincipalName[]) next[p] = await issuer.token({ ...PRINCIPALS[p] });
      cached = next;
    };
    await renew();
    const weighted = mix(issuer, () => cached);
    const total = weighted.reduce((s, [w]) => s + w, 0);
    const pick = () => {
      let r = Math.random() * total;
      for (const [w, make] of weighted) {
        r -= w;
        if (r < 0) return make;
      }
      return weighted[0]![1];
    };

    const started = Date.now();
    const samples: Array<[number, number]> = [];
    const rssStart = rssMiB(pid);
    samples.push([0, rssStart]);
    const perName = new Map<string, { sent: number; unexpected: number }>();
    const unexpected: string[] = [];
    let sent = 0;
    let inFlight = 0;
    let maxLatency = 0;
    const latencies: number[] = [];
    let lastRenew = Date.now();
    let lastProgress = Date.now();

    const fire = async (make: () => Promise<Planned>) => {
      inFlight++;
      try {
        const plan = await make();
        for (const [, v] of plan.headers) {
          const sig = /\.([A-Za-z0-9_-]{20,})$/.exec(v)?.[1];
          if (sig) sentSignatures.add(sig);
        }
        const r: HttpResult = await send(currentUrl, { method: plan.method, path: plan.path, headers: plan.headers, ...(plan.body ? { body: plan.body } : {}) }, { timeoutMs: 10_000, agent });
        const stat = perName.get(plan.name) ?? { sent: 0, unexpected: 0 };
        stat.sent++;
        perName.set(plan.name, stat);
        latencies.push(r.ms);
        maxLatency = Math.max(maxLatency, r.ms);
        const ok = r.error === undefined ? plan.expect.includes(r.status) : plan.resetOk === true && /^(ECONNRESET|EPIPE)$/.test(r.error);
        if (!ok) {
          stat.unexpected++;
          if (unexpected.length < 50) unexpected.push(`${plan.name}: ${r.error ?? r.status} ${r.body.slice(0, 160)}`);
        }
      } catch (error) {
        if (unexpected.length < 50) unexpected.push(`request build failed: ${(error as Error).message}`);
        perName.set('(runner)', { sent: (perName.get('(runner)')?.sent ?? 0) + 1, unexpected: (perName.get('(runner)')?.unexpected ?? 0) + 1 });
      } finally {
        inFlight--;
      }
    };

    // Bounded rate: every 100 ms, RATE/10 requests (skipped when MAX_IN_FLIGHT are in flight).
    let skipped = 0;
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = (Date.now() - started) / 1000;
        if (elapsed >= SECONDS) {
          clearInterval(tick);
          resolve();
          return;
        }
        for (let i = 0; i < RATE / 10; i++) {
          if (inFlight >= MAX_IN_FLIGHT) {
            skipped++;
            continue;
          }
          sent++;
          void fire(pick());
        }
        if (Date.now() - lastRenew > 60_000) {
          lastRenew = Date.now();
          void renew();
        }
        if (Date.now() - lastProgress >= 10_000) {
          lastProgress = Date.now();
          const rss = rssMiB(pid);
          samples.push([elapsed, rss]);
          const bad = [...perName.values()].reduce((s, v) => s + v.unexpected, 0);
          process.stderr.write(`soak ${elapsed.toFixed(0)}/${SECONDS} s: ${sent} requests, ${bad} unexpected, server RSS ${rss.toFixed(1)} MiB\n`);
        }
      }, 100);
    });
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
    const rssEnd = rssMiB(pid);
    samples.push([(Date.now() - started) / 1000, rssEnd]);
    const steady = samples.filter(([t]) => t >= WARM_UP_S);
    const slope = slopePerMinute(steady);
    const unexpectedTotal = [...perName.values()].reduce((s, v) => s + v.unexpected, 0);
    latencies.sort((a, b) => a - b);
    const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    const rssAfterWarmUp = steady[0]?.[1] ?? rssStart;
    // Trend of the per-window floors and peaks after warm-up: a leak raises both.
    const perWindow = windows(steady, 180);
    const floorSlope = slopePerMinute(perWindow.map((w) => [w.from, w.min] as const));
    const peakSlope = slopePerMinute(perWindow.map((w) => [w.from, w.max] as const));
    const passed = unexpectedTotal === 0 && leaks.length === 0;
    const rows = [...perName].sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => `| ${name} | ${s.sent} | ${s.unexpected} |`);
    saveLongRun({
      // The standard 10-minute soak is `soak`; other durations get their own section.
      name: SECONDS === 600 ? 'soak' : `soak-${SECONDS}s`,
      title: `Soak — ${SECONDS} s of mixed traffic against the orders API process`,
      finishedAt: new Date().toISOString(),
      node: process.version,
      passed,
      markdown: [
        `The orders API ran as its own process (\`node apps/orders-api/dist/main.js\`, DATABASE_URL=memory://, AUTH_ISSUER = local test issuer, rate limit raised so it never answers 429) on 127.0.0.1. ` +
          `Traffic: ${RATE} requests/s scheduled (at most ${MAX_IN_FLIGHT} in flight; ${skipped} slots skipped while full), ${weighted.length} request kinds — valid reads, lists and creations (cached and fresh tokens), BOLA/tenant/scope/role denials, and hostile tokens and requests.`,
        '',
        `- requests: **${sent}**, unexpected answers (wrong status, 5xx, timeout, reset): **${unexpectedTotal}**`,
        `- tokens found in the server's log stream (${logLines} lines): **${leaks.length}**`,
        `- server RSS: start ${rssStart.toFixed(1)} MiB, after ${WARM_UP_S} s warm-up ${rssAfterWarmUp.toFixed(1)} MiB, end ${rssEnd.toFixed(1)} MiB; slope after warm-up ${slope.toFixed(2)} MiB/min (least squares over ${steady.length} samples, one per 10 s — sensitive to where the GC sawtooth ends)`,
        `- RSS per 3-minute window after warm-up (about one GC sawtooth period) (min–max MiB): ${perWindow.map((w) => `${w.from}s ${w.min.toFixed(0)}–${w.max.toFixed(0)}`).join(', ')}; trend of the floors **${floorSlope.toFixed(2)} MiB/min**, of the peaks **${peakSlope.toFixed(2)} MiB/min**`,
        `- latency (client side, loopback, reported not asserted): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${maxLatency} ms`,
        '',
        '| request kind | sent | unexpected |',
        '| --- | ---: | ---: |',
        ...rows,
        ...(unexpected.length ? ['', 'First unexpected answers:', '', ...unexpected.map((u) => `- ${u}`)] : []),
        ...(leaks.length ? ['', 'Log lines with a token:', '', ...leaks.slice(0, 5).map((l) => `- ${l}`)] : []),
        '',
        'RSS samples (s, MiB): ' + samples.map(([t, y]) => `${t.toFixed(0)}:${y.toFixed(1)}`).join(' '),
      ].join('\n'),
      data: { seconds: SECONDS, rate: RATE, sent, skipped, unexpected: unexpectedTotal, leaks: leaks.length, rssStart, rssAfterWarmUp, rssEnd, slopeMiBPerMin: slope, floorSlopeMiBPerMin: floorSlope, peakSlopeMiBPerMin: peakSlope, windows: perWindow, samples, perName: Object.fromEntries(perName), p50: pct(0.5), p99: pct(0.99), maxLatency },
    });
    process.stderr.write(`soak done: ${sent} requests, ${unexpectedTotal} unexpected, RSS ${rssStart.toFixed(1)} → ${rssEnd.toFixed(1)} MiB (slope ${slope.toFixed(2)} MiB/min)\n`);
    expect(unexpected).toEqual([]);
    expect(leaks).toEqual([]);
  } finally {
    agent.destroy();
    if (child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once('close', () => r()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await issuer.close();
  }
});
