/**
 * Fault-injection scenarios: corpus cases 55, 66, 67 (hostile key sets), 132–134 (revocation
 * store), 164–175 (key server faults and rotation), each run against one target bound to the
 * key-server process. Every scenario checks that requests fail closed with the SPEC answer
 * (401, or 503 + Retry-After when a dependency cannot answer), that nothing hangs (per-request
 * timeout), that nothing downstream ran — and that service comes back WITHOUT a restart once the
 * dependency returns. Time-based windows (cooldown 30 s, cache max age 10 min, stale grace 1 h —
 * the library defaults) are crossed by moving the target's clock.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { allowed, deny, either, invalidToken, other, ANY_INVALID_TOKEN } from '../corpus/expect.js';
import type { Expectation } from '../corpus/types.js';
import { orgSubjectKey } from '../../apps/orders-api/src/revocation/org-scoped-revocation-store.js';
import { PRINCIPALS } from '../corpus/world.js';
import type { PrincipalName, World } from '../corpus/world.js';
import type { AttackerListener } from '../runner/attacker-listener.js';
import { send } from '../runner/http-client.js';
import type { HttpResult } from '../runner/http-client.js';
import { checkAnswer, findLeaks } from '../runner/run-case.js';
import type { FaultyRevocationStore } from '../targets/faulty-revocation-store.js';
import type { TargetHandle, TargetName } from '../targets/target-handle.js';
import type { CustomKeyName, KeyServer } from './key-server.js';
import type { RedisProcess } from './redis-process.js';
import type { TargetClock } from './target-clock.js';

/** Library defaults the scenarios step over (RemoteJwksOptions). */
export const COOLDOWN_S = 30;
export const CACHE_MAX_AGE_S = 600;
export const MAX_STALE_S = 3600;

/** Per-request timeout in fault tests: below the key server's 10 s "slow" delay. */
const TIMEOUT_MS = 8_000;

/** One target under fault injection. */
export interface FaultTarget {
  readonly name: TargetName;
  readonly world: World;
  readonly clock: TargetClock;
  /** The running target (after `start`). */
  handle?: TargetHandle;
  /** Starts (or returns) the target bound to the key server. */
  start(): Promise<TargetHandle>;
  /** SPEC targets: the revocation store's fault switch (set by `start`). */
  revocationFault?: FaultyRevocationStore;
  /** Orders API: a second instance on Redis, with its Redis process and key prefix. */
  readonly redis?: { readonly process: RedisProcess; readonly target: TargetHandle; readonly prefix: string };
}

/** Shared fault-test environment. */
export interface FaultEnv {
  readonly keyServer: KeyServer;
  readonly attacker: AttackerListener;
}

const KEYS_UNAVAILABLE = deny('ERR_KEYS_UNAVAILABLE');
const OK = allowed();

/** Sends requests to one target and collects failures. */
class Probe {
  readonly failures: string[] = [];
  readonly secrets = new Set<string>();

  constructor(
    readonly target: FaultTarget,
    readonly env: FaultEnv,
    private readonly handleOverride?: TargetHandle,
  ) {}

  get handle(): TargetHandle {
    const h = this.handleOverride ?? this.target.handle;
    if (!h) throw new Error(`${this.target.name} is not running`);
    return h;
  }

  /** A fresh token of the key server's issuer, timed on the target's clock. */
  async token(principal: PrincipalName = 'alice', overrides: Record<string, unknown> = {}, options: Record<string, unknown> = {}): Promise<string> {
    const token = await this.env.keyServer.token({ ...PRINCIPALS[principal], ...overrides }, this.target.clock.nowSeconds(), options);
    this.secrets.add(token);
    return token;
  }

  async custom(key: CustomKeyName): Promise<string> {
    const token = await this.env.keyServer.customToken(key, { ...PRINCIPALS.alice }, this.target.clock.nowSeconds());
    this.secrets.add(token);
    return token;
  }

