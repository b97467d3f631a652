import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { MIN_RSA_MODULUS_BITS, rsaKeyWeakness } from '../../src/internal/key-rsa-checks.js';

// Structural RSA checks made once per key: modulus size, an odd exponent of at least 3, an odd
// modulus. A key that fails one of them can never be a real RSA key (an even e has no inverse
// modulo φ(n), an even n has the factor 2), so it must never verify anything.

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

function realKey(bits = 2048): { n: string; e: string } {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const { n, e } = publicKey.export({ format: 'jwk' });
  return { n: n!, e: e! };
}

describe('rsaKeyWeakness', () => {
  it('passes a real 2048-bit key (positive control)', () => {
    const { n, e } = realKey();
    expect(rsaKeyWeakness(n, e)).toBeUndefined();
    expect(MIN_RSA_MODULUS_BITS).toBe(2048);
  });

  it.each([
    ['4', b64u(new Uint8Array([4]))],
    ['65536', b64u(new Uint8Array([1, 0, 0]))],
    ['65538', b64u(new Uint8Array([1, 0, 2]))],
  ])('refuses an even public exponent (%s)', (_label, e) => {
    expect(rsaKeyWeakness(realKey().n, e)).toMatch(/exponent/);
  });

  it('refuses an even modulus', () => {
    const { n, e } = realKey();
    const bytes = Buffer.from(n, 'base64url');
    bytes[bytes.length - 1]! &= 0xfe;
    expect(rsaKeyWeakness(b64u(bytes), e)).toMatch(/modulus must be odd/);
  });

  it('refuses a modulus of 2047 bits', () => {
    const { n, e } = realKey();
    const bytes = Buffer.from(n, 'base64url');
    bytes[0] = 0x7f; // top bit cleared: 2047 bits, still odd
    expect(rsaKeyWeakness(b64u(bytes), e)).toMatch(/shorter than 2048/);
  });
});
