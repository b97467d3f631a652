// HS256 only by explicit opt-in, with a secret of at least 256 bits, and only for HS256 tokens.

import { describe, expect, it } from '@jest/globals';
import { CompactSign, compactVerify } from 'jose';
import type { PortcullisError } from '../../src/errors/portcullis-error.js';
import { createKeyResolver } from '../../src/jwks/create-key-resolver.js';
import type { VerifierOptions } from '../../src/token/verifier-options.js';

const base = { issuer: 'https://as.example.test', audience: 'https://api.example.test/orders' } as const;
const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';

async function hs(alg: string, secret: string | Uint8Array): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new CompactSign(new TextEncoder().encode('{"sub":"alice"}')).setProtectedHeader({ alg }).sign(key);
}

describe('secret (HS256)', () => {
  it('verifies HS256 tokens signed with the secret, and nothing else', async () => {
    const resolver = createKeyResolver({ ...base, secret: { key: SECRET, allowSymmetric: true } });
    expect(resolver.symmetric).toBe(true);
    expect(resolver.status()).toEqual({ source: 'secret', state: 'fresh', keyCount: 1 });
    await compactVerify(await hs('HS256', SECRET), (h) => resolver.getKey(h));
    await expect(compactVerify(await hs('HS256', `${SECRET}?`), (h) => resolver.getKey(h))).rejects.toThrow(
      /signature verification failed/,
    );
    for (const alg of ['HS384', 'HS512', 'RS256', 'none']) {
      const error = await Promise.resolve(resolver.getKey({ alg })).catch((e: unknown) => e);
      expect((error as PortcullisError).code).toBe('ERR_KEY_NOT_FOUND');
    }
  });

  it("accepts the secret as bytes and does not keep a reference to the caller's buffer", async () => {
    const bytes = new Uint8Array(32).fill(7);
    const resolver = createKeyResolver({ ...base, secret: { key: bytes, allowSymmetric: true } });
    const token = await hs('HS256', new Uint8Array(32).fill(7));
    bytes.fill(0);
    await compactVerify(token, (h) => resolver.getKey(h));
  });

  it('hands out a non-extractable HMAC key, not the secret bytes', async () => {
    const resolver = createKeyResolver({ ...base, secret: { key: SECRET, allowSymmetric: true } });
    const key = await resolver.getKey({ alg: 'HS256' });
    expect(key).not.toBeInstanceOf(Uint8Array);
    expect(key).toMatchObject({ type: 'secret', extractable: false, algorithm: { name: 'HMAC' } });
  });

  it.each([
    [{ key: SECRET }, /requires allowSymmetric: true/],
    [{ key: SECRET, allowSymmetric: 'yes' }, /requires allowSymmetric: true/],
    [{ key: 'x'.repeat(31), allowSymmetric: true }, /at least 32 bytes \(256 bits\)/],
    [{ key: new Uint8Array(31), allowSymmetric: true }, /at least 32 bytes/],
    [{ key: 42, allowSymmetric: true }, /must be a string or a Uint8Array/],
    ['secret', /must be \{ key, allowSymmetric: true \}/],
  ])('refuses %j', (secret, message) => {
    expect(() => createKeyResolver({ ...base, secret } as unknown as VerifierOptions)).toThrow(message);
  });

  it('counts bytes, not characters (multi-byte UTF-8)', () => {
    expect(() => createKeyResolver({ ...base, secret: { key: 'é'.repeat(16), allowSymmetric: true } })).not.toThrow();
    expect(() => createKeyResolver({ ...base, secret: { key: 'é'.repeat(15), allowSymmetric: true } })).toThrow(
      TypeError,
    );
  });
});
