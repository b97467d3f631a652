import type { Config } from 'jest';

/**
 * Shared Jest settings for every project in the workspace (native ESM, swc transform).
 *
 * Each project's `jest.config.ts` calls {@link projectJestConfig}. Tests run through
 * `node --experimental-vm-modules …/jest.js` (the flag is still required on Node 24).
 * `@portcullis/*` imports resolve to sources, so a test never sees a stale `dist/`.
 */
export function projectJestConfig(displayName: string, rootDir: string, extra: Partial<Config> = {}): Config {
  return {
    displayName,
    rootDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: {
      '^@portcullis/testing/(nest|express)$': '<rootDir>/../../packages/testing/src/$1/index.ts',
      '^@portcullis/(core|nest|express|testing)$': '<rootDir>/../../packages/$1/src/index.ts',
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
    ...extra,
  };
}

/** Running `jest` at the root runs every project. */
const config: Config = {
  projects: ['<rootDir>/packages/*/jest.config.ts', '<rootDir>/apps/*/jest.config.ts'],
};
export default config;
