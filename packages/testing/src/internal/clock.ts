import type { TestClock } from '../test-clock.js';

/** Creates the issuer's clock: real time, or frozen at `frozenAt` (ms since the epoch). */
export function createClock(frozenAt?: number): TestClock {
  let frozen: number | undefined = frozenAt;
  // Closures, not methods on `this`: `clock.now` is handed around unbound (verifier `now` option).
  const now = (): number => frozen ?? Date.now();
  return {
    now,
    freeze(ms?: number): void {
      if (ms !== undefined && !Number.isFinite(ms))
        throw new TypeError('clock.freeze(ms) takes a finite number of milliseconds since the epoch');
      frozen = ms ?? now();
    },
    advance(seconds: number): void {
      if (!Number.isFinite(seconds)) throw new TypeError('clock.advance(seconds) takes a finite number of seconds');
      frozen = (frozen ?? Date.now()) + seconds * 1000;
    },
    unfreeze(): void {
      frozen = undefined;
    },
    get frozen(): boolean {
      return frozen !== undefined;
    },
  };
}
