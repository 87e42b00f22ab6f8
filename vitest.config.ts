import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    // Records every response each test's apps send, for the check of the documented ones.
    setupFiles: ['test/support/responseRecorder.ts'],
    // Each file gets its own database, so files may run in parallel; the
    // 2-core machines this runs on gain nothing from more than two workers.
    maxWorkers: 2,
    // Generous: the property tests take tens of seconds on a quiet 2-core machine
    // and several times that on a loaded one; a hung test still fails.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
