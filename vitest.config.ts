import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{common,native,core,host,main,preload,renderer,server,test/integration,test/lint}/**/*.test.{ts,tsx}'],
    exclude: ['node_modules/**', 'out/**', 'test/e2e/**', 'test/desktop/**', 'test/hardware/**', 'test/ipp/**'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
