import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { JwkSetRejectedError, MAX_KID_LENGTH, readJwkSet, readMember } from '../../src/internal/jwks-read-key-set.js';
import { createKeyResolver } from '../../src/jwks/create-key-resolver.js';

// Reading a JWK Set: a symmetric member rejects the whole set even without key material, and a
// member whose kid is longer than any token may name is never usable (it would otherwise be the
// key a kid-less token falls back to).

const publicJwk = () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
};
const base = { issuer: 'https://as.example.test', audience: 'https://api.example.test/orders' } as const;

describe('readJwkSet', () => {
  it('rejects a set with a "kty": "oct" member, with or without "k"', () => {
    const good = { ...publicJwk(), kid: 'ec-1' };
    expect(readJwkSet({ keys: [good] })).toHaveLength(1);
    expect(() => readJwkSet({ keys: [good, { kty: 'oct', kid: 'hmac-1' }] })).toThrow(JwkSetRejectedError);
    expect(() => readJwkSet({ keys: [good, { kty: 'oct', kid: 'hmac-1', k: 'c2VjcmV0' }] })).toThrow(
      JwkSetRejectedError,
    );
    expect(() => createKeyResolver({ ...base, jwks: { keys: [good, { kty: 'oct', kid: 'hmac-1' }] } })).toThrow(
      /"jwks" is refused/,
    );
  });
});

describe('readMember — kid length', () => {
  it(`a member with a kid of ${MAX_KID_LENGTH} characters is usable, one character more is not`, async () => {
    const jwk = publicJwk();
    expect(readMember({ ...jwk, kid: 'k'.repeat(MAX_KID_LENGTH) }).unusable).toBeUndefined();
    expect(readMember({ ...jwk, kid: 'k'.repeat(MAX_KID_LENGTH + 1) }).unusable).toMatch(/"kid"/);
    // A set whose only key has such a kid has no usable key at all (a kid-less token finds none).
    expect(() =>
      createKeyResolver({ ...base, jwks: { keys: [{ ...jwk, kid: 'k'.repeat(MAX_KID_LENGTH + 1) }] } }),
    ).toThrow(/no key usable/);
  });
});
