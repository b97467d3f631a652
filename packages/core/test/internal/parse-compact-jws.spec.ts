import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { HeaderCache, parseCompactJws } from '../../src/internal/parse-compact-jws.js';
import type { JwsPolicy } from '../../src/internal/parse-compact-jws.js';
import { T_FIXED, expectCode, makeVerifier, segments } from '../token/support/verifier-under-test.js';

// The pre-parse's own rules, at their edges: the size cap is inclusive, every segment is canonical
// unpadded base64url (no leftover character, no set padding bits, ASCII only), and a header cache
// filled under one policy never answers for another. Each defect below is one that a lenient
// base64url decoder would otherwise hide: the same bytes under a different token string.

let issuer: TestIssuer;
let T0: string;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED, algorithms: ['ES256', 'ES384'] });
  T0 = await issuer.token({}, { alg: 'ES256' });
});
afterAll(() => issuer.close());

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function policy(algorithms: readonly string[], maxTokenSize = 8192): JwsPolicy {
  return { maxTokenSize, algorithms: new Set(algorithms), algorithmList: algorithms, typ: 'application/at+jwt' };
}

function parseError(run: () => unknown): PortcullisError {
  try {
    run();
  } catch (error) {
    if (error instanceof PortcullisError) return error;
    throw error;
  }
  throw new Error('expected parseCompactJws to throw');
}

/** The same segment with its unused low bits set: decodes to the same bytes with a lenient decoder. */
function withPaddingBits(segment: string): string {
  const unused = segment.length % 4 === 2 ? 0x0f : 0x03;
  const last = segment[segment.length - 1]!;
  return segment.slice(0, -1) + ALPHABET[ALPHABET.indexOf(last) | unused]!;
}

describe('parseCompactJws — size cap', () => {
  it('accepts a token of exactly maxTokenSize characters and refuses one more', async () => {
    expect(parseCompactJws(T0, policy(['ES256'], T0.length)).alg).toBe('ES256');
    expect(parseError(() => parseCompactJws(T0, policy(['ES256'], T0.length - 1))).code).toBe('ERR_MALFORMED_TOKEN');

    const exact = makeVerifier({ ...issuer.verifierOptions(), maxTokenSize: T0.length });
    await expect(exact.verify(T0)).resolves.toMatchObject({ cached: false });
    const short = makeVerifier({ ...issuer.verifierOptions(), maxTokenSize: T0.length - 1 });
    await expectCode(short.verify(T0), 'ERR_MALFORMED_TOKEN');
  });
});

describe('parseCompactJws — canonical base64url', () => {
  it('refuses a segment of 4k+1 characters (a leftover character that encodes no byte)', async () => {
    const [h, p, s] = segments(T0);
    const p1 = p + 'A'.repeat((5 - (p.length % 4)) % 4);
    expect(p1.length % 4).toBe(1);
    for (const token of [`${h}.${p}.AAAAA`, `${h}.${p1}.${s}`]) {
      expect(parseError(() => parseCompactJws(token, policy(['ES256']))).code).toBe('ERR_MALFORMED_TOKEN');
    }
    // ES384: a 96-byte signature is 128 characters; one more character decodes to the same bytes.
    const es384 = await issuer.token({}, { alg: 'ES384' });
    const [h3, p3, s3] = segments(es384);
    expect(s3.length % 4).toBe(0);
    expect(Buffer.from(`${s3}A`, 'base64url')).toEqual(Buffer.from(s3, 'base64url'));
    const verifier = makeVerifier({ ...issuer.verifierOptions(), algorithms: ['ES256', 'ES384'] });
    await expect(verifier.verify(es384)).resolves.toBeDefined();
    await expectCode(verifier.verify(`${h3}.${p3}.${s3}A`), 'ERR_MALFORMED_TOKEN');
  });

  it('refuses a header segment with non-zero padding bits before any key lookup or signature check', async () => {
    // Find a header whose segment has unused bits (its length is not a multiple of 4).
    let token = T0;
    for (let pad = 'x'; segments(token)[0].length % 4 === 0; pad += 'x') {
      token = await issuer.token({}, { alg: 'ES256', header: { pad } });
    }
    const [h, p, s] = segments(token);
    const twin = withPaddingBits(h);
    expect(twin).not.toBe(h);
    expect(Buffer.from(twin, 'base64url')).toEqual(Buffer.from(h, 'base64url')); // same header bytes
    expect(parseError(() => parseCompactJws(`${twin}.${p}.${s}`, policy(['ES256']))).code).toBe('ERR_MALFORMED_TOKEN');
    const verifier = makeVerifier(issuer.verifierOptions());
    await expect(verifier.verify(token)).resolves.toBeDefined();
    // Malformed (the string is refused as such), not a signature failure found after decoding it.
    await expectCode(verifier.verify(`${twin}.${p}.${s}`), 'ERR_MALFORMED_TOKEN');
  });

  it.each([['é'], ['\u00ff'], ['\u0100'], ['\u2028'], ['\ud83d\ude00']])(
    'refuses a non-ASCII character %j anywhere, even one a base64url decoder would skip',
    async (char) => {
      const [h, p, s] = segments(T0);
      const verifier = makeVerifier(issuer.verifierOptions());
      for (const token of [
        `${T0}${char}`,
        `${h}.${p}.${s.slice(0, 10)}${char}${s.slice(10)}`,
        `${h}.${char}${p}.${s}`,
      ]) {
        expect(parseError(() => parseCompactJws(token, policy(['ES256']))).code).toBe('ERR_MALFORMED_TOKEN');
        await expectCode(verifier.verify(token), 'ERR_MALFORMED_TOKEN');
      }
    },
  );
});

describe('parseCompactJws — header cache', () => {
  it('a cache filled under one policy is never consulted for another', () => {
    const lenient = policy(['ES256']);
    const strict = policy(['RS256']);
    const headers = new HeaderCache(lenient);
    expect(parseCompactJws(T0, lenient, headers).alg).toBe('ES256'); // now cached for `lenient`
    expect(parseCompactJws(T0, lenient, headers).alg).toBe('ES256');
    expect(parseError(() => parseCompactJws(T0, strict, headers)).code).toBe('ERR_ALGORITHM_NOT_ALLOWED');
  });
});
