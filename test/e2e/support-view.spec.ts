// The support side as a support agent meets it, in Debian's Chromium: a real server on 127.0.0.1
// with the embedded store, a case uploaded the way the owner's app uploads it (gzip, with the demo
// printer jammed and its serial replaced by <serial-1>), sign-in with a support token, the case
// opened by its code, and the answers to bad input. Screenshots go to test-results/support-view/.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import type { FastifyInstance } from 'fastify';
import { UploadResponseSchema } from '../../common/diagnostics/api.js';
import { checkCharacter } from '../../common/diagnostics/case-code.js';
import { buildServer } from '../../server/app.js';
import { hashToken } from '../../server/http/auth.js';
import { openStore } from '../../server/store/open-store.js';
import type { Store } from '../../server/store/store.js';
import { errorStateBundle, REAL_SERIAL } from '../integration/server/diagnostics-fixture.js';

const ADMIN_TOKEN = 'ts_admin_support-view-e2e';
const SHOTS = resolve(import.meta.dirname, '../../test-results/support-view');
const DAY = 86_400_000;

let dir = '';
let store: Store;
let app: FastifyInstance;
let base = '';
let caseCode = '';
let uploadedText = '';
let supportToken = '';
const expiredCode = `EXP1-RED0-${checkCharacter('EXP1RED0')}`;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'trayside-support-e2e-'));
  store = await openStore({ dataDir: dir });
  await store.addToken(hashToken(ADMIN_TOKEN), 'admin', 'support view e2e', new Date());
  app = await buildServer({ store, logLevel: 'warn' });
  base = await app.listen({ host: '127.0.0.1', port: 0 });

  uploadedText = JSON.stringify(errorStateBundle(Date.now()));
  const uploaded = await fetch(`${base}/v1/diagnostics`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-trayside-install': 'install-e2e-0001',
      'idempotency-key': 'e2e-capture-0001',
    },
    body: new Uint8Array(gzipSync(uploadedText)),
  });
  expect(uploaded.status).toBe(201);
  caseCode = UploadResponseSchema.parse(await uploaded.json()).caseCode;

  // A case uploaded 31 days ago: past the 30-day retention, not yet pruned.
  const longAgo = Date.now() - 31 * DAY;
  await store.diagnostics.insertCase({
    newCode: () => expiredCode,
    deleteTokenHash: hashToken('expired-case-delete-token'),
    installId: null,
    idempotencyKey: null,
    contentHash: 'expired',
    uploadedAt: new Date(longAgo),
    expiresAt: new Date(longAgo + 30 * DAY),
    compressed: gzipSync(JSON.stringify(errorStateBundle(longAgo))),
    bytes: 1,
    summary: { appVersion: '0.1.0', host: 'node', platform: 'linux', devices: [], capturedAt: longAgo },
  });

  const created = await fetch(`${base}/v1/admin/support-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ana (helpdesk)' }),
  });
  supportToken = ((await created.json()) as { token: string }).token;
  await mkdir(SHOTS, { recursive: true });
});

test.afterAll(async () => {
  await app?.close();
  await store?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${base}/support`);
  await page.getByLabel('Support token').fill(supportToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Signed in as Ana (helpdesk)')).toBeVisible();
}

async function openCase(page: Page, typed: string): Promise<void> {
  await page.getByLabel('Case code').fill(typed);
  await page.getByRole('button', { name: 'Open case' }).click();
}

test('a support agent signs in, opens the case by its code and sees the jam on the timeline, the supply charts, and the serial only as a placeholder', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  // A blocked script or style (the content security policy) or any script error shows up here.
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/401 \(Unauthorized\)/.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${base}/support`);
  await page.getByLabel('Support token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('That is an admin or device token');
  await page.getByLabel('Support token').fill(supportToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Signed in as Ana (helpdesk)')).toBeVisible();

  // Read over the phone: lower case, spaces, an O for the zero.
  await openCase(page, caseCode.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o'));
  await expect(page.getByRole('heading', { name: `Case ${caseCode}` })).toBeVisible();

  const device = page.locator('article.device');
  await expect(device).toContainText('Demo Printer 805');
  await expect(device.locator('dt', { hasText: /^Serial$/ }).locator('+ dd')).toHaveText('<serial-1>');
  await expect(device).toContainText('error — Paper jam in the rear unit');

  const jam = page.locator('.timeline li[data-kind="error"]', { hasText: 'Paper jam in the rear unit' });
  await expect(jam).toBeVisible();
  await expect(jam).toContainText('during repro');
  await expect(page.locator('.timeline li[data-kind="repro-start"]')).toBeVisible();
  await expect(page.locator('.timeline li[data-kind="message"]')).toContainText('Cyan running low — order 805XL');
  await expect(page.locator('.timeline li[data-kind="owner-action"]').first()).toContainText('dismissed');
  await expect(page.getByRole('status')).toContainText('Active device errors: Paper jam in the rear unit');

  for (const supply of ['cyan', 'black']) {
    const chart = page.locator(`figure.supply-chart[data-supply="${supply}"]`);
    await expect(chart.locator('canvas')).toBeVisible();
    expect((await chart.locator('canvas').boundingBox())!.width).toBeGreaterThan(300);
  }
  await expect(page.locator('figure.supply-chart[data-supply="cyan"] figcaption')).toContainText('14 % at capture · about 7 days left');

  // Markup in a log line is text: no element made from it, no script run.
  const logs = page.locator('table.logs tbody tr');
  await expect(logs).toHaveCount(6);
  await expect(page.locator('table.logs')).toContainText('<img src=x onerror=');
  await expect(page.locator('table.logs img')).toHaveCount(0);
  expect(await page.title()).toBe('Trayside support');

  await page.getByLabel('Level').selectOption('error');
  await expect(logs).toHaveCount(1);
  await expect(logs.first()).toContainText('paper jam in the rear unit (code 41201)');
  await page.getByLabel('Level').selectOption('trace');
  await page.getByLabel('Search').fill('pjl');
  await expect(logs).toHaveCount(1);
  await expect(page.getByText('Showing 1 of 6 lines.')).toBeVisible();
  await page.getByLabel('Search').fill('');

  const body = await page.locator('body').innerText();
  expect(body).not.toContain(REAL_SERIAL);
  expect(body).toContain('<serial-1>');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download raw bundle' }).click()]);
  expect(download.suggestedFilename()).toBe(`trayside-case-${caseCode}.json`);
  expect(readFileSync((await download.path())!, 'utf8')).toBe(uploadedText);

  await page.screenshot({ path: join(SHOTS, 'case-1280.png'), fullPage: true });
  expect(problems).toEqual([]);

  const log = await fetch(`${base}/v1/admin/diagnostics/access-log?code=${caseCode}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const actions = ((await log.json()) as { entries: { action: string; tokenName: string }[] }).entries.map(
    (entry) => `${entry.action} by ${entry.tokenName}`,
  );
  expect(actions).toEqual(['download by Ana (helpdesk)', 'open by Ana (helpdesk)']);
});

