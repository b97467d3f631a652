/**
 * A target's clock for fault tests: real time plus an offset that tests move forward, so key-set
 * max ages, cooldowns and grace periods (minutes to an hour) pass in an instant. The verifier, the
 * revocation store and the tokens minted for the target all read it.
 */
export interface TargetClock {
  /** Milliseconds since the epoch. */
  now(): number;
  nowSeconds(): number;
  advance(seconds: number): void;
}

export function createTargetClock(): TargetClock {
  let offset = 0;
  const now = () => Date.now() + offset;
  return {
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    advance(seconds: number) {
      offset += seconds * 1000;
    },
  };
}
