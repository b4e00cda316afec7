import { defineConfig } from 'vitest/config';

// The CUPS tier's own config: the default run excludes test/cups because these tests need the
// cupsd and ippeveprinter that scripts/cups/run.sh starts.
// eslint-disable-next-line no-restricted-syntax -- vitest reads the default export
export default defineConfig({
  test: {
    include: ['test/cups/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
