import { projectJestConfig } from '../../jest.preset.js';

// The preload evaluates the ESM-only Nest packages before any test file, so CommonJS add-ons
// (@nestjs/throttler, nestjs-pino) that require() them do not hit Jest's require(esm) cycle error.
export default projectJestConfig('orders-api', { setupFiles: ['<rootDir>/test/preload-nest.ts'] });
