import type { Config } from 'jest';

/**
 * Root Jest config: `npx jest` here runs every project. Each project's `jest.config.ts` builds on
 * `jest.preset.js` (native ESM, swc transform, `@portcullis/*` mapped to sources).
 */
const config: Config = {
  projects: ['<rootDir>/packages/*/jest.config.ts', '<rootDir>/apps/*/jest.config.ts'],
};
export default config;
