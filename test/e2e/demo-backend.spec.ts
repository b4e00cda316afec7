// What a newcomer sees after `npm start` without a display: the compiled Node host, the bundled
// demo branding, no flags and a fresh data folder. It starts its own demo backend, and the demo
// printer's low cyan brings the demo campaign's message into the panel within the first minute.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';

const root = resolve(import.meta.dirname, '../..');
let host: ChildProcess | undefined;
let dataDir = '';
let log = '';

// Playwright reads fixtures from the destructuring pattern, so an empty one is required here.
// eslint-disable-next-line no-empty-pattern
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('host.log', { body: log });
  if (host && host.exitCode === null) {
    const exited = new Promise((done) => host!.once('exit', done));
    host.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test('npm start with the demo branding shows the demo message in the panel within a minute', async ({ page }) => {
  test.setTimeout(90_000);
  const started = Date.now();
  dataDir = mkdtempSync(join(tmpdir(), 'trayside-demo-e2e-'));
  // As scripts/start.mjs runs it; only the port and the data folder differ from a newcomer's run.
  host = spawn(process.execPath, ['--max-semi-space-size=1', 'out/node/host/cli.js', '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, TRAYSIDE_BRANDING: '', TRAYSIDE_BACKEND_URL: '', TRAYSIDE_PUBLIC_KEY: '', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const panelUrl = await new Promise<string>((done, fail) => {
    host!.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const url = /Trayside panel: (\S+)/.exec(log)?.[1];
      if (url) done(url);
    });
    host!.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    host!.once('exit', (code) => fail(new Error(`the host exited (${code}) before serving the panel:\n${log}`)));
  });
  expect(log).toMatch(/demo backend: started on http:\/\/127\.0\.0\.1:\d+/);

  await page.goto(panelUrl);
  await expect(page.getByText('Trayside Demo Printer').first()).toBeVisible();
  const remaining = Math.max(1000, 60_000 - (Date.now() - started));
  await expect(page.getByRole('article', { name: /Cyan running low/ })).toBeVisible({ timeout: remaining });
});
