// Remote key set behaviour against real HTTP servers on 127.0.0.1 (the test issuer's JWKS with
// fault injection, or a bare server for odd answers). Time is the issuer's frozen clock, passed
// as `now`, so max age, staleness and cooldown are stepped, never waited for.
// SPEC B4 (64, 66, 67), B12 (164–176).

import { afterEach, describe, expect, it } from '@jest/globals';
import { CompactSign, compactVerify, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey } from 'jose';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import type { PortcullisErrorCode } from '../../src/errors/portcullis-error.js';
import { createKeyResolver } from '../../src/jwks/create-key-resolver.js';
import type { KeyResolver } from '../../src/jwks/create-key-resolver.js';
import type { RemoteJwksOptions } from '../../src/token/verifier-options.js';
import { json, startKeySetServer } from './support/key-set-server.js';
import type { KeySetHandler, KeySetServer } from './support/key-set-server.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const COOLDOWN_S = 30;
const MAX_AGE_S = 600;
const MAX_STALE_S = 3600;

let issuer: TestIssuer | undefined;
let server: KeySetServer | undefined;

afterEach(async () => {
  await issuer?.close();
  await server?.close();
  issuer = undefined;
  server = undefined;
});

async function startIssuer(): Promise<TestIssuer> {
  issuer = await createTestIssuer({ algorithms: ['ES256', 'RS256'], now: T0 });
  return issuer;
}

function remoteResolver(from: TestIssuer, remoteJwks: RemoteJwksOptions = {}): KeyResolver {
  return createKeyResolver({
    ...from.verifierOptions(),
    remoteJwks: {
      timeout: 1000,
      cooldown: COOLDOWN_S * 1000,
      cacheMaxAge: MAX_AGE_S * 1000,
      maxStale: MAX_STALE_S * 1000,
      ...remoteJwks,
    },
  });
}

async function verify(resolver: KeyResolver, token: string): Promise<void> {
  await compactVerify(token, (header) => resolver.getKey(header));
}

async function failure(promise: Promise<unknown>): Promise<PortcullisError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PortcullisError) return error;
    throw error;
  }
  throw new Error('expected a PortcullisError, got success');
}

async function expectCode(promise: Promise<unknown>, code: PortcullisErrorCode): Promise<PortcullisError> {
  const error = await failure(promise);
  expect(error.code).toBe(code);
  return error;
}

async function getKey(resolver: KeyResolver, header: { alg: string; kid?: string }) {
  return resolver.getKey(header);
}

