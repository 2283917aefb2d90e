import { definePackageConfig } from '../../vitest.shared';

/**
 * Every test runs twice: against Express 5 (`express`) and Express 4 (`express4`, an npm alias
 * of express@4). test/express.ts loads the major named by EXPRESS_MAJOR and asserts its version.
 */
export default definePackageConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'express5', env: { EXPRESS_MAJOR: '5' } } },
      { extends: true, test: { name: 'express4', env: { EXPRESS_MAJOR: '4' } } },
    ],
  },
});
