import { defineConfig } from '@playwright/test';

/**
 * End-to-end tier: the built panel in Debian's Chromium, served by the Node host that each spec
 * starts in-process. Never `npx playwright install`: the browser is the system one.
 */
export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results/e2e-artifacts',
  // Every spec starts its own host on a free port, but the machine has two shared cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }], ['./test/e2e/summary-reporter.ts']],
  use: {
    browserName: 'chromium',
    viewport: { width: 380, height: 560 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
