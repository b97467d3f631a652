import { projectJestConfig } from '../jest.preset.js';

// The preload evaluates the ESM-only Nest packages before the test file, because the e2e test
// starts the orders API in-process and its CommonJS add-ons (@nestjs/throttler, nestjs-pino)
// require() them (see notes/node24.md).
export default projectJestConfig('demo', {
  setupFiles: ['<rootDir>/test/preload-nest.ts'],
  // Two servers start in beforeAll; every scenario makes a handful of local HTTP round trips.
  testTimeout: 30_000,
});
