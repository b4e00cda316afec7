import { defineConfig } from 'vitest/config';

// The multi-node tier's own config: three server processes on the PostgreSQL cluster npm test starts for it.
// eslint-disable-next-line no-restricted-syntax -- vitest reads the default export
export default defineConfig({
  test: {
    include: ['test/multinode/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
  },
});
