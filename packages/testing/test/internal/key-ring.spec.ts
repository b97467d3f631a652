import { describe, expect, it } from '@jest/globals';
import { exportJWK } from 'jose';
import { generateIssuerKey, KeyRing } from '../../src/internal/key-ring.js';
import type { SigningAlgorithm } from '../../src/index.js';

const ALL: SigningAlgorithm[] = ['ES256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA'];

describe('issuer keys', () => {
  it.each(ALL)('%s: the private key cannot be exported (only signing uses it); the public one can', async (alg) => {
    const key = await generateIssuerKey(alg, 'k1');
    expect(key.privateKey.extractable).toBe(false);
    await expect(exportJWK(key.privateKey)).rejects.toThrow();
    expect(Object.keys(await exportJWK(key.publicKey))).not.toContain('d');
  });

  it('untrusted keys are never published', async () => {
    const ring = new KeyRing();
    await ring.add('ES256');
    const untrusted = await ring.untrustedKey('ES256');
    expect(ring.jwks().keys.map((k) => k.kid)).toEqual(['es256-1']);
    expect(ring.byKid(untrusted.kid)).toBeUndefined();
  });
});
