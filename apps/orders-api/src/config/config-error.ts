/**
 * A configuration or start-up mistake. `problems` has one clear line per mistake, each naming
 * the environment variable and what is expected; values that may hold secrets are never echoed.
 *
 * @example
 * ```ts
 * try { loadConfig(process.env); } catch (e) { if (e instanceof ConfigError) console.error(e.message); }
 * ```
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}
