import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { hashToken } from '../../src/token/hash-token.js';

describe('hashToken', () => {
  it('is the base64url SHA-256 of the token (RFC 6234 test vector "abc")', () => {
    expect(hashToken('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('is 43 URL-safe characters, stable, and different for different tokens', () => {
    const token = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln';
    expect(hashToken(token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toBe(hashToken(`${token}x`));
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('base64url'));
  });

  it('never contains the token', () => {
    const token = 'A'.repeat(100);
    expect(hashToken(token)).not.toContain('AAAAAAAAAA');
  });

  it('refuses a non-string with a TypeError', () => {
    expect(() => hashToken(undefined as unknown as string)).toThrow(TypeError);
  });
});