  /** GET alice's order with a token and check the answer (with the NDR snapshot). */
  async get(label: string, token: string | undefined, expect: Expectation, path = this.target.world.order(this.target.world.orders.a1)): Promise<HttpResult> {
    const before = await this.handle.snapshot();
    const result = await send(this.handle.url, { method: 'GET', path, headers: token ? [['Authorization', `Bearer ${token}`]] : [] }, { timeoutMs: TIMEOUT_MS });
    const after = await this.handle.snapshot();
    this.failures.push(...checkAnswer(label, expect, result, this.target.world.challenge, before, after));
    return result;
  }

  /** Repeats a fresh-token GET until it passes (bounded): reconnects and restarts take a moment. */
  async eventually(label: string, expect: Expectation, withinMs = 15_000): Promise<void> {
    const until = Date.now() + withinMs;
    let last: string[];
    for (;;) {
      const token = await this.token();
      const before = await this.handle.snapshot();
      const result = await send(this.handle.url, { method: 'GET', path: this.target.world.order(this.target.world.orders.a1), headers: [['Authorization', `Bearer ${token}`]] }, { timeoutMs: TIMEOUT_MS });
      const after = await this.handle.snapshot();
      last = checkAnswer(label, expect, result, this.target.world.challenge, before, after);
      if (last.length === 0) return;
      if (Date.now() > until) {
        this.failures.push(...last.map((f) => `${f} (still after ${withinMs} ms)`));
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  fail(message: string): void {
    this.failures.push(message);
  }

  /** Failures plus leaked tokens. */
  done(): string[] {
    return [...this.failures, ...findLeaks(this.handle.logText(), this.secrets)];
  }
}

/** Restores the key server and lets the target refresh: after it, a fresh token must get 200. */
async function recover(p: Probe, advanceSeconds = CACHE_MAX_AGE_S + 1): Promise<void> {
  await p.env.keyServer.reset();
  p.target.clock.advance(advanceSeconds);
  await p.get('recovered without a restart', await p.token(), OK);
}

/** A scenario: returns failures (empty = passed). */
export type FaultScenario = (target: FaultTarget, env: FaultEnv) => Promise<string[]>;

const healthy = other([200], { downstream: 'any' });

/** Key-set variant cases (55, 66, 67, 169, 170, 173): serve the variant, let the cache expire, send the tokens. */
async function keySetVariant(
  p: Probe,
  variant: Parameters<KeyServer['keySet']>[0],
  tokens: Array<[string, () => Promise<string>, Expectation]>,
  cachedStillWorks = true,
): Promise<void> {
  await p.get('baseline', await p.token(), OK);
  await p.env.keyServer.keySet(variant);
  p.target.clock.advance(CACHE_MAX_AGE_S + 1);
  for (const [label, make, expect] of tokens) {
    const result = await p.get(label, await make(), expect);
    if (result.status >= 200 && result.status < 300) p.fail(`${label}: ALLOWED (${result.status})`);
  }
  if (cachedStillWorks) await p.get('issuer key still verifies', await p.token(), OK);
  await recover(p);
}

export const FAULT_SCENARIOS: Readonly<Record<number, FaultScenario>> = {
  /** 164: cold start with the key server refusing connections. */
  164: async (target, env) => {
    await env.keyServer.stop();
    await target.start();
    const p = new Probe(target, env);
    await p.get('cold start, key server down', await p.token(), KEYS_UNAVAILABLE);
    await p.get('still down', await p.token(), KEYS_UNAVAILABLE);
    await p.get('process healthy (/health)', undefined, healthy, '/health');
    await env.keyServer.start();
    target.clock.advance(COOLDOWN_S + 1);
    await p.get('key server back', await p.token(), OK);
    return p.done();
  },
  /** 165: key server down, cache fresh: cached kid 200, unknown kid 503 (not 401). */
  165: async (target, env) => {
    const p = new Probe(target, env);
    await p.get('cache warm', await p.token(), OK);
    await env.keyServer.stop();
    target.clock.advance(COOLDOWN_S + 1);
    await p.get('cached kid while down', await p.token(), OK);
    await p.get('unknown kid while down', await p.token('alice', {}, { kid: `unknown-${randomUUID()}` }), KEYS_UNAVAILABLE);
    await p.get('cached kid still', await p.token(), OK);
    await env.keyServer.start();
    target.clock.advance(COOLDOWN_S + 1);
    await p.get('unknown kid once back (a real 401)', await p.token('alice', {}, { kid: `unknown-${randomUUID()}` }), invalidToken('ERR_KEY_NOT_FOUND'));
    await recover(p, 0);
    return p.done();
  },
  /** 166: key server down, cache past cacheMaxAge: bounded grace (maxStale 1 h), then 503. */
  166: async (target, env) => {
    const p = new Probe(target, env);
    await p.get('cache warm', await p.token(), OK);
    await env.keyServer.stop();
    target.clock.advance(CACHE_MAX_AGE_S + 1);
    await p.get('past cacheMaxAge, within the documented 1 h grace', await p.token(), OK);
    target.clock.advance(MAX_STALE_S);
    await p.get('past cacheMaxAge + maxStale', await p.token(), KEYS_UNAVAILABLE);
    await env.keyServer.start();
    target.clock.advance(COOLDOWN_S + 1);
    await p.get('key server back', await p.token(), OK);
    return p.done();
  },
  /** 167: key server answers after 10 s; 50 concurrent requests; one upstream fetch. */
  167: async (target, env) => {
    const p = new Probe(target, env);
    await p.get('cache warm', await p.token(), OK);
    await env.keyServer.mode('slow', { delayMs: 10_000 });
    target.clock.advance(CACHE_MAX_AGE_S + MAX_STALE_S + 1);
    const before = await env.keyServer.fetchCount();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => p.token()));
    const results = await Promise.all(
      tokens.map((t) => send(p.handle.url, { method: 'GET', path: target.world.order(target.world.orders.a1), headers: [['Authorization', `Bearer ${t}`]] }, { timeoutMs: TIMEOUT_MS })),
    );
    const problems = new Map<string, number>();
    for (const r of results) for (const f of checkAnswer('concurrent request', KEYS_UNAVAILABLE, r, target.world.challenge, undefined, undefined)) problems.set(f, (problems.get(f) ?? 0) + 1);
    for (const [f, n] of problems) p.fail(`${f} (×${n})`);
    const fetches = (await env.keyServer.fetchCount()) - before;
    if (fetches !== 1) p.fail(`${fetches} upstream key-set fetches for 50 concurrent requests (single flight: exactly 1)`);
    await recover(p, COOLDOWN_S + 1);
    return p.done();
  },
  /** 168: 200 text/html: 503 when keys are needed; cached keys are not replaced. */
  168: async (target, env) => {
    const p = new Probe(target, env);
    await p.get('cache warm', await p.token(), OK);
    await env.keyServer.mode('garbage');
    target.clock.advance(CACHE_MAX_AGE_S + 1);
    await p.get('cached kid (keys not replaced by garbage)', await p.token(), OK);
    await p.get('unknown kid', await p.token('alice', {}, { kid: `unknown-${randomUUID()}` }), KEYS_UNAVAILABLE);
    target.clock.advance(MAX_STALE_S);
    await p.get('no usable key set left', await p.token(), KEYS_UNAVAILABLE);
    await recover(p, COOLDOWN_S + 1);
    return p.done();
  },
  /** 169: an `oct` member + an HS256 token signed with its secret: never 200. */
  169: async (target, env) => {
    const p = new Probe(target, env);
    await keySetVariant(p, 'oct', [['HS256 signed with the oct secret', () => p.custom('oct'), either(invalidToken(...ANY_INVALID_TOKEN), KEYS_UNAVAILABLE)]]);
    return p.done();
  },
  /** 170: a private JWK (has `d`) in the key set: set rejected → 503 for its kid. */
  170: async (target, env) => {
    const p = new Probe(target, env);
    await keySetVariant(p, 'private', [['token of the private member', () => p.custom('private'), KEYS_UNAVAILABLE]]);
    return p.done();
  },
  /** 171: 302 to the attacker: not followed, 503. */
  171: async (target, env) => {
    const p = new Probe(target, env);
    await p.get('cache warm', await p.token(), OK);
    const hits = env.attacker.hits();
    await env.keyServer.mode('redirect', { location: `${env.attacker.url}/jwks` });
    target.clock.advance(CACHE_MAX_AGE_S + MAX_STALE_S + 1);
    await p.get('key set redirected', await p.token(), KEYS_UNAVAILABLE);
    if (env.attacker.hits() !== hits) p.fail('the redirect was followed to the attacker');
    await recover(p, COOLDOWN_S + 1);
    return p.done();
  },
  /** 172: 50 MB key-set body: aborted at the size cap, 503, memory bounded. */
  172: async (target, env) => {
    const p = new Probe(target, env);
    await p.get('cache warm', await p.token(), OK);
    await env.keyServer.mode('huge', { bytes: 50 * 1024 * 1024 });
    target.clock.advance(CACHE_MAX_AGE_S + MAX_STALE_S + 1);
    const rss = process.memoryUsage().rss;
    await p.get('50 MB key set', await p.token(), KEYS_UNAVAILABLE);
    const grown = (process.memoryUsage().rss - rss) / 1024 / 1024;
    if (grown > 40) p.fail(`RSS grew by ${grown.toFixed(1)} MB while refusing a 50 MB key set (cap is 512 KiB)`);
    await recover(p, COOLDOWN_S + 1);
    return p.done();
  },
  /** 173: two different keys with the same kid: key set rejected (policy), never 200. */
  173: async (target, env) => {
    const p = new Probe(target, env);
    await keySetVariant(p, 'dup-kid', [['token of a duplicated kid', () => p.custom('dup-kid'), KEYS_UNAVAILABLE]]);
    return p.done();
  },
  /** 174: a new key is picked up without restart: one refetch, then 200. */
  174: async (target, env) => {
    const p = new Probe(target, env);
    await p.get('cache warm', await p.token(), OK);
    const kid = await env.keyServer.addKey('ES256');
    target.clock.advance(COOLDOWN_S + 1);
    const before = await env.keyServer.fetchCount();
    await p.get(`first token of the new key ${kid}`, await p.token('alice', {}, { kid }), OK);
    await p.get('second token of the new key', await p.token('alice', {}, { kid }), OK);
    const fetches = (await env.keyServer.fetchCount()) - before;
    if (fetches !== 1) p.fail(`${fetches} key-set fetches to pick up the new key (expected exactly 1)`);
    return p.done();
  },
  /** 175: a removed key stops verifying after the cache refresh, and at once after a reload. */
  175: async (target, env) => {
    const p = new Probe(target, env);
    const ks = env.keyServer;
    const kid = await ks.addKey('ES256');
    target.clock.advance(COOLDOWN_S + 1);
    // A long-lived token (1 h) verified while the key is published: it is in the verified-token cache.
    const early = await p.token('alice', { exp: target.clock.nowSeconds() + 3600 }, { kid });
    await p.get('token of the key while published', early, OK);
    await ks.removeKey(kid);
    target.clock.advance(CACHE_MAX_AGE_S + 1);
    await p.get('fresh token of the removed key, after the cache refresh', await p.token('alice', {}, { kid }), invalidToken('ERR_KEY_NOT_FOUND'));
    await p.get('earlier-verified token of the removed key, after the cache refresh', early, invalidToken('ERR_KEY_NOT_FOUND'));
    // Admin-triggered reload: immediate.
    const kid2 = await ks.addKey('ES256');
    target.clock.advance(COOLDOWN_S + 1);
    const early2 = await p.token('alice', { exp: target.clock.nowSeconds() + 3600 }, { kid: kid2 });
    await p.get('token of a second key while published', early2, OK);
    await ks.removeKey(kid2);
    await p.handle.reloadKeys();
    await p.get('fresh token of the removed key, right after reloadKeys()', await p.token('alice', {}, { kid: kid2 }), invalidToken('ERR_KEY_NOT_FOUND'));
    await p.get('earlier-verified token of the removed key, right after reloadKeys()', early2, invalidToken('ERR_KEY_NOT_FOUND'));
    await p.get('current key still works', await p.token(), OK);
    return p.done();
  },
  /** 55: a 1024-bit RSA key in the set: its tokens are refused. */
  55: async (target, env) => {
    const p = new Probe(target, env);
    await keySetVariant(p, 'weak-rsa', [['RS256 by the 1024-bit key', () => p.custom('weak-rsa'), either(invalidToken('ERR_KEY_NOT_FOUND', 'ERR_SIGNATURE_INVALID'), KEYS_UNAVAILABLE)]]);
    return p.done();
  },
  /** 66: keys restricted to encryption: refused for verification. */
  66: async (target, env) => {
    const p = new Probe(target, env);
    const refused = either(invalidToken('ERR_KEY_NOT_FOUND', 'ERR_SIGNATURE_INVALID'), KEYS_UNAVAILABLE);
    await keySetVariant(p, 'enc-use', [
      ['kid with "use":"enc"', () => p.custom('enc-use'), refused],
      ['kid with "key_ops":["encrypt"]', () => p.custom('key-ops'), refused],
    ]);
    return p.done();
  },
  /** 67: three ES256 keys, no kid in the token: policy requires a kid when the set has several keys. */
  67: async (target, env) => {
    const p = new Probe(target, env);
    await keySetVariant(p, 'three-es256', [['token without kid', () => p.custom('no-kid'), invalidToken('ERR_KEY_NOT_FOUND', 'ERR_MALFORMED_TOKEN')]], false);
    return p.done();
  },
  /** 132: revocation store down: 503 + Retry-After, then recovery. */
  132: (target, env) => revocationFault(target, env, 'throw'),
  /** 133: revocation store hangs: 503 within the budget (revocationTimeout 1 s), then recovery. */
  133: (target, env) => revocationFault(target, env, 'hang'),
  /** 134: revocation store answers garbage: 503 (unknown ≠ not revoked), then recovery. */
  134: (target, env) => revocationFault(target, env, 'malformed'),
};

/** The orders API's Redis-backed store fails before Portcullis's own throttler does, or after: both 503. */
const REVOCATION_503 = either(deny('ERR_REVOCATION_UNAVAILABLE'), other([503], { check: (r) => (/^\d+$/.test(r.headers['retry-after'] ?? '') ? undefined : '503 without a numeric Retry-After') }));

async function revocationFault(target: FaultTarget, env: FaultEnv, mode: 'throw' | 'hang' | 'malformed'): Promise<string[]> {
  if (target.revocationFault) {
    const p = new Probe(target, env);
    await p.get('store healthy', await p.token(), OK);
    target.revocationFault.mode = mode;
    try {
      await p.get(`store ${mode}`, await p.token(), deny('ERR_REVOCATION_UNAVAILABLE'));
      await p.get(`store ${mode}, again`, await p.token(), deny('ERR_REVOCATION_UNAVAILABLE'));
    } finally {
      target.revocationFault.heal();
    }
    await p.get('store back, no restart', await p.token(), OK);
    return p.done();
  }
  const redis = target.redis;
  if (!redis) return ['no revocation fault switch for this target'];
  const p = new Probe(target, env, redis.target);
  await p.eventually('Redis healthy', OK);
  if (mode === 'throw') {
    await redis.process.stop();
    try {
      await p.get('Redis stopped (connection refused)', await p.token(), REVOCATION_503);
    } finally {
      await redis.process.start();
    }
  } else if (mode === 'hang') {
    redis.process.pause();
    try {
      await p.get('Redis frozen (SIGSTOP)', await p.token(), REVOCATION_503);
    } finally {
      redis.process.resume();
    }
  } else {
    const client = new Redis(redis.process.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      // Where the orders API looks alice's subject revocation up (scoped by her org).
      const key = `${redis.prefix}revoked:sub:${orgSubjectKey(PRINCIPALS.alice.org_id, PRINCIPALS.alice.sub)}`;
      await client.set(key, 'not-a-number', 'PX', 60_000);
      await p.get('malformed revocation entry', await p.token(), deny('ERR_REVOCATION_UNAVAILABLE'));
      await client.del(key);
    } finally {
      client.disconnect();
    }
  }
  await p.eventually('Redis back, no restart', OK);
  return p.done();
}
