import { defineConfig } from 'vitest/config';

/**
 * Three projects with their own limits. Unit tests get the smallest (pure logic). Integration and e2e tests talk to real servers
 * and spawn processes on a shared 2-core machine: their budgets are below, and a single test
 * that needs more says why next to its own number. test/containers is in no project: it needs a
 * Docker engine and its images (`npm run test:containers`, its own config).
 */
export default defineConfig({
  test: {
    // Files are isolated (own queue prefix, own database), so they may run in parallel;
    // two at a time fits this 2-core machine without starving the spawned workers.
    maxWorkers: 2,
    // The SIGKILL e2e test restarts workers; retries would hide flakiness, so none.
    retry: 0,
    // In CI also write a JSON report; .ci/run prints its plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.cache/vitest-report.json' } : undefined,
    projects: [
      {
        extends: true,
        // Pure logic: well under a second each when the machine is idle, but CI and development
        // share 2 cores with other jobs (10 s seen for a 100 ms test under load 30): 30 s, half
        // the servers' budget; a test generating whole synthetic campaigns says so with its own.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/deploy/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
          setupFiles: ['test/setup/leak-guard.ts'],
          // A round through real Redis, the store and in-process workers: seconds, up to a minute
          // when the machine is shared (connections, index builds, the first snapshot load).
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
          setupFiles: ['test/setup/leak-guard.ts'],
          // Whole processes (API, workers, a browser) started cold with tsx: ~10-30 s each before a test can begin.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
