// The issuer's key material and server, as a security review sees them: the key set never holds
// private members, the server listens on 127.0.0.1 only, and core's real verifier accepts
// verifierOptions() as they are, for every algorithm.
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccessTokenVerifier } from '@portcullis/core';
import { decodeJwt } from 'jose';
import { createTestIssuer } from '../src/index.js';
import type { SigningAlgorithm, TestIssuer } from '../src/index.js';
import { SIGNING_ALGORITHMS } from '../src/internal/algorithms.js';

/** Every algorithm the issuer can sign with (its own table; ten, RS/PS/ES × 3 and EdDSA). */
const ALL: SigningAlgorithm[] = [...SIGNING_ALGORITHMS];
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

function connectOutcome(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('key material', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ALL });
  });
  afterAll(() => issuer.close());

  it('neither the key set in memory nor the served one holds a private member, for any key', async () => {
    await issuer.addKey('ES256');
    await issuer.addKey('RS256');
    await issuer.badToken('embedded-jwk'); // creates the untrusted key
    const served = (await (await fetch(issuer.jwksUri!, { signal: AbortSignal.timeout(2000) })).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(served).toEqual(issuer.jwks);
    expect(served.keys).toHaveLength(ALL.length + 2);
    for (const key of served.keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
      expect(key).toMatchObject({ use: 'sig', kid: expect.any(String), alg: expect.any(String) });
    }
  });

  it('the embedded-jwk header carries the public members only', async () => {
    const header = JSON.parse(
      Buffer.from((await issuer.badToken('embedded-jwk')).split('.')[0]!, 'base64url').toString(),
    );
    expect(Object.keys(header.jwk as object).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  });

  it.each(ALL)("core's verifier accepts verifierOptions() as they are for an %s token", async (alg) => {
    const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), algorithms: ALL });
    await expect(verifier.verify(await issuer.token({ sub: 'alice' }, { alg }))).resolves.toMatchObject({
      claims: { sub: 'alice' },
    });
  });

  it("core's verifier accepts verifierOptions() of an issuer that serves nothing", async () => {
    const offline = await createTestIssuer({ serve: 'none' });
    try {
      const verifier = createAccessTokenVerifier(offline.verifierOptions());
      await expect(verifier.verify(await offline.token())).resolves.toBeDefined();
    } finally {
      await offline.close();
    }
  });

  it('iat and exp follow the running clock (whole seconds) and jti is unique', async () => {
    const before = Math.floor(Date.now() / 1000);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => issuer.token()));
    const after = Math.floor(Date.now() / 1000);
    const claims = tokens.map((t) => decodeJwt(t));
    for (const { iat, exp } of claims) {
      expect(iat).toBeGreaterThanOrEqual(before);
      expect(iat).toBeLessThanOrEqual(after);
      expect(exp).toBe(iat! + 300);
    }
    expect(new Set(claims.map((c) => c.jti)).size).toBe(50);
  });
});

describe('the server', () => {
  it('listens on 127.0.0.1 only (not on ::1 nor on another interface), and nowhere after close()', async () => {
    const issuer = await createTestIssuer();
    const port = Number(new URL(issuer.jwksUri!).port);
    expect(new URL(issuer.jwksUri!).hostname).toBe('127.0.0.1');
    expect(await connectOutcome('127.0.0.1', port)).toBe('connected');
    expect(await connectOutcome('::1', port)).not.toBe('connected');
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i !== undefined && !i.internal && i.family === 'IPv4')
      .map((i) => i!.address);
    for (const address of others) expect(await connectOutcome(address, port)).not.toBe('connected');
    await issuer.close();
    expect(await connectOutcome('127.0.0.1', port)).toBe('ECONNREFUSED');
  });
});
