import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { VerifiedTokenCache, VerifiedTokenCacheEntry } from '../../src/internal/verified-token-cache.js';

const entry = (hash: string): VerifiedTokenCacheEntry =>
  new VerifiedTokenCacheEntry(
    Object.freeze({ header: { alg: 'ES256' }, claims: Object.freeze({ exp: 1 }), tokenHash: hash, cached: false }),
  );

describe('VerifiedTokenCacheEntry', () => {
  it('answers a hit with the same frozen header and claims, cached: true, one object for every hit', () => {
    const e = entry('h');
    const { hit } = e;
    expect(hit).toEqual({ header: e.fresh.header, claims: e.fresh.claims, tokenHash: 'h', cached: true });
    expect(hit.claims).toBe(e.fresh.claims);
    expect(hit.header).toBe(e.fresh.header);
    expect(Object.isFrozen(hit)).toBe(true);
    expect(e.hit).toBe(hit);
    expect(e.fresh.cached).toBe(false);
  });
});

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

  it('keeps an entry while fewer than maxEntries − ⌊maxEntries / 4⌋ other tokens were used since its last use', () => {
    // Hits move an entry to the young end only once it left the youngest quarter of moves; this is
    // the guarantee that remains, checked against random operation sequences (strict LRU would
    // allow maxEntries other tokens).
    const op = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ get: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(op, { maxLength: 300 }), (max, ops) => {
        const cache = new VerifiedTokenCache(max);
        const uses: string[] = []; // every set, and every get that hit, in order
        const safe = max - (max >>> 2);
        for (const o of ops) {
          const key = `k${'set' in o ? o.set : o.get}`;
          if ('set' in o) {
            cache.set(key, entry(key));
            uses.push(key);
          } else if (cache.get(key) !== undefined) {
            uses.push(key);
          }
          expect(cache.size).toBeLessThanOrEqual(max);
          const lastUse = new Map(uses.map((k, i) => [k, i]));
          for (const [k, at] of lastUse) {
            const others = new Set(uses.slice(at + 1).filter((u) => u !== k)).size;
            if (others < safe) expect(cache.has(k)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is a strict LRU below 4 entries', () => {
    const cache = new VerifiedTokenCache(3);
    for (const k of ['a', 'b', 'c']) cache.set(k, entry(k));
    cache.get('b');
    cache.get('a'); // order c, b, a
    cache.set('d', entry('d')); // evicts c
    expect([cache.has('a'), cache.has('b'), cache.has('c'), cache.has('d')]).toEqual([true, true, false, true]);
  });
});
