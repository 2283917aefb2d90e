/**
 * @tracker-auth-tools/test-harness: shared e2e plumbing (free ports, child processes with a clean
 * stop, HTTP readiness, a cookie-jar browser, test-matrix installs) for tests, apps' e2e suites
 * and tools. Never imported by published package code.
 */
import type { ChildProcess } from 'node:child_process';

/** A TCP port on `host` (default 127.0.0.1) that was free a moment ago. */
export declare function freePort(host?: string): Promise<number>;
/** `count` distinct ports, all free a moment ago (held together, so never the same port twice). */
export declare function freePorts(count: 2, host?: string): Promise<[number, number]>;
export declare function freePorts(count: number, host?: string): Promise<number[]>;

export interface WaitForHttpOptions {
  /** Default 60 000. */
  timeoutMs?: number;
  /** Pause between attempts; default 250. */
  intervalMs?: number;
  /** Per-attempt timeout; default 5000. */
  requestTimeoutMs?: number;
  /** Called before each attempt; throw to give up (e.g. the server process exited). */
  check?: () => void;
  /** Called once on timeout, before the error is thrown (e.g. stop the server). */
  onTimeout?: () => Promise<void> | void;
  /** The timeout error's message. */
  describe?: () => string;
}

/** Poll `url` until any HTTP answer arrives (any status). */
export declare function waitForHttp(url: string, options?: WaitForHttpOptions): Promise<void>;

/** Poll until a TCP connection to `host:port` (host default 127.0.0.1) succeeds. */
export declare function waitForPort(port: number, options?: { host?: string; timeoutMs?: number; intervalMs?: number }): Promise<void>;

/** Stop a child: `ask` it (default SIGTERM, to its group with `group`), SIGKILL after `graceMs` (default 5000). */
export declare function stopChild(child: ChildProcess, options?: { ask?: () => void; graceMs?: number; group?: boolean }): Promise<void>;

export interface StartProcessOptions {
  cwd?: string;
  /** The whole environment of the child; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Name used in error messages; default the command. */
  name?: string;
  /** SIGTERM → SIGKILL delay of stop(); default 5000. */
  graceMs?: number;
}

export interface StartedProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as received. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM to the process group, SIGKILL after the grace period; resolves once it exited. */
  stop(): Promise<void>;
  /** First match of `pattern` in the output; rejects with "<name> exited early (code N):\n<output>". */
  waitForOutput(pattern: RegExp): Promise<RegExpExecArray>;
  /** Poll `url` until it answers; throws if the process exits first; on timeout stops it and throws. */
  waitForHttp(url: string, options?: { timeoutMs?: number }): Promise<void>;
}

/** Start a long-running process in a process group of its own, output captured. */
export declare function startProcess(command: string, args: readonly string[], options?: StartProcessOptions): StartedProcess;

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as received. */
  output: string;
}

/** Run a process to its end; with `timeoutMs`, send `timeoutSignal` (default SIGKILL) if it still runs then. */
export declare function runToExit(
  command: string,
  args: readonly string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; timeoutSignal?: NodeJS.Signals },
): Promise<ExitResult>;

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** `${stdout}\n${stderr}` without ANSI colours. */
  output: string;
}

/** Run a command synchronously; never throws for a failing exit. */
export declare function runCommand(command: string, args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): CommandResult;

/** Text without ANSI colour codes. */
export declare function stripAnsi(text: string): string;

/** Whether the module at `moduleUrl` (its import.meta.url) is the script node was started with. */
export declare function isMain(moduleUrl: string): boolean;

/** process.env plus NEXT_TELEMETRY_DISABLED=1, NODE_ENV=production and `extra`. */
export declare function nextEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;

/** `next build [dir]` in `cwd` with the given Next binary; never throws. */
export declare function nextBuild(nextBin: string, cwd: string, dir?: string): CommandResult;

export interface RunningNext {
  url: string;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** `next start` on 127.0.0.1:`port`; resolves once `readyPath` answers HTTP (any status). */
export declare function nextStart(options: {
  nextBin: string;
  cwd: string;
  port: number;
  env?: Record<string, string>;
  readyPath: string;
  /** Default 60 000. */
  timeoutMs?: number;
}): Promise<RunningNext>;

/** `next start` expected to stop by itself: exit code and output (SIGKILL after `timeoutMs`, default 60 000). */
export declare function nextStartExpectingExit(options: {
  nextBin: string;
  cwd: string;
  port: number;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<{ code: number | null; output: string }>;

/** Run `npm ci` in the test-matrix folder `dir` unless its node_modules matches its package-lock.json. */
export declare function ensureLockedInstall(dir: string, label: string): void;

/** Bundle a TypeScript entry (absolute path) for Node 20 into `<tmp>/<prefix>XXXXXX/child.mjs`. */
export declare function bundleForNode(entry: string, prefix: string): Promise<{ dir: string; script: string }>;

/** A cookie as the browser keeps it, with the attribute text tests check. */
export interface StoredCookie {
  value: string;
  attributes: string;
}

/**
 * A minimal browser: per-host cookie jar (Max-Age=0, a 1970 Expires or an empty value deletes),
 * redirects followed by hand so every hop can be checked. Generic in what the jar keeps.
 */
export declare class CookieBrowser<C> {
  protected constructor(keep: (value: string, attributes: string) => C, valueOf: (cookie: C) => string);
  readonly jar: Map<string, Map<string, C>>;
  /** Every Set-Cookie header seen, in order. */
  readonly setCookies: string[];
  /** The (mutable) cookies of `url`'s host. */
  cookies(url: string): Map<string, C>;
  /** fetch with the jar's cookies (unless init sets a cookie header), redirects not followed. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** Fetch `url` and follow redirects (up to 10), returning every hop and the final response. */
  follow(url: string, init?: RequestInit): Promise<{ hops: Array<{ url: string; status: number }>; response: Response }>;
}

/** The browser whose jar keeps each cookie's value and attributes. */
export declare class Browser extends CookieBrowser<StoredCookie> {
  constructor();
}

/** The browser whose jar keeps each cookie's value only. */
export declare class ValueBrowser extends CookieBrowser<string> {
  constructor();
}

/** name=value of every Set-Cookie of a response. */
export declare function cookiesOf(response: Response): Map<string, string>;

/** Vitest `test` options of an app's e2e suite (fresh object per call). */
export declare function e2eTestOptions(): {
  include: string[];
  testTimeout: number;
  hookTimeout: number;
  pool: 'forks';
  fileParallelism: boolean;
};

/** A raw TCP connection to a local HTTP server, for requests fetch cannot send. */
export interface RawConnection {
  socket: import('node:net').Socket;
  /** Everything received so far (latin1). */
  text(): string;
  /** Resolves once `text` has been received. */
  until(text: string): Promise<void>;
  /** Resolves with the time (epoch ms) the socket closed. */
  closed: Promise<number>;
}

/** Connect to 127.0.0.1:`port`; `track` receives the socket so the test can destroy it afterwards. */
export declare function openRawConnection(port: number, options?: { track?: (socket: import('node:net').Socket) => void }): Promise<RawConnection>;

/** Write 16 KiB chunked frames for as long as the socket accepts them; `sent()` counts the bytes written. */
export declare function pumpEndlessChunkedBody(socket: import('node:net').Socket): { sent(): number };
