import { defineConfig } from 'vitest/config';

// The IPP tier's own config: the default run excludes test/ipp because these tests need the
// ippeveprinter that scripts/ipp/run.sh starts (and test/discovery its DNS-SD namespace).
// eslint-disable-next-line no-restricted-syntax -- vitest reads the default export
export default defineConfig({
  test: {
    include: ['test/ipp/**/*.test.ts', 'test/discovery/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks',
    // One printer is shared: files must not change its levels at the same time.
    fileParallelism: false,
  },
});
