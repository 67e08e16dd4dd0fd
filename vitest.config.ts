import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Worker-thread clusters are CPU-bound on a 2-core machine: run test files two at a time.
    maxWorkers: 2,
    // vitest's summary, then one plain `N passed, N failed` line for CI logs.
    reporters: ['default', './tests/reporters/plain-summary.ts'],
  },
});
