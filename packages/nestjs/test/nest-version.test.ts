import { NestFactory } from '@nestjs/core';
import corePackage from '@nestjs/core/package.json';
import { describe, expect, it } from 'vitest';

describe('test matrix leg', () => {
  it('loads the NestJS major this leg is meant to exercise', () => {
    const expected = process.env.NEST_MAJOR;
    expect(expected).toMatch(/^1[12]$/);
    expect(corePackage.version.split('.')[0]).toBe(expected);
    expect(typeof NestFactory.create).toBe('function');
  });
});
