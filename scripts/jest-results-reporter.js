// Jest reporter: writes each project's totals to <project>/.test-results/<node-version>.json so that
// scripts/test-summary.mjs can print one closing line for the whole run ("N passed, N failed").
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export default class ResultsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    // Inside the project (an Nx output of the test target), so a cached run restores it.
    const dir = join(this.rootDir, '.test-results');
    mkdirSync(dir, { recursive: true });
    const name = this.rootDir.split(/[\\/]/).slice(-2).join('/');
    writeFileSync(
      join(dir, `${process.version}.json`),
      JSON.stringify({
        project: name,
        node: process.version,
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
        suitesFailed: results.numFailedTestSuites,
      }),
    );
  }
}
