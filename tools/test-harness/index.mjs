// @tracker-auth-tools/test-harness: shared e2e plumbing for tests, apps' e2e suites and tools.
// Never imported by published package code (it is private and never built).
export { freePort, freePorts, waitForHttp, waitForPort } from './ports.mjs';
export { isMain, runCommand, runToExit, startProcess, stopChild, stripAnsi } from './processes.mjs';
export { nextBuild, nextEnv, nextStart, nextStartExpectingExit } from './next.mjs';
export { ensureLockedInstall } from './matrix-install.mjs';
export { bundleForNode } from './bundle.mjs';
export { Browser, CookieBrowser, ValueBrowser, cookiesOf } from './browser.mjs';
export { e2eTestOptions } from './vitest-e2e.mjs';
export { openRawConnection, pumpEndlessChunkedBody } from './raw-http.mjs';
