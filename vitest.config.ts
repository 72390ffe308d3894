import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The containers test needs a Docker engine and its images: `npm run test:containers` runs it.
    exclude: [...configDefaults.exclude, 'test/containers/**'],
    globalSetup: ['test/setup/global-setup.ts'],
    // Integration and e2e tests talk to real servers and spawn processes: give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files are isolated (own queue prefix, own database), so they may run in parallel;
    // two at a time fits this 2-core machine without starving the spawned workers.
    maxWorkers: 2,
    // The SIGKILL e2e test restarts workers; retries would hide flakiness, so none.
    retry: 0,
    // In CI also write a JSON report; .ci/run prints its plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.cache/vitest-report.json' } : undefined,
  },
});
