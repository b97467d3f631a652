import { describe, expect, it } from '@jest/globals';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { InMemoryRevocationStore } from '../../src/revocation/in-memory-revocation-store.js';

const T = 1_767_225_600; // seconds

function clockAt(seconds: number) {
  let ms = seconds * 1000;
  return {
    now: () => ms,
    set: (s: number) => {
      ms = s * 1000;
    },
    advance: (s: number) => {
      ms += s * 1000;
    },
  };
}

const query = (over: Partial<{ jti: string; sub: string; iat: number; iss: string }> = {}) => ({
  jti: 'jti-1',
  sub: 'user-alice',
  iat: T,
  iss: 'https://as.example.test',
  ...over,
});

describe('InMemoryRevocationStore — jti', () => {
  it('reports a revoked jti (SPEC 130) and nothing else', () => {
    const clock = clockAt(T);
    const store = new InMemoryRevocationStore({ now: clock.now });
    store.revokeToken('jti-1', T + 300);
    expect(store.isRevoked(query())).toBe(true);
    expect(store.isRevoked(query({ jti: 'jti-2' }))).toBe(false);
    expect(store.isRevoked(query({ jti: 'JTI-1' }))).toBe(false);
  });

  it('forgets a revocation on its own once expiresAt + leeway has passed', () => {
    const clock = clockAt(T);
    const store = new InMemoryRevocationStore({ now: clock.now, leeway: 0 });
    store.revokeToken('jti-1', T + 300);
    clock.set(T + 299.999);
    expect(store.isRevoked(query())).toBe(true);
    clock.set(T + 300);
    expect(store.isRevoked(query())).toBe(false);
    expect(store.size).toBe(0); // lazily removed on lookup
  });

  it('keeps the revocation through the verifier clock tolerance (default leeway 60 s)', () => {
    const clock = clockAt(T);
    const store = new InMemoryRevocationStore({ now: clock.now });
    store.revokeToken('jti-1', T + 300);
    clock.set(T + 305); // a verifier with 5 s tolerance would still accept the token
    expect(store.isRevoked(query())).toBe(true);
    clock.set(T + 360);
    expect(store.isRevoked(query())).toBe(false);
  });

  it('ignores revocations of already-expired tokens and keeps the later expiry on repeats', () => {
    const clock = clockAt(T);
    const store = new InMemoryRevocationStore({ now: clock.now, leeway: 0 });
    store.revokeToken('old', T - 1);
    expect(store.size).toBe(0);
    store.revokeToken('jti-1', T + 600);
    store.revokeToken('jti-1', T + 10); // must not shorten
    clock.set(T + 100);
    expect(store.isRevoked(query())).toBe(true);
  });

  it('sweeps expired entries on demand', () => {
    const clock = clockAt(T);
    const store = new InMemoryRevocationStore({ now: clock.now, leeway: 0 });
    for (let i = 0; i < 10; i += 1) store.revokeToken(`j${i}`, T + (i < 5 ? 10 : 1000));
    store.revokeSubject('s', T, T + 10);
    clock.set(T + 20);
    expect(store.sweep()).toBe(6);
    expect(store.size).toBe(5);
    expect(store.subjectCount).toBe(0);
  });

  it('sweeps on its own as writes accumulate (amortised), without timers', () => {
    const clock = clockAt(T);
    const store = new InMemoryRevocationStore({ now: clock.now, leeway: 0 });
    for (let i = 0; i < 5000; i += 1) store.revokeToken(`early-${i}`, T + 10);
    clock.set(T + 11);
    for (let i = 0; i < 5000; i += 1) store.revokeToken(`late-${i}`, T + 1000);
    // every early entry expired and was swept by the write path, none of them looked up
    expect(store.size).toBeLessThan(10_000);
    expect(store.isRevoked(query({ jti: 'late-4999' }))).toBe(true);
    expect(store.isRevoked(query({ jti: 'early-0' }))).toBe(false);
  });

  it('never evicts a live revocation when full: it refuses the new one with a 503 error', () => {
    const clock = clockAt(T);
    const store = new InMemoryRevocationStore({ now: clock.now, maxEntries: 3, leeway: 0 });
    store.revokeToken('a', T + 100);
    store.revokeToken('b', T + 100);
    store.revokeToken('c', T + 5);
    let error: unknown;
    try {
      store.revokeToken('d', T + 100);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PortcullisError);
    expect((error as PortcullisError).code).toBe('ERR_REVOCATION_UNAVAILABLE');
    expect(['a', 'b', 'c'].every((jti) => store.isRevoked(query({ jti })))).toBe(true);
    clock.set(T + 6); // c expired: room again
    store.revokeToken('d', T + 100);
    expect(store.isRevoked(query({ jti: 'd' }))).toBe(true);
    expect(store.isRevoked(query({ jti: 'a' }))).toBe(true);
  });

  it('holds 100k revocations with O(1) answers (sanity, no timing assertion)', () => {
    const clock = clockAt(T);
    const store = new InMemoryRevocationStore({ now: clock.now });
    for (let i = 0; i < 100_000; i += 1)
      store.revokeToken(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, T + 900);
    expect(store.size).toBe(100_000);
    expect(store.isRevoked(query({ jti: '00000000-0000-4000-8000-000000099999' }))).toBe(true);
    expect(store.isRevoked(query({ jti: '00000000-0000-4000-8000-000000100000' }))).toBe(false);
    clock.set(T + 2000);
    expect(store.sweep()).toBe(100_000);
    expect(store.size).toBe(0);
  });
});

