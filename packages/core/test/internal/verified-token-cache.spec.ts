import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
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

  it('never evicts an entry used within the last maxEntries / 2 insertions, and never grows past maxEntries', () => {
    // Hits move an entry to the young end only once it drifted into the older half: this is the
    // guarantee that keeps a token in use cached, checked against random operation sequences.
    const op = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ get: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.array(op, { maxLength: 300 }), (max, ops) => {
        const cache = new VerifiedTokenCache(max);
        const lastUse = new Map<string, number>(); // key → insertions counted when last set or hit
        let insertions = 0;
        for (const o of ops) {
          if ('set' in o) {
            const key = `k${o.set}`;
            cache.set(key, entry(key));
            insertions++;
            lastUse.set(key, insertions);
          } else {
            const key = `k${o.get}`;
            if (cache.get(key) !== undefined) lastUse.set(key, insertions);
          }
          expect(cache.size).toBeLessThanOrEqual(max);
          for (const [key, at] of lastUse) {
            if (insertions - at < Math.floor(max / 2)) expect(cache.get(key)).toBeDefined();
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