describe('remote key set: normal operation', () => {
  it('fetches once, verifies tokens of every published key and reports a fresh status', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    expect(resolver.symmetric).toBe(false);
    expect(resolver.status()).toEqual({ source: 'remote', state: 'unavailable', keyCount: 0 });

    await verify(resolver, await iss.token());
    await verify(resolver, await iss.token({}, { alg: 'RS256' }));
    await verify(resolver, await iss.token());

    expect(iss.jwksServer.fetchCount).toBe(1);
    expect(resolver.status()).toEqual({ source: 'remote', state: 'fresh', keyCount: 2, fetchedAt: T0 });
  });

  it('imports each key once per algorithm (the same CryptoKey is returned)', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    const first = await getKey(resolver, { alg: 'ES256', kid: 'es256-1' });
    const second = await getKey(resolver, { alg: 'ES256', kid: 'es256-1' });
    expect(second).toBe(first);
    // An RSA key without "alg" serves RS256 and PS256 as two different WebCrypto keys.
    const rs = await getKey(resolver, { alg: 'RS256', kid: 'rs256-1' });
    expect((rs as CryptoKey).algorithm.name).toBe('RSASSA-PKCS1-v1_5');
  });

  it('keeps imported keys across a refetch of an unchanged set', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    const before = await getKey(resolver, { alg: 'ES256', kid: 'es256-1' });
    iss.clock.advance(MAX_AGE_S + 1);
    const after = await getKey(resolver, { alg: 'ES256', kid: 'es256-1' });
    expect(iss.jwksServer.fetchCount).toBe(2);
    expect(after).toBe(before);
  });

  it('never serves a key of the set for HS256 or for an algorithm outside the allowlist', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    await getKey(resolver, { alg: 'RS256', kid: 'rs256-1' });
    await expectCode(getKey(resolver, { alg: 'HS256', kid: 'rs256-1' }), 'ERR_KEY_NOT_FOUND');
    await expectCode(getKey(resolver, { alg: 'none', kid: 'rs256-1' }), 'ERR_KEY_NOT_FOUND');
    const restricted = createKeyResolver({ ...iss.verifierOptions(), algorithms: ['ES256'] });
    await expectCode(getKey(restricted, { alg: 'RS256', kid: 'rs256-1' }), 'ERR_KEY_NOT_FOUND');
  });

  it('refuses a kid whose key type does not fit the token alg, without refetching', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    await getKey(resolver, { alg: 'ES256', kid: 'es256-1' });
    iss.clock.advance(COOLDOWN_S + 1);
    await expectCode(getKey(resolver, { alg: 'RS256', kid: 'es256-1' }), 'ERR_KEY_NOT_FOUND');
    await expectCode(getKey(resolver, { alg: 'ES384', kid: 'es256-1' }), 'ERR_KEY_NOT_FOUND');
    expect(iss.jwksServer.fetchCount).toBe(1);
  });

  it('68/65: a non-string or oversized kid is refused before any fetch', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    await expectCode(getKey(resolver, { alg: 'ES256', kid: 123 as unknown as string }), 'ERR_KEY_NOT_FOUND');
    await expectCode(getKey(resolver, { alg: 'ES256', kid: ['es256-1'] as unknown as string }), 'ERR_KEY_NOT_FOUND');
    await expectCode(getKey(resolver, { alg: 'ES256', kid: 'x'.repeat(10_000) }), 'ERR_KEY_NOT_FOUND');
    expect(iss.jwksServer.fetchCount).toBe(0);
  });

  it('67: a token without kid uses the only key of its alg; with several candidates it is refused', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    const noKid = await iss.token({}, { header: { kid: undefined } });
    expect(JSON.parse(Buffer.from(noKid.split('.')[0]!, 'base64url').toString())).not.toHaveProperty('kid');
    await verify(resolver, noKid);

    await iss.addKey('ES256');
    iss.clock.advance(MAX_AGE_S + 1);
    const error = await expectCode(verify(resolver, noKid), 'ERR_KEY_NOT_FOUND');
    expect(error.reason).toMatch(/several keys/);
  });
});

describe('remote key set: header-injected keys (SPEC 56–59, A23)', () => {
  it('ignores jwk, jku, x5u and x5c in the token header: no request elsewhere, no key taken from the token', async () => {
    const iss = await startIssuer();
    const attacker = await ecKey('attacker');
    server = await startKeySetServer(json({ keys: [attacker.publicJwk] })); // the attacker's listener
    const resolver = remoteResolver(iss);
    const header = {
      alg: 'ES256',
      kid: 'attacker',
      jwk: attacker.publicJwk,
      jku: server.url,
      x5u: server.url,
      x5c: ['MIIB'],
    };
    const forged = await new CompactSign(new TextEncoder().encode('{"sub":"admin"}'))
      .setProtectedHeader(header)
      .sign(attacker.privateKey);

    await expectCode(verify(resolver, forged), 'ERR_KEY_NOT_FOUND');
    expect(server.hits).toBe(0);
    expect(iss.jwksServer.fetchCount).toBe(1);
  });
});

