import { describe, expect, it } from '@jest/globals';
import { VerifiedTokenCache } from '../../src/internal/verified-token-cache.js';
import type { VerifiedTokenCacheEntry } from '../../src/internal/verified-token-cache.js';

const entry = (hash: string): VerifiedTokenCacheEntry => {
  const base = { header: { alg: 'ES256' }, claims: { exp: 1 }, tokenHash: hash };
  return { fresh: { ...base, cached: false }, hit: { ...base, cached: true } };
};

describe('VerifiedTokenCache', () => {
  it('stores, returns, deletes and clears', () => {
    const cache = new VerifiedTokenCache(10);
    const a = entry('a');
    cache.set('a', a);
    expect(cache.get('a')).toBe(a);
    expect(cache.get('b')).toBeUndefined();
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', a);
    cache.set('b', entry('b'));
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('never holds more than maxEntries, evicting the least recently used', () => {
    const cache = new VerifiedTokenCache(3);
    for (const k of ['a', 'b', 'c']) cache.set(k, entry(k));
    cache.get('a'); // order now b, c, a
    cache.set('d', entry('d')); // evicts b
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    for (const k of ['a', 'c', 'd']) expect(cache.get(k)).toBeDefined();
    for (let i = 0; i < 100; i++) cache.set(`x${i}`, entry(`x${i}`));
    expect(cache.size).toBe(3);
    expect(cache.get('x99')).toBeDefined();
  });

  it('re-setting a key refreshes it instead of duplicating it', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', entry('a'));
    cache.set('b', entry('b'));
    const newer = entry('a');
    cache.set('a', newer); // order b, a
    cache.set('c', entry('c')); // evicts b
    expect(cache.get('a')).toBe(newer);
    expect(cache.get('b')).toBeUndefined();
  });
});
