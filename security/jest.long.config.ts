import base from './jest.config.ts';

/**
 * The long runs, outside `npm test`: `npm run fuzz` (≥ 1 M inputs, in-process core fuzzing plus
 * HTTP fuzzing of the four targets) and `npm run soak` (10 minutes of mixed traffic against the
 * orders API in its own process). Results go to long-runs/*.json and LONG-RUNS.md.
 */
const { globalSetup: _setup, globalTeardown: _teardown, ...rest } = base;

export default {
  ...rest,
  displayName: 'conformance-long',
  testMatch: ['<rootDir>/fuzz/**/*.spec.ts', '<rootDir>/soak/**/*.spec.ts'],
  // Not the workspace results reporter: a long run must not replace the CI counts.
  reporters: ['default'],
  testTimeout: 3 * 60 * 60 * 1000,
  maxWorkers: 1,
};
