import type { DemoContext } from './demo-context.js';

/**
 * One step of the narrated demo: a story told through real requests, with checks that throw
 * `DemoCheckFailed` when the stack behaves otherwise. It resolves to what it observed, so the
 * e2e test can assert more.
 *
 * @example
 * ```ts
 * const result = await logoutScenario.run(ctx);
 * ```
 */
export interface Scenario<R = unknown> {
  /** Stable id (`--only` on the command line). */
  readonly id: string;
  readonly title: string;
  /** What the scenario shows and why, printed under the heading. */
  readonly explanation: string;
  run(ctx: DemoContext): Promise<R>;
}
