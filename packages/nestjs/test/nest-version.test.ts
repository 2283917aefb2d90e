import { createRequire } from 'node:module';
import { NestFactory } from '@nestjs/core';
import corePackage from '@nestjs/core/package.json';
import { describe, expect, it } from 'vitest';
import { TrackerAuthModule } from '../src/index.js';

const nest11Dir = new URL('../test-matrix/nest11/node_modules/@nestjs/', import.meta.url).pathname;

describe('test matrix leg', () => {
  it('loads the NestJS major this leg is meant to exercise', () => {
    const expected = process.env.NEST_MAJOR;
    expect(expected).toMatch(/^1[12]$/);
    expect(corePackage.version.split('.')[0]).toBe(expected);
    expect(typeof NestFactory.create).toBe('function');
    expect(typeof TrackerAuthModule.forRootAsync).toBe('function');
  });

  it('the adapter sources load the same NestJS as the tests (no second major in the graph)', () => {
    // NestJS 11 is CommonJS, so once loaded (by the tests or by ../src) its files sit in the
    // CommonJS cache; NestJS 12 is ESM (only its CommonJS helpers such as tslib show up there).
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) => /[\\/]@nestjs[\\/](common|core)[\\/]/.test(file));
    if (process.env.NEST_MAJOR === '11') {
      expect(loaded.length).toBeGreaterThan(0);
      expect(loaded.filter((file) => !file.startsWith(nest11Dir))).toEqual([]);
    } else {
      expect(loaded.filter((file) => file.startsWith(nest11Dir))).toEqual([]);
    }
  });
});