describe('InMemoryRevocationStore — subject (SPEC 131)', () => {
  it('revokes tokens issued before or in the revocation second, not after', () => {
    const clock = clockAt(T);
    const store = new InMemoryRevocationStore({ now: clock.now });
    store.revokeSubject('user-alice', T, T + 3600);
    expect(store.isRevoked(query({ jti: 'a', iat: T - 100 }))).toBe(true);
    expect(store.isRevoked(query({ jti: 'b', iat: T }))).toBe(true); // inclusive
    expect(store.isRevoked(query({ jti: 'c', iat: T + 1 }))).toBe(false);
    expect(store.isRevoked(query({ jti: 'd', sub: 'user-bob', iat: T - 100 }))).toBe(false);
  });

  it('revokes a token with a fractional iat in the revocation second (NumericDate may be non-integer)', () => {
    // RFC 7519 §2 lets `iat` carry fractions. The documented call floors the cut-off to the second
    // (`revokeSubject(sub, Math.floor(Date.now() / 1000), …)`): a token issued at T + 0.4, before a
    // revocation made at T + 0.7, must be revoked like one whose `iat` says T.
    const store = new InMemoryRevocationStore({ now: clockAt(T).now });
    store.revokeSubject('user-alice', T, T + 3600);
    expect(store.isRevoked(query({ iat: T + 0.4 }))).toBe(true);
    expect(store.isRevoked(query({ iat: T + 0.999 }))).toBe(true);
    expect(store.isRevoked(query({ iat: T + 1 }))).toBe(false);
    expect(store.isRevoked(query({ iat: T + 1.5 }))).toBe(false);
  });

  it('fails closed on a token without a usable iat', () => {
    const store = new InMemoryRevocationStore({ now: clockAt(T).now });
    store.revokeSubject('user-alice', T, T + 3600);
    expect(store.isRevoked(query({ iat: Number.NaN }))).toBe(true);
    expect(store.isRevoked({ ...query(), iat: undefined as unknown as number })).toBe(true);
  });

  it('only widens: a later, earlier cut-off does not un-revoke', () => {
    const store = new InMemoryRevocationStore({ now: clockAt(T).now });
    store.revokeSubject('user-alice', T, T + 3600);
    store.revokeSubject('user-alice', T - 1000, T + 60);
    expect(store.isRevoked(query({ iat: T }))).toBe(true);
    store.revokeSubject('user-alice', T + 50, T + 3600);
    expect(store.isRevoked(query({ iat: T + 50 }))).toBe(true);
  });

  it('is bounded by maxEntries too: when full of live subject revocations it refuses a new subject (503), never evicts', () => {
    const clock = clockAt(T);
    const store = new InMemoryRevocationStore({ now: clock.now, maxEntries: 2, leeway: 0 });
    store.revokeSubject('user-a', T, T + 100);
    store.revokeSubject('user-b', T, T + 5);
    let error: unknown;
    try {
      store.revokeSubject('user-c', T, T + 100);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PortcullisError);
    expect((error as PortcullisError).code).toBe('ERR_REVOCATION_UNAVAILABLE');
    expect(store.subjectCount).toBe(2);
    // Widening an existing subject's revocation needs no room.
    store.revokeSubject('user-a', T + 1, T + 200);
    expect(store.isRevoked(query({ sub: 'user-a', iat: T + 1 }))).toBe(true);
    clock.set(T + 6); // user-b's entry expired: room again
    store.revokeSubject('user-c', T, T + 100);
    expect(store.isRevoked(query({ sub: 'user-c', iat: T }))).toBe(true);
    expect(store.isRevoked(query({ sub: 'user-a', iat: T }))).toBe(true);
  });

  it('forgets the entry after retainUntil + leeway', () => {
    const clock = clockAt(T);
    const store = new InMemoryRevocationStore({ now: clock.now, leeway: 0 });
    store.revokeSubject('user-alice', T, T + 900);
    clock.set(T + 899);
    expect(store.isRevoked(query())).toBe(true);
    clock.set(T + 900);
    expect(store.isRevoked(query())).toBe(false);
    expect(store.subjectCount).toBe(0);
  });
});

