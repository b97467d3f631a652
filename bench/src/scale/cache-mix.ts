import { createAccessTokenVerifier } from '@portcullis/core';
import { createTestIssuer } from '@portcullis/testing';

export interface CacheMixRow {
  /** Zipf exponent of the user popularity. */
  readonly s: number;
  readonly cacheEntries: number;
  readonly users: number;
  readonly requests: number;
  /** Share of requests served from the verified-token cache. */
  readonly hitRatio: number;
  /** Best any cache could do: share of requests whose token was seen before. */
  readonly repeatRatio: number;
  /** `real`: the shipped verifier counted its own `cached` flags; `simulated`: the same LRU policy replayed. */
  readonly method: 'real' | 'simulated';
  /** Real run only: wall time and the resulting verifications per second. */
  readonly ms?: number;
}

/** Deterministic PRNG (mulberry32): the same request sequence in every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `requests` user indexes drawn from a Zipf(s) distribution over `users` (rank 0 the most active). */
export function zipfSequence(users: number, requests: number, s: number, seed = 9): Uint32Array {
  const cdf = new Float64Array(users);
  let total = 0;
  for (let k = 0; k < users; k++) cdf[k] = total += 1 / Math.pow(k + 1, s);
  const next = random(seed);
  const out = new Uint32Array(requests);
  for (let i = 0; i < requests; i++) {
    const u = next() * total;
    let lo = 0;
    let hi = users - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return out;
}

/** Replays the verifier's cache policy (LRU on a Map, get refreshes) over a sequence. */
function simulateLru(sequence: Uint32Array, capacity: number): { hits: number; repeats: number } {
  const lru = new Map<number, true>();
  const seen = new Set<number>();
  let hits = 0;
  let repeats = 0;
  for (const user of sequence) {
    if (seen.has(user)) repeats++;
    else seen.add(user);
    if (lru.has(user)) {
      hits++;
      lru.delete(user);
      lru.set(user, true);
    } else {
      lru.set(user, true);
      if (lru.size > capacity) lru.delete(lru.keys().next().value!);
    }
  }
  return { hits, repeats };
}

/**
 * Verified-token cache hit ratio under a Zipf-distributed mix of users (one token each): the
 * shipped verifier with its default cache on the real mix, plus the same LRU policy replayed for
 * other cache sizes and skews (the real run validates the replay).
 */
export async function runCacheMix(users: number, requests: number): Promise<CacheMixRow[]> {
  const issuer = await createTestIssuer({ serve: 'none', algorithms: ['ES256'] });
  const rows: CacheMixRow[] = [];
  try {
    const tokens: string[] = [];
    for (let i = 0; i < users; i++)
      tokens.push(await issuer.token({ sub: `user-${i}` }, { alg: 'ES256', expiresIn: 3600 }));
    const sequence = zipfSequence(users, requests, 1.0);
    const verifier = createAccessTokenVerifier(issuer.verifierOptions()); // default cache: 10,000 entries
    let hits = 0;
    const started = performance.now();
    for (const user of sequence) if ((await verifier.verify(tokens[user]!)).cached) hits++;
    const ms = performance.now() - started;
    const replay = simulateLru(sequence, 10_000);
    rows.push({
      s: 1.0,
      cacheEntries: 10_000,
      users,
      requests,
      hitRatio: hits / requests,
      repeatRatio: replay.repeats / requests,
      method: 'real',
      ms,
    });
    for (const s of [0.8, 1.0, 1.2]) {
      const seq = s === 1.0 ? sequence : zipfSequence(users, requests, s);
      for (const capacity of [1_000, 10_000, 50_000]) {
        const { hits: simulatedHits, repeats } = simulateLru(seq, capacity);
        rows.push({
          s,
          cacheEntries: capacity,
          users,
          requests,
          hitRatio: simulatedHits / requests,
          repeatRatio: repeats / requests,
          method: 'simulated',
        });
      }
    }
    return rows;
  } finally {
    await issuer.close();
  }
}
