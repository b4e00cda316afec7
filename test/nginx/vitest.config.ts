import { defineConfig } from 'vitest/config';

// The export tier's own config: these tests start Debian's nginx, so the default run leaves them out.
// eslint-disable-next-line no-restricted-syntax -- vitest reads the default export
export default defineConfig({
  test: {
    include: ['test/nginx/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
