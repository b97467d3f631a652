import { randomUUID } from 'node:crypto';
import { getHeapSpaceStatistics } from 'node:v8';
import { InMemoryRevocationStore } from '@portcullis/core';

export interface RevocationScale {
  readonly entries: number;
  /** Resident memory added by the store holding `entries` revoked jtis (their strings included), MiB, after a full GC. */
  readonly rssDeltaMiB: number;
  /**
   * Part of `rssDeltaMiB` that is V8's young generation grown by the fill loop's allocation rate
   * (empty after the GC; any busy process has it, and `--max-semi-space-size` caps it).
   */
  readonly youngGenerationDeltaMiB: number;
  /** `rssDeltaMiB − youngGenerationDeltaMiB`: what the store itself keeps resident. The goal is checked on this. */
  readonly storeResidentMiB: number;
  /** Live JS heap added (jti strings + the Map), MiB. */
  readonly heapDeltaMiB: number;
  /** Revocations written per second while filling the store. */
  readonly insertsPerSec: number;
  /** isRevoked cost at several store sizes, ns per lookup (revoked / not revoked). */
  readonly lookups: ReadonlyArray<{ readonly size: number; readonly hitNs: number; readonly missNs: number }>;
  readonly gcAvailable: boolean;
}

/**
 * A random UUID as a flat string, the way a `jti` arrives in practice (parsed out of the claims
 * JSON). `randomUUID()` itself returns a rope of concatenated pieces that would bill the store
 * several hundred bytes of string nodes per entry that no real jti carries.
 */
function jtiLike(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number): number => bytes / 1024 / 1024;

function settle(): NodeJS.MemoryUsage & { young: number } {
  for (let i = 0; i < 3; i++) gc?.();
  const young = getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
    .reduce((sum, space) => sum + space.physical_space_size, 0);
  return { ...process.memoryUsage(), young };
}

/** Median over 5 rounds of the cost of one `lookup`, in ns; every answer must be `expected`. */
function lookupNs<Q>(lookup: (query: Q) => boolean, queries: readonly Q[], expected: boolean): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    let count = 0;
    for (let pass = 0; pass < 20; pass++) {
      for (const query of queries) {
        if (lookup(query) !== expected) throw new Error('unexpected lookup answer');
        count++;
      }
    }
    rounds.push(((performance.now() - started) * 1e6) / count);
  }
  rounds.sort((a, b) => a - b);
  return rounds[2]!;
}

/**
 * Fills an InMemoryRevocationStore with `entries` live revoked jtis (flat UUID strings), measuring
 * resident memory after a full GC and isRevoked at 1k, 100k and `entries`. Run it alone in a fresh
 * process, so that no earlier work has grown the heap it is measured against.
 */
export function runRevocationScale(entries: number): RevocationScale {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const base = { sub: 'user-1', iat: nowSeconds - 10, iss: 'https://issuer.example' };
  const misses = Array.from({ length: 10_000 }, () => ({ ...base, jti: jtiLike() }));
  const sample: Array<typeof base & { jti: string }> = [];
  const before = settle();
  const store = new InMemoryRevocationStore({ maxEntries: Math.max(entries, 1_000_000) });
  const lookup = (query: (typeof sample)[number]): boolean => store.isRevoked(query);
  const lookups: Array<{ size: number; hitNs: number; missNs: number }> = [];
  const checkpoints = [1_000, 100_000, entries].filter((n, i, all) => n <= entries && all.indexOf(n) === i);
  let insertMs = 0;
  let inserted = 0;
  for (const checkpoint of checkpoints) {
    const started = performance.now();
    for (; inserted < checkpoint; inserted++) {
      const jti = jtiLike();
      if (inserted % 100 === 0 && sample.length < 10_000) sample.push({ ...base, jti });
      store.revokeToken(jti, nowSeconds + 3600);
    }
    insertMs += performance.now() - started;
    lookups.push({ size: checkpoint, hitNs: lookupNs(lookup, sample, true), missNs: lookupNs(lookup, misses, false) });
  }
  const after = settle();
  // Still reachable here, or the GC above would have measured its absence.
  if (!store.isRevoked(sample[0]!)) throw new Error('lost an entry');
  return {
    entries,
    rssDeltaMiB: mib(after.rss - before.rss),
    youngGenerationDeltaMiB: mib(after.young - before.young),
    storeResidentMiB: mib(after.rss - before.rss - (after.young - before.young)),
    heapDeltaMiB: mib(after.heapUsed - before.heapUsed),
    insertsPerSec: (entries * 1000) / insertMs,
    lookups,
    gcAvailable: gc !== undefined,
  };
}

/** isRevoked against a plain Map holding the same keys, measured in alternating rounds. */
export interface RevocationVersusMap {
  readonly entries: number;
  readonly store: { readonly hitNs: number; readonly missNs: number };
  readonly plainMap: { readonly hitNs: number; readonly missNs: number };
}

/**
 * The constant-time check: a store and a plain `Map` filled in the same loop with the same jtis,
 * then queried with the same query objects, A/B/A/B. Any map of a million entries outgrows CPU
 * caches, so lookups slow down with size for any hash table; what is the store's own is the
 * difference to the plain Map measured side by side.
 */
export function runRevocationVersusMap(entries: number): RevocationVersusMap {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const base = { sub: 'user-1', iat: nowSeconds - 10, iss: 'https://issuer.example' };
  const misses = Array.from({ length: 10_000 }, () => ({ ...base, jti: jtiLike() }));
  const sample: Array<typeof base & { jti: string }> = [];
  const store = new InMemoryRevocationStore({ maxEntries: Math.max(entries, 1_000_000) });
  const map = new Map<string, number>();
  for (let i = 0; i < entries; i++) {
    const jti = jtiLike();
    if (i % 100 === 0 && sample.length < 10_000) sample.push({ ...base, jti });
    store.revokeToken(jti, nowSeconds + 3600);
    map.set(jti, nowSeconds + 3600);
  }
  settle();
  const viaStore = (query: { jti: string; sub: string; iat: number; iss: string }): boolean => store.isRevoked(query);
  const viaMap = (query: { jti: string }): boolean => map.get(query.jti) !== undefined;
  const rounds = {
    storeHit: [] as number[],
    storeMiss: [] as number[],
    mapHit: [] as number[],
    mapMiss: [] as number[],
  };
  for (let r = 0; r < 5; r++) {
    rounds.storeHit.push(lookupNs(viaStore, sample, true));
    rounds.mapHit.push(lookupNs(viaMap, sample, true));
    rounds.storeMiss.push(lookupNs(viaStore, misses, false));
    rounds.mapMiss.push(lookupNs(viaMap, misses, false));
  }
  const mid = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  return {
    entries,
    store: { hitNs: mid(rounds.storeHit), missNs: mid(rounds.storeMiss) },
    plainMap: { hitNs: mid(rounds.mapHit), missNs: mid(rounds.mapMiss) },
  };
}
