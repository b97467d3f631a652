import { projectJestConfig } from '../jest.preset.js';

/**
 * The CI part of the conformance suite (`npm test`): the corpus on four targets, the short HTTP
 * fuzz and the fault-injection scenarios. The long runs have their own config (jest.long.config.ts).
 *
 * The preset assumes projects two levels deep (packages/x, apps/x); this project sits one level
 * below the root, so the source mappings and the results reporter are re-pointed here.
 */
const base = projectJestConfig('conformance');

export default {
  ...base,
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  moduleNameMapper: {
    '^@portcullis/testing/(nest|express)$': '<rootDir>/../packages/testing/src/$1/index.ts',
    '^@portcullis/nest/passport$': '<rootDir>/../packages/nest/src/passport/index.ts',
    '^@portcullis/(core|nest|express|testing)$': '<rootDir>/../packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // Nest 12 is ESM-only; CommonJS add-ons of the orders API (@nestjs/throttler, nestjs-pino)
  // require() it, which Jest refuses inside a module cycle unless it is evaluated first (node24.md).
  setupFiles: ['<rootDir>/test/preload-nest.ts'],
  reporters: ['default', '<rootDir>/../scripts/jest-results-reporter.js'],
  globalSetup: '<rootDir>/runner/global-setup.mjs',
  // Writes security/REPORT.md from the per-file results and prints "N passed, N failed, N pending".
  globalTeardown: '<rootDir>/runner/global-teardown.mjs',
  testTimeout: 60_000,
  maxWorkers: 2,
};
