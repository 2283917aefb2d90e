/**
 * Runs the ```js examples of the README sections (packages/core/readme/*.md) as written: each is
 * written to a temporary module and imported, so `@tracker-auth/core` and `@tracker-auth/testing`
 * resolve to the sources (vitest aliases), and what it prints through `console.log` is returned
 * for the test to compare with the output the README states.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { vi } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The ```js blocks of one README section file, in order. */
export function readmeExamples(file: string): string[] {
  const text = readFileSync(join(packageDir, 'readme', file), 'utf8');
  return [...text.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** A runner writing its modules under `test/<area>/.readme-examples-<pid>/`; call `cleanup()` in `afterAll`. */
export function readmeExampleRunner(area: string): { run(code: string, name: string): Promise<string[]>; cleanup(): void } {
  const tmpDir = join(packageDir, 'test', area, `.readme-examples-${process.pid}`);
  return {
    async run(code, name) {
      mkdirSync(tmpDir, { recursive: true });
      const path = join(tmpDir, `${name}.mjs`);
      writeFileSync(path, code);
      const lines: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
      try {
        await import(/* @vite-ignore */ pathToFileURL(path).href);
      } finally {
        spy.mockRestore();
      }
      return lines;
    },
    cleanup: () => rmSync(tmpDir, { recursive: true, force: true }),
  };
}