describe('remote key set: rotation (SPEC 174, 175)', () => {
  it('174: a new kid is fetched once (after the cooldown) and verifies', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    await verify(resolver, await iss.token());
    const kid = await iss.addKey('ES256');
    const token = await iss.token({}, { kid });

    // Within the cooldown of the first fetch the new kid is unknown: 401, no fetch.
    await expectCode(verify(resolver, token), 'ERR_KEY_NOT_FOUND');
    expect(iss.jwksServer.fetchCount).toBe(1);

    iss.clock.advance(COOLDOWN_S);
    await verify(resolver, token);
    await verify(resolver, token);
    expect(iss.jwksServer.fetchCount).toBe(2);
  });

  it('175: a removed key stops verifying right after reload()', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    const token = await iss.token();
    await verify(resolver, token);

    iss.removeKey('es256-1');
    await verify(resolver, token); // cache still fresh: the old set decides
    await resolver.reload();
    await expectCode(verify(resolver, token), 'ERR_KEY_NOT_FOUND');
    expect(iss.jwksServer.fetchCount).toBe(2);
  });

  it('175: a removed key stops verifying once cacheMaxAge has passed', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    const token = await iss.token();
    await verify(resolver, token);
    iss.removeKey('es256-1');

    iss.clock.advance(MAX_AGE_S - 1);
    await verify(resolver, token);
    iss.clock.advance(1);
    await expectCode(verify(resolver, token), 'ERR_KEY_NOT_FOUND');
    expect(iss.jwksServer.fetchCount).toBe(2);
  });

  it('reload() that fails drops the old keys (fail closed after a compromise) and rejects with 503', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    const token = await iss.token();
    await verify(resolver, token);

    iss.jwksServer.mode('down');
    await expectCode(resolver.reload(), 'ERR_KEYS_UNAVAILABLE');
    await expectCode(verify(resolver, token), 'ERR_KEYS_UNAVAILABLE');
    expect(resolver.status().state).toBe('unavailable');

    iss.jwksServer.mode('ok');
    await resolver.reload();
    await verify(resolver, token);
  });

  it('a fetch that was running when reload() was called cannot reinstall the old set', async () => {
    const old = await ecKey('k1');
    const next = await ecKey('k2');
    // The first answer (holding the compromised k1) arrives late; every later answer holds k2 only.
    server = await startKeySetServer((req, res) => {
      setTimeout(() => json({ keys: [old.publicJwk] })(req, res), 300).unref();
    });
    const resolver = createKeyResolver({ issuer: 'https://as.example.test', audience: 'api', jwksUri: server.url });
    const early = getKey(resolver, { alg: 'ES256', kid: 'k1' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.handle(json({ keys: [next.publicJwk] }));
    await resolver.reload();

    await expectCode(early, 'ERR_KEY_NOT_FOUND');
    await new Promise((resolve) => setTimeout(resolve, 400)); // the late answer has arrived by now
    await expectCode(getKey(resolver, { alg: 'ES256', kid: 'k1' }), 'ERR_KEY_NOT_FOUND');
    await getKey(resolver, { alg: 'ES256', kid: 'k2' });
    expect(server.hits).toBe(2);
  });
});

describe('remote key set: concurrent reload() calls', () => {
  // The first reload's fetch is answered at once, the second's 100 ms later: the first fetch ends
  // while the second reload (which superseded it) is still waiting for its own.
  async function twoAnswers(second: KeySetHandler): Promise<KeySetServer> {
    const next = await ecKey('k2');
    let hits = 0;
    return startKeySetServer((req, res) => {
      hits += 1;
      if (hits === 1) json({ keys: [next.publicJwk] })(req, res);
      else setTimeout(() => second(req, res), 100).unref();
    });
  }

  it('a reload() superseded by a second one settles with the outcome of the set actually installed', async () => {
    server = await twoAnswers(json({}, 500));
    const resolver = createKeyResolver({ issuer: 'https://as.example.test', audience: 'api', jwksUri: server.url });
    const first = resolver.reload();
    const second = resolver.reload();
    // The first reload's own (successful) fetch was discarded and the newest one failed: no set is
    // installed, so neither call may report success.
    await expectCode(first, 'ERR_KEYS_UNAVAILABLE');
    await expectCode(second, 'ERR_KEYS_UNAVAILABLE');
    expect(resolver.status().state).toBe('unavailable');
  });

  it('both concurrent reload() calls resolve once the newest fetch installed its set', async () => {
    const next = await ecKey('k2');
    server = await twoAnswers(json({ keys: [next.publicJwk] }));
    const resolver = createKeyResolver({ issuer: 'https://as.example.test', audience: 'api', jwksUri: server.url });
    const first = resolver.reload().then(() => resolver.status().state);
    const second = resolver.reload().then(() => resolver.status().state);
    expect(await first).toBe('fresh');
    expect(await second).toBe('fresh');
  });
});

