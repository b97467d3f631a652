/** What `npm run bench -- <flags>` asked for. */
export interface BenchFlags {
  /** ~1-minute smoke run: short slices, one round fewer, small token pools. */
  readonly quick: boolean;
  /** Suites to run; all by default. */
  readonly suites: ReadonlySet<Suite>;
  /** Skip writing the README section (results files are still written). */
  readonly noReadme: boolean;
}

export type Suite = 'micro' | 'http' | 'scale';
const SUITES: readonly Suite[] = ['micro', 'http', 'scale'];

/**
 * Parses `--quick`, `--only=micro,http,scale` and `--no-readme`. Unknown flags are an error, so a
 * typo never silently runs the full eight-minute suite.
 */
export function parseFlags(argv: readonly string[]): BenchFlags {
  let quick = false;
  let noReadme = false;
  let suites = new Set<Suite>(SUITES);
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--no-readme') noReadme = true;
    else if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',').filter(Boolean);
      const unknown = names.filter((name) => !SUITES.includes(name as Suite));
      if (unknown.length > 0 || names.length === 0)
        throw new Error(`--only takes a list of ${SUITES.join(', ')}; got "${arg}"`);
      suites = new Set(names as Suite[]);
    } else {
      throw new Error(`unknown flag "${arg}"; use --quick, --only=micro,http,scale or --no-readme`);
    }
  }
  return { quick, suites, noReadme };
}
