import { defineConfig } from 'vitest/config';

// `npm run test:containers` only (the main config excludes test/containers): it needs a Docker
// engine and the images of scripts/images.sh, and starts its own Redis, store, provider, API and
// workers in containers, so no global setup for the machine's services.
export default defineConfig({
  test: {
    include: ['test/containers/**/*.test.ts'],
    // One stack on fixed host ports: never two files at once.
    fileParallelism: false,
    // Each step waits on containers (start, health checks, a killed worker's lock); the tests set their own limits.
    testTimeout: 600_000,
    hookTimeout: 900_000,
    retry: 0,
  },
});
