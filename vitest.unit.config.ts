import { defineConfig } from 'vitest/config';

/** Unit tests only: pure logic, no servers, no global setup. `npm run test:unit`. */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
  },
});
