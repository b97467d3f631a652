import { projectJestConfig } from '../jest.preset.js';

// demo/ sits one level below the root (the preset assumes packages/* and apps/*), so the source
// mappings and the results reporter are re-rooted here. The preload evaluates the ESM-only Nest
// packages before the test file, because the e2e test starts the orders API in-process and its
// CommonJS add-ons (@nestjs/throttler, nestjs-pino) require() them (see notes/node24.md).
export default projectJestConfig('demo', {
  moduleNameMapper: {
    '^@portcullis/testing/(nest|express)$': '<rootDir>/../packages/testing/src/$1/index.ts',
    '^@portcullis/(core|nest|express|testing)$': '<rootDir>/../packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  setupFiles: ['<rootDir>/test/preload-nest.ts'],
  reporters: ['default', '<rootDir>/../scripts/jest-results-reporter.js'],
  // Two servers start in beforeAll; every scenario makes a handful of local HTTP round trips.
  testTimeout: 30_000,
});
