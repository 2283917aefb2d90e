// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import noImportCycle from './eslint-rules/no-import-cycle.mjs';

const frameworks = ['express', 'express-*', '@nestjs/*', 'next', 'next/*', 'react', 'react-*', 'rxjs', 'reflect-metadata'];
const ours = ['@tracker-auth/*'];
const tools = ['@tracker-auth-tools/*'];
const toolsMessage = 'published code must not import workspace tools (they are private and never built).';
// One plugin object: flat config refuses two different objects under one plugin name.
const trackerAuthPlugin = { rules: { 'no-import-cycle': noImportCycle } };

/**
 * Patterns are matched against the whole import specifier (anchored), so a relative path
 * such as './http/upstream.js' never matches a bare module name such as 'http'.
 * @param {string[]} group @param {string} message
 */
const banned = (group, message) => {
  const positives = group.filter((g) => !g.startsWith('!'));
  const negatives = group.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const toRegex = (/** @type {string} */ g) => g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  const neg = negatives.length ? `(?!(?:${negatives.map(toRegex).join('|')})(?:/|$))` : '';
  return { regex: `^${neg}(?:${positives.map(toRegex).join('|')})(?:/.*)?$`, message };
};

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/.next/**', '**/next-env.d.ts', '**/.nx/**', '**/coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', URL: 'readonly', URLSearchParams: 'readonly',
        fetch: 'readonly', Request: 'readonly', Response: 'readonly', Headers: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', AbortController: 'readonly',
        AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', crypto: 'readonly',
        Buffer: 'readonly', structuredClone: 'readonly', atob: 'readonly', btoa: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', queueMicrotask: 'readonly', document: 'readonly', window: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
    },
  },
  // Type-aware rules on published sources only (tests, samples and configs stay on the fast
  // syntactic rules): a library full of fire-and-forget work must not drop a rejection.
  {
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/*/src/**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  // No import cycle anywhere: every package's src, its tests and scripts, the tools (plain .mjs)
  // and the apps. Runtime and type-only imports both count: a type cycle still ties two files
  // together. Patterns are `**/`-relative so the tools' own configs, which re-export this one
  // from their directory, apply it too.
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    plugins: { 'tracker-auth': trackerAuthPlugin },
    rules: { 'tracker-auth/no-import-cycle': 'error' },
  },
  // Dependency rule (docs/architecture.md): core imports no framework and no sibling package,
  // and its default entry is web-standard only (node: lives in src/node.ts).
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts', 'packages/core/src/node.ts', 'packages/core/src/node/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          banned(frameworks, 'core must not import a framework (docs/architecture.md: dependency rule).'),
          banned(ours, 'core must not import another @tracker-auth package.'),
          banned(tools, toolsMessage),
          banned(['node:*', 'fs', 'path', 'http', 'https', 'crypto', 'os', 'url', 'util', 'stream', 'buffer', 'net'], 'core default entry is web-standard only; put Node-specific code in src/node.ts.'),
        ],
      }],
    },
  },
  {
    files: ['packages/core/src/node.ts', 'packages/core/src/node/**/*.ts', 'packages/core/src/**/*.test.ts', 'packages/core/test/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          banned(frameworks, 'core must not import a framework (docs/architecture.md: dependency rule).'),
          banned(['@tracker-auth/express', '@tracker-auth/nestjs', '@tracker-auth/next', '@tracker-auth/core', '@tracker-auth/core/*'], 'core must not import another @tracker-auth package (tests may use @tracker-auth/testing).'),
        ],
      }],
    },
  },
  {
    files: ['packages/testing/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [banned([...ours, ...tools], 'testing is an independent stand-in for Yandex and imports nothing of ours.'), banned(frameworks, 'testing uses node:http only.')],
      }],
    },
  },
  {
    files: ['packages/express/src/**/*.ts'],
    ignores: ['packages/express/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [banned(['@tracker-auth/*', '!@tracker-auth/core'], 'an adapter imports core and its framework only.'), banned(['@nestjs/*', 'next', 'next/*', 'react'], 'the Express adapter imports Express only.'), banned(tools, toolsMessage)],
      }],
    },
  },
  {
    files: ['packages/nestjs/src/**/*.ts'],
    ignores: ['packages/nestjs/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [banned(['@tracker-auth/*', '!@tracker-auth/core'], 'an adapter imports core and its framework only.'), banned(['express', 'next', 'next/*', 'react'], 'the NestJS adapter imports NestJS only.'), banned(tools, toolsMessage)],
      }],
    },
  },
  {
    files: ['packages/next/src/**/*.ts'],
    ignores: ['packages/next/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [banned(['@tracker-auth/*', '!@tracker-auth/core'], 'an adapter imports core and its framework only.'), banned(['express', '@nestjs/*'], 'the Next adapter imports Next only.'), banned(tools, toolsMessage)],
      }],
    },
  },
  {
    files: ['packages/redis/src/**/*.ts'],
    ignores: ['packages/redis/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          banned(['@tracker-auth/*', '!@tracker-auth/core'], 'the Redis store imports core and its Redis client only.'),
          banned([...frameworks, 'redis', '@redis/*'], 'the Redis store imports core and ioredis only.'),
          banned(tools, toolsMessage),
        ],
      }],
    },
  },
  // The CLI is built on core only (its default and /node entries). It finds the fake of
  // @tracker-auth/testing at run time for `tracker-auth fake`; its tests may import the fake.
  {
    files: ['packages/cli/src/**/*.ts'],
    ignores: ['packages/cli/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          banned(['@tracker-auth/*', '!@tracker-auth/core'], 'the CLI imports core (and core/node) only; the fake is found at run time, never imported.'),
          banned(frameworks, 'the CLI imports core, commander and its spinner only.'),
          banned(tools, toolsMessage),
        ],
      }],
    },
  },
  {
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'apps/**/*.mjs', 'apps/**/*.js'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [banned(['@tracker-auth/*/src', '@tracker-auth/*/src/*', '**/packages/*/src', '**/packages/*/src/*'], 'apps import the published entry points only, never src/ of a package.')],
      }],
    },
  },
);
