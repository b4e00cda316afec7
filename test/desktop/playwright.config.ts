import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

const root = resolve(import.meta.dirname, '../..');

/**
 * Desktop tier: the built app in the real Electron through Playwright's Electron driver. Needs an
 * Electron binary and a display, so it runs in .github/workflows/desktop.yml on Windows and
 * macOS; elsewhere every spec is skipped with the reason printed.
 */
// eslint-disable-next-line no-restricted-syntax -- Playwright loads the config's default export.
export default defineConfig({
  testDir: import.meta.dirname,
  testMatch: '*.spec.ts',
  outputDir: resolve(root, 'test-results/desktop-artifacts'),
  // One app at a time: each spec owns the tray and the single-instance lock of its profile.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: resolve(root, 'test-results/desktop.json') }], ['./summary-reporter.ts']],
});