describe('remote key set: a clock that steps backwards (NTP correction, VM resume)', () => {
  // The age of the cached set is `now() - fetchedAt`. After the wall clock steps back, that age is
  // negative: it must not read as "fresh for another hour" (a removed key would keep verifying
  // long past cacheMaxAge, and new kids would be refused because the cooldown never ends).
  it('175: a removed key stops verifying at the next lookup, not cacheMaxAge after the clock caught up', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    const token = await iss.token();
    await verify(resolver, token);
    iss.removeKey('es256-1');

    iss.clock.advance(-3600);
    await expectCode(verify(resolver, token), 'ERR_KEY_NOT_FOUND');
    expect(iss.jwksServer.fetchCount).toBe(2);
    expect(resolver.status().state).toBe('fresh');
  });

  it('174: a new kid is fetched after the clock stepped back, without waiting an hour of cooldown', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    await verify(resolver, await iss.token());
    iss.clock.advance(-3600);
    const kid = await iss.addKey('ES256');
    await verify(resolver, await iss.token({}, { kid }));
    expect(iss.jwksServer.fetchCount).toBe(2);
  });

  it('174: after a failed fetch, a clock stepped back before it does not extend the cooldown', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    await verify(resolver, await iss.token()); // fetch 1 at T0: a fresh set
    iss.clock.advance(COOLDOWN_S + 1);
    iss.jwksServer.mode('down');
    const kid = await iss.addKey('ES256');
    const token = await iss.token({}, { kid });
    expect((await failure(verify(resolver, token))).code).toBe('ERR_KEYS_UNAVAILABLE'); // fetch 2 fails at T0 + 31 s
    iss.jwksServer.mode('ok');
    // The clock steps back to T0 + 10 s: the set is still fresh, the time since the failed fetch
    // is negative (unknown), so the cooldown counts as over and the new kid is fetched.
    iss.clock.advance(-(COOLDOWN_S + 1) + 10);
    const before = iss.jwksServer.fetchCount;
    await verify(resolver, token);
    expect(iss.jwksServer.fetchCount).toBe(before + 1);
  });

  it('166: a set of unknown age is not used as a stale fallback while the key server fails (503)', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    const token = await iss.token();
    await verify(resolver, token);
    iss.jwksServer.mode('down');

    iss.clock.advance(-3600);
    await expectCode(verify(resolver, token), 'ERR_KEYS_UNAVAILABLE');
    expect(resolver.status().state).toBe('unavailable');
    expect(iss.jwksServer.fetchCount).toBe(2);
  });
});

describe('remote key set: unknown kid (SPEC 64, 105)', () => {
  it('refetches at most once per cooldown, whatever the number of random kids', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    await verify(resolver, await iss.token());
    iss.clock.advance(COOLDOWN_S);

    for (let i = 0; i < 20; i++) {
      await expectCode(getKey(resolver, { alg: 'ES256', kid: crypto.randomUUID() }), 'ERR_KEY_NOT_FOUND');
    }
    expect(iss.jwksServer.fetchCount).toBe(2);

    iss.clock.advance(COOLDOWN_S - 1);
    await expectCode(getKey(resolver, { alg: 'ES256', kid: crypto.randomUUID() }), 'ERR_KEY_NOT_FOUND');
    expect(iss.jwksServer.fetchCount).toBe(2);
    iss.clock.advance(1);
    await expectCode(getKey(resolver, { alg: 'ES256', kid: crypto.randomUUID() }), 'ERR_KEY_NOT_FOUND');
    expect(iss.jwksServer.fetchCount).toBe(3);
  });

  it('1,000 concurrent lookups of an unknown kid cause exactly one fetch (cold cache)', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, () => getKey(resolver, { alg: 'ES256', kid: 'no-such-kid' })),
    );
    expect(iss.jwksServer.fetchCount).toBe(1);
    expect(
      results.every((r) => r.status === 'rejected' && (r.reason as PortcullisError).code === 'ERR_KEY_NOT_FOUND'),
    ).toBe(true);
  });

  it('1,000 concurrent lookups of an unknown kid cause exactly one refetch (warm cache, cooldown over)', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    await verify(resolver, await iss.token());
    iss.clock.advance(COOLDOWN_S);
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) => getKey(resolver, { alg: 'ES256', kid: `random-${i}` })),
    );
    expect(iss.jwksServer.fetchCount).toBe(2);
    expect(
      results.every((r) => r.status === 'rejected' && (r.reason as PortcullisError).code === 'ERR_KEY_NOT_FOUND'),
    ).toBe(true);
  });
});