describe('InMemoryRevocationStore — options and inputs', () => {
  it('validates options', () => {
    expect(() => new InMemoryRevocationStore({ maxEntries: 0 })).toThrow(TypeError);
    expect(() => new InMemoryRevocationStore({ maxEntries: 1.5 })).toThrow(TypeError);
    expect(() => new InMemoryRevocationStore({ leeway: -1 })).toThrow(TypeError);
    expect(() => new InMemoryRevocationStore({ now: 5 as unknown as () => number })).toThrow(TypeError);
    expect(() => new InMemoryRevocationStore({ max: 1 } as unknown as { maxEntries: number })).toThrow(
      /unknown option 'max'/,
    );
  });

  it('validates writes', () => {
    const store = new InMemoryRevocationStore();
    expect(() => store.revokeToken('', 1)).toThrow(TypeError);
    expect(() => store.revokeToken('a', Number.NaN)).toThrow(TypeError);
    expect(() => store.revokeToken('a', '1' as unknown as number)).toThrow(TypeError);
    expect(() => store.revokeSubject('', 1, 2)).toThrow(TypeError);
    expect(() => store.revokeSubject('a', Number.POSITIVE_INFINITY, 2)).toThrow(TypeError);
    expect(() => store.revokeSubject('a', 1, Number.NaN)).toThrow(TypeError);
  });

  it('answers synchronously', () => {
    const store = new InMemoryRevocationStore();
    expect(typeof store.isRevoked(query())).toBe('boolean');
    expect(store.revokeToken('x', Date.now() / 1000 + 60)).toBeUndefined();
  });

  it('fails closed when its clock breaks: a revoked token is never let through', () => {
    let ms: number = T * 1000;
    const store = new InMemoryRevocationStore({ now: () => ms });
    store.revokeToken('jti-1', T + 300);
    store.revokeSubject('user-bob', T, T + 300);
    ms = Number.NaN;
    // NaN would make every entry look expired; the store throws instead (the verifier answers 503).
    expect(() => store.isRevoked(query())).toThrow(TypeError);
    expect(() => store.isRevoked(query({ jti: 'jti-9', sub: 'user-bob' }))).toThrow(TypeError);
    // Nothing was dropped meanwhile.
    ms = T * 1000;
    expect(store.isRevoked(query())).toBe(true);
    expect(store.isRevoked(query({ jti: 'jti-9', sub: 'user-bob' }))).toBe(true);
  });

  it('does not need the clock for a token it holds nothing about', () => {
    let reads = 0;
    const store = new InMemoryRevocationStore({
      now: () => {
        reads++;
        return T * 1000;
      },
    });
    store.revokeToken('jti-1', T + 300);
    store.revokeSubject('user-bob', T, T + 300);
    const before = reads;
    expect(store.isRevoked(query({ jti: 'jti-2', sub: 'user-alice' }))).toBe(false);
    expect(reads).toBe(before);
    expect(store.isRevoked(query())).toBe(true);
    expect(reads).toBe(before + 1);
  });
});
