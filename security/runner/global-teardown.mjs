// Jest global teardown of the conformance project: prints the summary the last suite of the run
// wrote (per target, per group, every failure, then "N passed, N failed, N pending"). The suites
// themselves merge the result fragments and rewrite REPORT.md (runner/report.ts#finalizeRun),
// because Jest's global hooks do not get the TypeScript/ESM transform of the tests.
import { existsSync, readFileSync } from 'node:fs';

export default async function globalTeardown() {
  const dir = new URL('../.test-results/cases/', import.meta.url);
  const start = existsSync(new URL('run-start', dir)) ? Number(readFileSync(new URL('run-start', dir), 'utf8')) : 0;
  const file = new URL('summary.json', dir);
  if (!existsSync(file)) return;
  const summary = JSON.parse(readFileSync(file, 'utf8'));
  if (summary.writtenAt < start) return;
  process.stdout.write(`${summary.text}\n`);
}
