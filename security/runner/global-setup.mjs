// Jest global setup of the conformance project (plain ESM: Jest loads global hooks without the
// test transform). Remembers when the run started, so stale result fragments of an earlier run
// are ignored when the report is built.
import { mkdirSync, writeFileSync } from 'node:fs';

export default async function globalSetup() {
  const dir = new URL('../.test-results/cases/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('run-start', dir), String(Date.now()));
}
