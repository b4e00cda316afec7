// The whole loop as people run it: the owner's panel (Node host, demo printer jammed) captures with
// serials removed and uploads to the real backend for a case code; a support agent signs in to the
// backend's support view in another browser context, opens that code, and finds the jam on the
// timeline, the supply chart, and the serial only as its placeholder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrandingSchema } from '../../common/branding.js';
import { parseCaseCode } from '../../common/diagnostics/case-code.js';
import { systemClock } from '../../common/lifecycle.js';
import { createAppLogger } from '../../core/logging/app-logger.js';
import { startTestServer, type TestServer } from '../support/test-backend.js';
import { expect, test } from './harness.js';

const SERIAL = 'TS-DEMO-0001';
const SHOTS = resolve(import.meta.dirname, '../../test-results/support-view');
const ADMIN_TOKEN = 'ts_admin_support-loop-e2e';

let dataDir = '';
let server: TestServer | undefined;
test.afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  dataDir = '';
});

test('the owner uploads a capture of the jammed demo printer; support opens the code and sees the jam, the supplies and only <serial-1>', async ({
  page,
  trayside,
  browser,
}) => {
  test.setTimeout(120_000);
  dataDir = mkdtempSync(join(tmpdir(), 'trayside-e2e-support-loop-'));
  const logger = createAppLogger({ dir: join(dataDir, 'logs'), clock: systemClock });
  logger.write('warn', 'devices', `paper jam reported by ${SERIAL}`);
  await logger.close();
  server = await startTestServer({}, { adminToken: ADMIN_TOKEN });
  const branding = BrandingSchema.parse({
    name: 'Trayside',
    backendUrl: server.url,
    signingKeys: [await server.publicKey()],
    productLine: 'trayside-demo',
    supportUrl: 'https://support.example.com/trayside',
  });
  const app = await trayside({ core: { dataDir, branding, features: { messages: false, events: false } } });
  app.printer.setCondition('media-jam', true);
  await app.core.monitor.refresh(app.core.monitor.snapshots()[0]!.id);

  // The owner: Get help → capture (serials removed by default) → send once → read the code.
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Get help' }).click();
  const help = page.getByRole('dialog', { name: 'Get help' });
  await help.getByRole('button', { name: 'Capture diagnostics' }).click();
  await expect(help.getByRole('checkbox', { name: /Remove serial numbers \(\d+ found\)/ })).toBeChecked();
  await help.getByRole('button', { name: 'Send to support' }).click();
  await help.getByRole('button', { name: 'Yes, send it once' }).click();
  const caseCode = help.locator('.case-code');
  await expect(caseCode).toBeVisible({ timeout: 15_000 });
  const code = (await caseCode.getAttribute('data-case-code'))!;
  expect(parseCaseCode(code)).toEqual({ ok: true, code });

  // Support: a token from the admin, sign-in, the code as read over the phone.
  const created = await fetch(new URL('/v1/admin/support-tokens', server.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ben (support)' }),
  });
  const { token } = (await created.json()) as { token: string };
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const support = await context.newPage();
  await support.goto(new URL('/support', server.url).toString());
  await support.getByLabel('Support token').fill(token);
  await support.getByRole('button', { name: 'Sign in' }).click();
  await support.getByLabel('Case code').fill(code.toLowerCase().replace(/-/g, ' '));
  await support.getByRole('button', { name: 'Open case' }).click();
  await expect(support.getByRole('heading', { name: `Case ${code}` })).toBeVisible();

  const jam = support.locator('.timeline li[data-kind="error"]').filter({ hasText: /jam/i });
  await expect(jam.first()).toBeVisible();
  await expect(jam.first()).toContainText('media-jam');
  await expect(support.locator('figure.supply-chart canvas').first()).toBeVisible();
  await expect(support.locator('table.logs')).toContainText('paper jam reported by <serial-1>');
  const seen = await support.locator('body').innerText();
  expect(seen).not.toContain(SERIAL);
  expect(seen).toContain('<serial-1>');
  await support.screenshot({ path: join(SHOTS, 'owner-loop-case.png'), fullPage: true });
  await context.close();
});