test('the case reads on a 360 px phone and at 200 % zoom without sideways scrolling of the page', async ({ browser }) => {
  for (const [name, options] of [
    ['360', { viewport: { width: 360, height: 780 }, deviceScaleFactor: 1 }],
    // 200 % zoom of a 1280 px window: 640 CSS pixels, each two device pixels.
    ['zoom-200', { viewport: { width: 640, height: 900 }, deviceScaleFactor: 2 }],
  ] as const) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await signIn(page);
    await openCase(page, caseCode);
    await expect(page.locator('.timeline li[data-kind="error"]', { hasText: 'Paper jam' })).toBeVisible();
    await expect(page.locator('figure.supply-chart[data-supply="cyan"] canvas')).toBeVisible();
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      view: window.innerWidth,
      chart: document.querySelector('figure.supply-chart canvas')!.getBoundingClientRect().right,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    expect(widths.chart).toBeLessThanOrEqual(widths.view);
    await page.screenshot({ path: join(SHOTS, `case-${name}.png`), fullPage: true });
    await context.close();
  }
});

test('unknown, expired and mistyped codes answer clearly, and unknown and expired alike', async ({ page }) => {
  await signIn(page);
  const unknown = `K7QM-42XD-${checkCharacter('K7QM42XD')}`;
  await openCase(page, unknown);
  await expect(page.getByRole('alert')).toContainText(`No case ${unknown} is open to you. Cases are kept 30 days after upload`);
  const unknownText = (await page.getByRole('alert').innerText()).replace(unknown, 'CODE');
  await page.screenshot({ path: join(SHOTS, 'unknown-code.png'), fullPage: true });

  await openCase(page, expiredCode);
  await expect(page.getByRole('alert')).toContainText(`No case ${expiredCode} is open to you.`);
  expect((await page.getByRole('alert').innerText()).replace(expiredCode, 'CODE')).toBe(unknownText);

  const symbols = caseCode.replace(/-/g, '').split('');
  symbols[2] = symbols[2] === 'A' ? 'B' : 'A';
  await openCase(page, symbols.join(''));
  await expect(page.getByRole('alert')).toHaveText('That case code has a typo: one character is wrong or two are swapped.');
  await openCase(page, 'K7QM-42');
  await expect(page.getByRole('alert')).toContainText('A case code has 9 characters');
  await page.screenshot({ path: join(SHOTS, 'mistyped-code.png'), fullPage: true });
});

test('the upload answers oversized, truncated and wrong-type bodies with a clear 4xx', async () => {
  const post = (body: string, headers: Record<string, string>) => fetch(`${base}/v1/diagnostics`, { method: 'POST', headers, body });
  const text = uploadedText;

  const oversized = await post(
    JSON.stringify({
      ...errorStateBundle(Date.now()),
      logs: [{ time: 0, level: 'info', source: 'x', message: 'y'.repeat(9 * 1024 * 1024) }],
    }),
    { 'content-type': 'application/json' },
  );
  expect(oversized.status).toBe(413);
  expect(((await oversized.json()) as { message: string }).message).toContain('larger than this server accepts');

  const truncated = await post(text.slice(0, text.length - 200), { 'content-type': 'application/json' });
  expect(truncated.status).toBe(400);
  expect(((await truncated.json()) as { message: string }).message).toMatch(/ends early .* Nothing was stored; upload again/);

  const wrongType = await post(text, { 'content-type': 'text/plain' });
  expect(wrongType.status).toBe(415);
  expect(((await wrongType.json()) as { message: string }).message).toContain('Content-Type: application/json');
});
