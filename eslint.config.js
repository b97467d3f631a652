// Flat ESLint config for the whole workspace: typescript-eslint recommended rules, plus the
// dependency-direction rules (apps -> adapters -> core; testing -> core), which
// scripts/check-boundaries.mjs also enforces on the Nx project graph from project tags.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const frameworks = ['@nestjs/*', 'express', 'fastify', '@fastify/*', 'passport', 'passport-*'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'bench/results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports', disallowTypeAnnotations: false }],
      'no-restricted-syntax': ['error', { selector: "ExportAllDeclaration", message: 'Export by name (STYLE.md §6): no `export *`.' }],
    },
  },
  {
    // Nest injects by emitted metadata: constructor-parameter classes must be value imports.
    files: ['packages/nest/**/*.ts', 'apps/orders-api/**/*.ts', 'packages/testing/src/nest/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The core speaks plain request shapes and never imports a framework or an adapter.
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: [...frameworks, '@portcullis/*'], message: 'core imports no framework and no other Portcullis package' }] },
      ],
    },
  },
  {
    // Adapters depend on core only; never on each other or on apps.
    files: ['packages/nest/src/**/*.ts', 'packages/express/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@portcullis/testing', '@portcullis/testing/*', '../../apps/*', '**/apps/**'], message: 'adapters import core only' }] },
      ],
    },
  },
  {
    files: ['packages/testing/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/**'], message: 'nothing imports an app' }] }],
    },
  },
);
