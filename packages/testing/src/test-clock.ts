/**
 * The test issuer's clock. Token `iat`/`exp` come from it (seconds, floored), and
 * `issuer.verifierOptions().now` is its `now`, so the verifier and the issuer share one time.
 * Methods are plain functions (safe to pass around unbound).
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer({ now: Date.parse('2030-01-01T00:00:00Z') });
 * const token = await issuer.token();      // exp = iat + 300
 * issuer.clock.advance(301);               // the same verifier now sees it as expired
 * issuer.clock.unfreeze();                 // back to real time
 * ```
 */
export interface TestClock {
  /** Current time in milliseconds since the epoch: the frozen time, or `Date.now()`. */
  now(): number;
  /** Freezes the clock at `ms` (milliseconds since the epoch), or at the current time. */
  freeze(ms?: number): void;
  /** Moves the clock by `seconds` (may be negative); a running clock is frozen at `Date.now()` first. */
  advance(seconds: number): void;
  /** Lets the clock follow real time again. */
  unfreeze(): void;
  /** Whether the clock is frozen. */
  readonly frozen: boolean;
}
