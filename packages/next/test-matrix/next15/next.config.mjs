import { fileURLToPath } from 'node:url';

/** @type {import('next').NextConfig} */
export default {
  // The workspace lints these files itself; Next 15 would run ESLint again during the build.
  eslint: { ignoreDuringBuilds: true },
  // @tracker-auth/* are workspace symlinks into the monorepo.
  outputFileTracingRoot: fileURLToPath(new URL('../../../..', import.meta.url)),
};
