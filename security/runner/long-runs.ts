/**
 * Results of the long runs (`npm run fuzz`, `npm run soak`): each writes long-runs/<name>.json
 * and re-renders LONG-RUNS.md from every result file, so one run never erases the other's section.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../long-runs/', import.meta.url));
const FILE = fileURLToPath(new URL('../LONG-RUNS.md', import.meta.url));

/** A long run's result: a Markdown section plus the raw numbers. */
export interface LongRunResult {
  /** File name under long-runs/ (`fuzz`, `soak`, or `soak-<seconds>s` for extra soaks). */
  readonly name: string;
  readonly title: string;
  readonly finishedAt: string;
  readonly node: string;
  readonly passed: boolean;
  readonly markdown: string;
  readonly data: unknown;
}

/** Saves one run's result and rewrites LONG-RUNS.md. */
export function saveLongRun(result: LongRunResult): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(`${DIR}${result.name}.json`, `${JSON.stringify(result, null, 2)}\n`);
  const runs = readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(`${DIR}${f}`, 'utf8')) as LongRunResult);
  const out = [
    '# Long runs — fuzzing and soak',
    '',
    'Written by `npm run fuzz -w @portcullis/conformance` and `npm run soak -w @portcullis/conformance` (not by `npm test`); each run',
    'replaces its own section. Raw numbers: [long-runs/](long-runs/). The CI part of the suite is in [REPORT.md](REPORT.md).',
    '',
  ];
  for (const run of runs) {
    out.push(`## ${run.title}`, '', `${run.passed ? '**Passed**' : '**FAILED**'} — finished ${run.finishedAt} on Node ${run.node}.`, '', run.markdown, '');
  }
  writeFileSync(FILE, out.join('\n'));
}

/** Whether a previous result exists (for messages). */
export function hasLongRun(name: string): boolean {
  return existsSync(`${DIR}${name}.json`);
}
