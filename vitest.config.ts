import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Protocol tests start real servers and child processes: keep runs predictable on 2 cores.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // No test reaches the internet: live sources stay off unless a test turns one on against a fake.
    env: { SOURCES: 'none' },
  },
});