describe('remote key set: faults (SPEC 164–173)', () => {
  it('164: key server down at cold start → 503 with Retry-After; no refetch storm; recovers', async () => {
    const iss = await startIssuer();
    iss.jwksServer.mode('down');
    const resolver = remoteResolver(iss);
    const token = await iss.token();

    const error = await expectCode(verify(resolver, token), 'ERR_KEYS_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.retryAfter).toBe(COOLDOWN_S);
    expect(error.reason).toMatch(/no key set/);

    iss.clock.advance(10);
    const again = await expectCode(verify(resolver, token), 'ERR_KEYS_UNAVAILABLE');
    expect(again.retryAfter).toBe(COOLDOWN_S - 10);
    expect(iss.jwksServer.fetchCount).toBe(1);

    iss.jwksServer.mode('ok');
    iss.clock.advance(COOLDOWN_S - 10);
    await verify(resolver, token);
    expect(iss.jwksServer.fetchCount).toBe(2);
  });

  it('164: every concurrent caller at a failing cold start gets 503 from one fetch', async () => {
    const iss = await startIssuer();
    iss.jwksServer.mode('error');
    const resolver = remoteResolver(iss);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, () => getKey(resolver, { alg: 'ES256', kid: 'es256-1' })),
    );
    expect(
      results.every((r) => r.status === 'rejected' && (r.reason as PortcullisError).code === 'ERR_KEYS_UNAVAILABLE'),
    ).toBe(true);
    expect(iss.jwksServer.fetchCount).toBe(1);
  });

  it('165: server down, cache fresh: cached kid verifies, unknown kid → 503 (not 401)', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    const token = await iss.token();
    await verify(resolver, token);
    iss.jwksServer.mode('down');
    iss.clock.advance(COOLDOWN_S);

    await expectCode(getKey(resolver, { alg: 'ES256', kid: 'unknown-1' }), 'ERR_KEYS_UNAVAILABLE');
    await verify(resolver, token);
    // Within the cooldown after the failure: still 503 for unknown kids, and no new fetch.
    await expectCode(getKey(resolver, { alg: 'ES256', kid: 'unknown-2' }), 'ERR_KEYS_UNAVAILABLE');
    expect(iss.jwksServer.fetchCount).toBe(2);
    expect(resolver.status().state).toBe('fresh');
  });

  it('166: stale keys keep verifying while the server fails, up to cacheMaxAge + maxStale, then 503', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss);
    const token = await iss.token();
    await verify(resolver, token);
    iss.jwksServer.mode('down');

    iss.clock.advance(MAX_AGE_S);
    await verify(resolver, token); // refetch fails, stale set decides
    expect(iss.jwksServer.fetchCount).toBe(2);
    expect(resolver.status()).toEqual({ source: 'remote', state: 'stale', keyCount: 2, fetchedAt: T0 });
    await verify(resolver, token); // within the cooldown: no new fetch
    expect(iss.jwksServer.fetchCount).toBe(2);
    await expectCode(getKey(resolver, { alg: 'ES256', kid: 'unknown' }), 'ERR_KEYS_UNAVAILABLE');

    iss.clock.advance(MAX_STALE_S - 1);
    await verify(resolver, token);
    iss.clock.advance(1);
    const error = await expectCode(verify(resolver, token), 'ERR_KEYS_UNAVAILABLE');
    expect(error.reason).toMatch(/maxStale/);
    expect(resolver.status().state).toBe('unavailable');

    iss.jwksServer.mode('ok');
    iss.clock.advance(COOLDOWN_S);
    await verify(resolver, token);
    expect(resolver.status().state).toBe('fresh');
  });

  it('166: maxStale 0 turns the grace period off', async () => {
    const iss = await startIssuer();
    const resolver = remoteResolver(iss, { maxStale: 0 });
    const token = await iss.token();
    await verify(resolver, token);
    iss.jwksServer.mode('down');
    iss.clock.advance(MAX_AGE_S);
    await expectCode(verify(resolver, token), 'ERR_KEYS_UNAVAILABLE');
  });

  it('167: a server slower than the timeout → 503 for 50 concurrent callers, one upstream fetch, no hang', async () => {
    const iss = await startIssuer();
    iss.jwksServer.mode('slow', { delayMs: 10_000 });
    const resolver = remoteResolver(iss, { timeout: 300 });
    const token = await iss.token();
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => verify(resolver, token)));
    const elapsed = Date.now() - started;

    expect(
      results.every((r) => r.status === 'rejected' && (r.reason as PortcullisError).code === 'ERR_KEYS_UNAVAILABLE'),
    ).toBe(true);
    const reason = (results[0] as PromiseRejectedResult).reason as PortcullisError;
    expect(String((reason.cause as Error).message)).toMatch(/timed out after 300 ms/);
    expect(iss.jwksServer.fetchCount).toBe(1);
    expect(elapsed).toBeLessThan(10_000); // did not wait for the server's answer
  });

  it("167: the default timeout is 2 s (the recommended bound, not jose's 5 s)", async () => {
    const iss = await startIssuer();
    iss.jwksServer.mode('slow', { delayMs: 10_000 });
    const resolver = createKeyResolver(iss.verifierOptions());
    const error = await expectCode(getKey(resolver, { alg: 'ES256', kid: 'es256-1' }), 'ERR_KEYS_UNAVAILABLE');
    expect(String((error.cause as Error).message)).toMatch(/timed out after 2000 ms/);
  });

  it('168: an HTML answer → 503 at cold start; with a cached set it never replaces the keys', async () => {
    const iss = await startIssuer();
    iss.jwksServer.mode('garbage');
    const resolver = remoteResolver(iss);
    const token = await iss.token();
    const cold = await expectCode(verify(resolver, token), 'ERR_KEYS_UNAVAILABLE');
    expect(String((cold.cause as Error).message)).toMatch(/not JSON/);

    iss.jwksServer.mode('ok');
    iss.clock.advance(COOLDOWN_S);
    await verify(resolver, token);
    iss.jwksServer.mode('garbage');
    iss.clock.advance(MAX_AGE_S);
    await verify(resolver, token);
    expect(iss.jwksServer.fetchCount).toBe(3);
    expect(resolver.status()).toMatchObject({ state: 'stale', keyCount: 2 });
  });

  it('HTTP 500 is a failed fetch', async () => {
    const iss = await startIssuer();
    iss.jwksServer.mode('error');
    const resolver = remoteResolver(iss);
    const error = await expectCode(getKey(resolver, { alg: 'ES256', kid: 'es256-1' }), 'ERR_KEYS_UNAVAILABLE');
    expect(String((error.cause as Error).message)).toMatch(/HTTP 500/);
  });

  it('171: a 302 is not followed → 503', async () => {
    const iss = await startIssuer();
    iss.jwksServer.mode('redirect'); // the redirect target serves the real key set
    const resolver = remoteResolver(iss);
    const error = await expectCode(verify(resolver, await iss.token()), 'ERR_KEYS_UNAVAILABLE');
    expect(String((error.cause as Error).message)).toMatch(/HTTP 302/);
    expect(iss.jwksServer.fetchCount).toBe(1);
  });

  it('172: a 50 MB body is abandoned at the size cap → 503', async () => {
    const iss = await startIssuer();
    iss.jwksServer.mode('huge', { bytes: 50 * 1024 * 1024 });
    const resolver = remoteResolver(iss, { maxResponseBytes: 64 * 1024 });
    const error = await expectCode(getKey(resolver, { alg: 'ES256', kid: 'es256-1' }), 'ERR_KEYS_UNAVAILABLE');
    expect(String((error.cause as Error).message)).toMatch(/exceeds 65536 bytes/);
  });

  it('172: a declared Content-Length over the cap is refused before reading', async () => {
    server = await startKeySetServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
      res.write('{"keys":[');
      // never finishes: the client must not wait for the body
    });
    const resolver = createKeyResolver({ issuer: 'https://as.example.test', audience: 'api', jwksUri: server.url });
    const error = await expectCode(getKey(resolver, { alg: 'ES256', kid: 'k1' }), 'ERR_KEYS_UNAVAILABLE');
    expect(String((error.cause as Error).message)).toMatch(/declares more than 524288 bytes/);
  });

  describe('rejected key sets never replace the cached one', () => {
    const cases: Array<[string, (good: { keys: object[] }) => unknown, RegExp]> = [
      [
        '169: a symmetric (oct) member',
        (good) => ({ keys: [...good.keys, { kty: 'oct', k: 'c2VjcmV0', kid: 'hs' }] }),
        /private or symmetric/,
      ],
      [
        '170: a private member (has "d")',
        (good) => ({ keys: good.keys.map((k) => ({ ...k, d: 'AAAA' })) }),
        /private or symmetric/,
      ],
      [
        '173: two members with the same kid',
        (good) => ({ keys: [...good.keys, { ...good.keys[0], x: 'other' }] }),
        /share a "kid"/,
      ],
      ['not a key set', () => ({ keys: 'nope' }), /"keys" array/],
      ['a JSON array', () => [], /"keys" array/],
    ];

    it.each(cases)('%s → 503 at cold start', async (_name, mutate, reason) => {
      const { publicJwk } = await ecKey('k1');
      server = await startKeySetServer(json(mutate({ keys: [publicJwk] })));
      const resolver = createKeyResolver({ issuer: 'https://as.example.test', audience: 'api', jwksUri: server.url });
      const error = await expectCode(getKey(resolver, { alg: 'ES256', kid: 'k1' }), 'ERR_KEYS_UNAVAILABLE');
      expect(String((error.cause as Error).message)).toMatch(reason);
      expect(resolver.status().state).toBe('unavailable');
    });

    it.each(cases)('%s → the last good set keeps deciding', async (_name, mutate) => {
      let now = T0;
      const { publicJwk } = await ecKey('k1');
      server = await startKeySetServer(json({ keys: [publicJwk] }));
      const resolver = createKeyResolver({
        issuer: 'https://as.example.test',
        audience: 'api',
        jwksUri: server.url,
        now: () => now,
        remoteJwks: { cacheMaxAge: 1000, cooldown: 1000, maxStale: 10_000 },
      });
      const key = await getKey(resolver, { alg: 'ES256', kid: 'k1' });
      server.handle(json(mutate({ keys: [publicJwk] })));
      now += 1000;
      expect(await getKey(resolver, { alg: 'ES256', kid: 'k1' })).toBe(key);
      expect(server.hits).toBe(2);
      expect(resolver.status()).toMatchObject({ state: 'stale', keyCount: 1, fetchedAt: T0 });
    });
  });

  it('169: an HS256 token can never be verified with an oct member of a key set', async () => {
    server = await startKeySetServer(json({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'k1', alg: 'HS256' }] }));
    const resolver = createKeyResolver({
      issuer: 'https://as.example.test',
      audience: 'api',
      jwksUri: server.url,
      algorithms: ['HS256', 'ES256'],
    });
    await expectCode(getKey(resolver, { alg: 'HS256', kid: 'k1' }), 'ERR_KEY_NOT_FOUND'); // HS* is never served by a key set
    await expectCode(getKey(resolver, { alg: 'ES256', kid: 'k1' }), 'ERR_KEYS_UNAVAILABLE'); // and the set is refused
  });

  it('66: members with use "enc" or key_ops without "verify" are skipped, the rest of the set works', async () => {
    const a = await ecKey('enc');
    const b = await ecKey('ops');
    const c = await ecKey('ok');
    server = await startKeySetServer(
      json({
        keys: [
          { ...a.publicJwk, use: 'enc' },
          { ...b.publicJwk, key_ops: ['encrypt'] },
          { ...c.publicJwk, use: 'sig', key_ops: ['verify'] },
        ],
      }),
    );
    const resolver = createKeyResolver({ issuer: 'https://as.example.test', audience: 'api', jwksUri: server.url });
    await expectCode(getKey(resolver, { alg: 'ES256', kid: 'enc' }), 'ERR_KEY_NOT_FOUND');
    await expectCode(getKey(resolver, { alg: 'ES256', kid: 'ops' }), 'ERR_KEY_NOT_FOUND');
    await getKey(resolver, { alg: 'ES256', kid: 'ok' });
    expect(resolver.status().keyCount).toBe(1);
    expect(server.hits).toBe(1);
  });

  it('an empty key set is a valid answer: every kid is unknown (401), not 503', async () => {
    server = await startKeySetServer(json({ keys: [] }));
    const resolver = createKeyResolver({ issuer: 'https://as.example.test', audience: 'api', jwksUri: server.url });
    await expectCode(getKey(resolver, { alg: 'ES256', kid: 'k1' }), 'ERR_KEY_NOT_FOUND');
    expect(resolver.status()).toMatchObject({ state: 'fresh', keyCount: 0 });
  });

  it('sends the configured headers and asks for a JWK Set', async () => {
    const { publicJwk } = await ecKey('k1');
    let seen: Record<string, unknown> = {};
    server = await startKeySetServer((req, res) => {
      seen = req.headers;
      json({ keys: [publicJwk] })(req, res);
    });
    const resolver = createKeyResolver({
      issuer: 'https://as.example.test',
      audience: 'api',
      jwksUri: server.url,
      remoteJwks: { headers: { 'user-agent': 'orders-api/1.0' } },
    });
    await getKey(resolver, { alg: 'ES256', kid: 'k1' });
    expect(seen['user-agent']).toBe('orders-api/1.0');
    expect(seen['accept']).toMatch(/application\/jwk-set\+json/);
  });

  it('times out even when a custom fetch ignores the abort signal', async () => {
    const neverSettles = (() => new Promise<Response>(() => undefined)) as typeof fetch;
    const resolver = createKeyResolver({
      issuer: 'https://as.example.test',
      audience: 'api',
      jwksUri: 'https://as.example.test/jwks',
      remoteJwks: { fetch: neverSettles, timeout: 100 },
    });
    const error = await expectCode(getKey(resolver, { alg: 'ES256', kid: 'k1' }), 'ERR_KEYS_UNAVAILABLE');
    expect(String((error.cause as Error).message)).toMatch(/timed out after 100 ms/);
  });

  it('refuses an answer a custom fetch obtained by following a redirect', async () => {
    const { publicJwk } = await ecKey('k1');
    const followed = (async () => {
      const response = new Response(JSON.stringify({ keys: [publicJwk] }), { status: 200 });
      Object.defineProperty(response, 'redirected', { value: true });
      return response;
    }) as typeof fetch;
    const resolver = createKeyResolver({
      issuer: 'https://as.example.test',
      audience: 'api',
      jwksUri: 'https://as.example.test/jwks',
      remoteJwks: { fetch: followed },
    });
    await expectCode(getKey(resolver, { alg: 'ES256', kid: 'k1' }), 'ERR_KEYS_UNAVAILABLE');
  });
});

async function ecKey(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' }, privateKey };
}
