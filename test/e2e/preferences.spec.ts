// The preference center in Chromium through the Node host, against the real backend: consent and
// categories changed by keyboard, a category locked by a policy file read through the Linux policy
// reader (its file seam points /etc/trayside/policy.json at a temp file), choices kept across a
// restart, a queued event shown in "What Trayside sends", and Download/Delete my data with their
// receipts. Screenshots at 360 px wide and 200 % zoom go to test-results/preferences/.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { BrandingSchema } from '../../common/branding.js';
import { loadPolicy, nodePolicySeams } from '../../core/policy/policy.js';
import { memorySettingsStorage } from '../../core/settings-service.js';
import { startTestServer, type TestServer } from '../support/test-backend.js';
import { expect, test } from './harness.js';

const SHOTS = 'test-results/preferences';

let dir = '';
let server: TestServer | undefined;
test.afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** The machine's policy as the app reads it on Linux, with /etc/trayside/policy.json served from `file`. */
function policyFrom(file: string, log: string[]) {
  const seams = {
    ...nodePolicySeams(),
    platform: 'linux' as const,
    readFile: async (path: string) => (path === '/etc/trayside/policy.json' ? readFile(file, 'utf8') : undefined),
  };
  return loadPolicy({ vendor: 'Trayside', product: 'Trayside', bundleId: 'com.trayside.app' }, (line) => log.push(line), seams);
}

async function openPreferences(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Privacy and messages' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Privacy and messages' })).toBeVisible();
}

test('consent and categories by keyboard, a policy lock with its reason, kept across a restart, a queued payload shown, data download and deletion receipts', async ({
  page,
  trayside,
}) => {
  test.setTimeout(90_000);
  dir = mkdtempSync(join(tmpdir(), 'trayside-e2e-preferences-'));
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ enforced: { MessageCategorySurveys: false } }));
  const policyLog: string[] = [];
  const policy = await policyFrom(policyFile, policyLog);
  expect(policy.enforced).toEqual({ MessageCategorySurveys: false });

  server = await startTestServer();
  const branding = BrandingSchema.parse({
    name: 'Trayside',
    backendUrl: server.url,
    signingKeys: [await server.publicKey()],
    productLine: 'trayside-demo',
  });
  const settingsStorage = memorySettingsStorage();
  // Uploads wait a minute, so the event recorded below is still queued when the page looks.
  const app = await trayside({
    core: {
      dataDir: join(dir, 'data'),
      branding,
      settingsStorage,
      policy,
      features: { messages: false },
      tuning: { uploader: { debounceMs: 60_000 } },
    },
  });

  await page.goto(app.url);
  await openPreferences(page);
  const dialog = page.getByRole('dialog', { name: 'Privacy and messages' });

  // Consent by keyboard: focus the checked radio, arrow to the next level.
  const nothing = dialog.getByRole('radio', { name: /^Nothing/ });
  await expect(nothing).toBeChecked();
  await nothing.focus();
  await page.keyboard.press('ArrowDown');
  await expect(dialog.getByRole('radio', { name: /^Anonymous usage/ })).toBeChecked();
  await expect(dialog.getByRole('list', { name: 'What “Anonymous usage” sends' })).toContainText('POST /v1/events');
  await expect(dialog.getByRole('list', { name: 'Consent history' })).toContainText('Anonymous usage (wording version 1');

  // Marketing is off until opted in; Tips turned on with the space bar.
  const tips = dialog.getByRole('checkbox', { name: /^Tips/ });
  await expect(tips).not.toBeChecked();
  await expect(tips).toHaveAccessibleDescription("The manufacturer's default.");
  await tips.focus();
  await page.keyboard.press('Space');
  await expect(tips).toBeChecked();

  // The policy's lock, with its source; the always-on alerts with their reason.
  const surveys = dialog.getByRole('checkbox', { name: /^Surveys/ });
  await expect(surveys).toBeDisabled();
  await expect(surveys).toHaveAccessibleDescription("Locked. Set by your organisation's policy.");
  await expect(dialog.getByRole('checkbox', { name: /^Safety recall/ })).toBeChecked();
  await expect(dialog.getByRole('checkbox', { name: /^Safety recall/ })).toHaveAccessibleDescription(/Locked on\. A safety notice/);

  // A queued payload, exactly as it will go.
  const recorded = await (
    await app.core.engagement
  ).record({ type: 'open', campaignId: 'cyan-low', variantId: 'a', messageId: 'cyan-low@1' });
  expect(recorded.recorded).toBe(true);
  await dialog.getByRole('button', { name: 'Refresh' }).click();
  const waiting = dialog.getByRole('list', { name: 'Waiting to be sent' });
  await expect(waiting).toContainText(`POST ${server.url}/v1/events`);
  await expect(waiting).toContainText(recorded.id!);
  await dialog.getByRole('checkbox', { name: 'Show raw JSON' }).check();
  await expect(waiting.locator('pre')).toContainText(`"id": "${recorded.id}"`);

  for (const [name, viewport, zoom] of [
    ['360px', { width: 360, height: 780 }, 1],
    ['200-percent', { width: 360, height: 780 }, 2],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate((level) => void ((document.body.style as unknown as { zoom: string }).zoom = String(level)), zoom);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `no sideways scrolling at ${name}`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/preference-center-${name}.png` });
  }
  await page.evaluate(() => void ((document.body.style as unknown as { zoom: string }).zoom = '1'));

  // Escape closes it and gives focus back to the footer button.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Privacy and messages' })).toBeFocused();

  // A restart keeps every choice and the ledger.
  await app.restart([app.makePrinter()]);
  await page.reload();
  await openPreferences(page);
  await expect(dialog.getByRole('radio', { name: /^Anonymous usage/ })).toBeChecked();
  await expect(dialog.getByRole('checkbox', { name: /^Tips/ })).toBeChecked();
  await expect(dialog.getByRole('checkbox', { name: /^Tips/ })).toHaveAccessibleDescription('Your choice.');
  await expect(dialog.getByRole('list', { name: 'Consent history' })).toContainText('Anonymous usage');
  await page.keyboard.press('Escape');

  // Download and delete my data, with the server's receipts.
  const yourData = page.getByRole('region', { name: 'Your data' });
  await yourData.getByRole('button', { name: 'Download my data' }).click();
  await expect(yourData).toContainText(/Completed/, { timeout: 20_000 });
  await yourData.getByRole('button', { name: 'Delete my data' }).click();
  await yourData.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(yourData.getByText(/Completed/)).toHaveCount(2, { timeout: 20_000 });
  await page.screenshot({ path: `${SHOTS}/your-data-receipts.png`, fullPage: true });
});
