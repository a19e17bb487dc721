import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Protocol tests start real servers and child processes: keep runs predictable on 2 cores.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
