// A deliberately broken app: a client component importing @tracker-auth/next must not build.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../..', import.meta.url));

/** @type {import('next').NextConfig} */
export default { outputFileTracingRoot: root, turbopack: { root } };
