// @ts-check
import { fileURLToPath } from 'node:url';
/**
 * Shared Jest settings for every project in the workspace (native ESM, swc transform).
 *
 * Each project's `jest.config.ts` calls this; rootDir defaults to the directory of that config,
 * and workspace paths resolve from this file, so a project may sit at any depth.
 * `node --experimental-vm-modules …/jest.js` (the flag is still required on Node 24).
 * `@portcullis/*` imports resolve to sources, so a test never sees a stale `dist/`.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * @param {string} displayName
 * @param {Partial<import('jest').Config>} [extra]
 * @returns {import('jest').Config}
 */
export function projectJestConfig(displayName, extra = {}) {
  return {
    displayName,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: {
      '^@portcullis/testing/(nest|express)$': root + 'packages/testing/src/$1/index.ts',
      '^@portcullis/nest/passport$': root + 'packages/nest/src/passport/index.ts',
      '^@portcullis/(core|nest|express|testing)$': root + 'packages/$1/src/index.ts',
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
            target: 'es2022',
            keepClassNames: true,
          },
          module: { type: 'es6' },
        },
      ],
    },
    testTimeout: 20_000,
    reporters: ['default', root + 'scripts/jest-results-reporter.js'],
    ...extra,
  };
}

