// The marketer's preview (`npm run preview -- <campaign.json> --device <state.json>`) as a marketer
// runs it: the command from source in its own process, with its own throwaway backend, and the
// panel it prints opened in Chromium. A matching state shows the draft's title in the real panel;
// a state the draft does not match shows no message, and the printed explanation says why.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import type { PreviewDeviceStateRaw } from '../../common/messages/explain-targeting.js';

const root = resolve(import.meta.dirname, '../..');
let preview: ChildProcess | undefined;
let inputs = '';
let output = '';

const lowCyan: PreviewDeviceStateRaw = {
  productLine: 'trayside-demo',
  locale: 'de-DE',
  region: 'DE',
  timeZone: 'Europe/Berlin',
  device: { vendor: 'Acme', model: 'Trayside Demo Printer' },
  supplies: [
    { id: 'black', name: 'Schwarz', kind: 'ink', color: 'black', level: 60, partNumber: 'TS-805XL-K' },
    { id: 'cyan', name: 'Cyan', kind: 'ink', color: 'cyan', level: 9, partNumber: 'TS-805XL-C' },
  ],
};

/** The draft: the demo low-cyan campaign for Germany only, so region and supply level both decide. */
async function draftFile(): Promise<string> {
  const demo = JSON.parse(await readFile(join(root, 'server/demo/cyan-low-805xl.json'), 'utf8')) as Record<string, unknown>;
  const file = join(inputs, 'draft.json');
  await writeFile(
    file,
    JSON.stringify({ ...demo, id: 'draft-cyan-de', segment: { productLines: ['trayside-demo'], locales: ['en', 'de'], regions: ['DE'] } }),
  );
  return file;
}

/** Runs the preview command and resolves with the panel URL it prints, once the panel is served. */
async function startPreview(state: PreviewDeviceStateRaw, extra: string[] = []): Promise<string> {
  const stateFile = join(inputs, 'state.json');
  await writeFile(stateFile, JSON.stringify(state));
  output = '';
  preview = spawn(process.execPath, ['--import', 'tsx', 'host/preview-cli.ts', await draftFile(), '--device', stateFile, ...extra], {
    cwd: root,
    env: { ...process.env, TRAYSIDE_BRANDING: '', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise<string>((done, fail) => {
    preview!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Preview panel: (\S+)/.exec(output)?.[1];
      if (url) done(url);
    });
    preview!.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    preview!.once('exit', (code) => fail(new Error(`the preview exited (${code}) before serving the panel:\n${output}`)));
  });
}

/** Ctrl+C, as the marketer ends it; resolves with the exit code. */
async function interrupt(): Promise<number | null> {
  if (!preview || preview.exitCode !== null) return preview?.exitCode ?? null;
  const exited = new Promise<number | null>((done) => preview!.once('exit', (code) => done(code)));
  preview.kill('SIGINT');
  return exited;
}

test.beforeEach(async () => {
  inputs = await mkdtemp(join(tmpdir(), 'trayside-preview-e2e-'));
});

// Playwright reads fixtures from the destructuring pattern, so an empty one is required here.
// eslint-disable-next-line no-empty-pattern
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('preview output', { body: output });
  await interrupt();
  await rm(inputs, { recursive: true, force: true });
});

test('a matching state shows the draft in the real panel, and Ctrl+C removes the temporary folder', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const url = await startPreview(lowCyan);
  expect(output).toContain('Campaign draft-cyan-de: MATCHES this device state (published only to a throwaway backend on this machine).');
  expect(output).toMatch(/✓ region +Region "DE" is one of "DE"\./);
  expect(output).toContain('cyan ink reads 9 % (trips it)');
  expect(output).toContain('The panel shows variant plain as the owner would see it.');
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

  await page.goto(url);
  await expect(page.getByText('Trayside Demo Printer').first()).toBeVisible();
  // The owner's locale is de-DE: the German words of the first variant, not the English ones.
  const entry = page.getByRole('article', { name: /Cyan wird knapp — 805XL bestellen/ });
  await expect(entry).toBeVisible({ timeout: 20_000 });
  await entry.getByRole('button', { name: /Cyan wird knapp/ }).click();
  await expect(entry.getByRole('button', { name: '805XL Cyan bestellen' })).toBeVisible();
  // The panel scrolls inside its own column: the message itself, opened, is what the marketer checks.
  await entry.screenshot({ path: testInfo.outputPath('preview-message.png') });

  const folder = /Ctrl\+C ends the preview and removes (\S+)\./.exec(output)?.[1];
  expect(folder).toMatch(/trayside-preview-/);
  expect(existsSync(folder!)).toBe(true);
  expect(await interrupt()).toBe(0);
  expect(existsSync(folder!)).toBe(false);
});

test('a state in another region or above the trigger shows no message, and the printed reason says why', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const url = await startPreview({
    ...lowCyan,
    region: 'AT',
    supplies: [lowCyan.supplies![0]!, { ...lowCyan.supplies![1]!, level: 40 }],
  });
  expect(output).toContain('Campaign draft-cyan-de: does NOT match this device state');
  expect(output).toMatch(/✗ region +Region "AT" is not one of "DE"\./);
  expect(output).toContain('cyan ink reads 40 % (does not)');
  expect(output).toContain('The panel shows no message for this state (see above) as the owner would see it.');

  await page.goto(url);
  await expect(page.getByText('Trayside Demo Printer').first()).toBeVisible();
  // Checked against the throwaway backend (its manifest is fetched), and still nothing to show.
  // The owner's locale is de-DE, so the panel speaks German: "Aktuell" is "Up to date".
  await expect(page.getByTestId('messages-status')).toHaveText(/^Aktuell · geprüft \d{1,2}:\d{2}/, { timeout: 20_000 });
  const messages = page.getByRole('region', { name: /Nachrichten/ });
  await expect(messages.getByText('Keine Nachrichten.')).toBeVisible();
  await expect(messages.getByRole('article')).toHaveCount(0);
  await expect(page.getByText(/Cyan wird knapp|Cyan running low/)).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('preview-not-matching.png'), fullPage: true });
});

test('a bad device state file is one line naming the file and the field, exit 2', async () => {
  const stateFile = join(inputs, 'state.json');
  await writeFile(stateFile, JSON.stringify({ ...lowCyan, region: 'Germany' }));
  preview = spawn(process.execPath, ['--import', 'tsx', 'host/preview-cli.ts', await draftFile(), '--device', stateFile], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  preview.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => preview!.once('exit', (exit) => done(exit)));
  expect(code).toBe(2);
  expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^preview: .*state\.json: invalid device state: region: /)]);
});
