// Feedback end to end: a survey campaign published on a real server, delivered to the Node host,
// answered in the panel in Chromium, and counted in the campaign's stats.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import type { CampaignStats } from '../../common/analytics.js';
import { BrandingSchema } from '../../common/branding.js';
import { systemClock, systemTimers } from '../../common/lifecycle.js';
import { createCore } from '../../core/core.js';
import { memorySettingsStorage } from '../../core/settings-service.js';
import { startNodeHost } from '../../host/node-host.js';
import { urlLog } from '../../host/url-log.js';
import { SimulatedPrinter } from '../../native/simulated/printer.js';
import { SimulatedSource } from '../../native/simulated/simulated-source.js';
import { buildServer } from '../../server/app.js';
import { hashToken } from '../../server/http/auth.js';
import { openStore } from '../../server/store/open-store.js';

const root = resolve(import.meta.dirname, '../..');
const ADMIN = 'ts_admin_feedback-e2e';
const ANSWER = 'Streaks on the left — “ÅÍÎÏ˝ÓÔÒÚÆ☃” <b>not bold</b> 🐱';

const campaign = {
  id: 'print-survey-e2e',
  name: 'Print quality survey (e2e)',
  category: 'surveys',
  priority: 500,
  schedule: { start: '2025-01-01T00:00', timeZone: 'UTC' },
  segment: { productLines: ['*'], locales: ['*'], regions: [] },
  rule: true,
  triggers: [{ type: 'app-start' }],
  defaultLocale: 'en',
  variants: [
    {
      id: 'only',
      weight: 1,
      content: {
        en: {
          title: 'Three questions about your prints',
          body: 'It takes 20 seconds.',
          actions: [
            {
              type: 'feedback',
              label: 'Tell us',
              kind: 'survey',
              questions: [
                { id: 'quality', text: 'How happy are you with the print quality?', choices: ['Very', 'Somewhat', 'Not really'] },
                { id: 'uses', text: 'What do you print?', choices: ['Photos', 'Documents', 'Labels'], multiple: true },
                { id: 'improve', text: 'What should we improve?', maxLength: 200 },
              ],
            },
          ],
        },
      },
    },
  ],
};

test('a survey answered in the panel appears in the campaign stats', async ({ page }) => {
  test.setTimeout(120_000);
  const dir = await mkdtemp(join(tmpdir(), 'trayside-feedback-e2e-'));
  const store = await openStore({});
  const server = await buildServer({ store, logLevel: 'silent' });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const serverUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  await store.addToken(hashToken(ADMIN), 'admin', 'e2e', new Date());
  const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  const log: string[] = [];
  let core: ReturnType<typeof createCore> | undefined;
  let host: Awaited<ReturnType<typeof startNodeHost>> | undefined;
  try {
    expect(
      (await fetch(`${serverUrl}/v1/admin/campaigns`, { method: 'POST', headers: admin, body: JSON.stringify(campaign) })).status,
    ).toBe(201);
    expect(
      (
        await fetch(`${serverUrl}/v1/admin/campaigns/${campaign.id}/publish`, {
          method: 'POST',
          headers: { authorization: admin.authorization },
        })
      ).status,
    ).toBe(200);
    const { publicKey } = (await (await fetch(`${serverUrl}/v1/signing-key`)).json()) as { publicKey: string };
    const demo = JSON.parse(await readFile(join(root, 'assets/branding/demo.json'), 'utf8')) as object;
    const branding = BrandingSchema.parse({ ...demo, backendUrl: serverUrl, signingKeys: [publicKey], productLine: 'trayside-demo' });

    core = createCore({
      appInfo: { name: 'Trayside', version: '0.0.0-e2e', host: 'node', platform: process.platform },
      sources: [new SimulatedSource([new SimulatedPrinter({ clock: systemClock, speed: 0 })])],
      // The owner agreed to share usage data and to receive surveys (both are off by default).
      settingsStorage: memorySettingsStorage({
        consent: 'anonymous-usage',
        messageCategories: { supplies: true, service: true, tips: false, offers: false, surveys: true },
      }),
      clock: systemClock,
      timers: systemTimers,
      log: (message) => log.push(message),
      branding,
      dataDir: dir,
      fetch: (url, init) => fetch(url, init),
      tuning: { uploader: { debounceMs: 50 } },
      openExternal: urlLog((message) => log.push(message)),
    });
    await core.start();
    host = await startNodeHost({
      core,
      rendererDir: join(root, 'out/renderer'),
      bridgeScript: join(root, 'out/renderer/trayside-bridge.js'),
      port: 0,
      log: (message) => log.push(message),
    });

    page.on('console', (entry) => log.push(`console: ${entry.text()}`));
    page.on('pageerror', (error) => log.push(`pageerror: ${error.message}`));
    await page.goto(host.url);
    const message = page.getByRole('article', { name: 'Three questions about your prints' });
    await expect(message).toBeVisible({ timeout: 15_000 });
    await message.getByRole('button', { name: /Three questions about your prints/ }).click();
    const form = message.getByRole('form', { name: 'Tell us' });
    await expect(form).toBeVisible();

    // Sending nothing names what is missing, per question.
    await form.getByRole('button', { name: 'Send' }).click();
    await expect(form.getByText('Pick one.')).toBeVisible();
    await expect(form.getByText('Pick at least one.')).toBeVisible();
    // The free-text question is optional (the campaign does not require it): nothing is asked of it.
    await expect(form.getByText('Please write an answer.')).toHaveCount(0);

    await form.getByRole('radio', { name: 'Somewhat' }).check();
    await form.getByRole('checkbox', { name: 'Photos' }).check();
    await form.getByRole('checkbox', { name: 'Labels' }).check();
    // Over the 200-character limit: the counter says so and sending is refused with the reason.
    await form.getByLabel('What should we improve?').fill('x'.repeat(201));
    await expect(form.getByText('201 / 200')).toBeVisible();
    await form.getByRole('button', { name: 'Send' }).click();
    await expect(form.getByText('Keep it under 200 characters (now 201).')).toBeVisible();
    await form.getByLabel('What should we improve?').fill(ANSWER);
    await form.getByRole('button', { name: 'Send' }).click();
    await expect(message.getByRole('status')).toHaveText('Thank you for your feedback!');

    // The answer goes up with the next upload; poll the stats the way an analyst would.
    let stats: CampaignStats | undefined;
    await expect
      .poll(
        async () => {
          stats = (await (await fetch(`${serverUrl}/v1/admin/stats/${campaign.id}`, { headers: admin })).json()) as CampaignStats;
          return stats.total.questions.find((question) => question.questionId === 'quality')?.answers ?? 0;
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    const byId = new Map(stats!.total.questions.map((question) => [question.questionId, question]));
    expect(byId.get('quality')!.choices).toEqual([
      { choice: 'Very', count: 0 },
      { choice: 'Somewhat', count: 1 },
      { choice: 'Not really', count: 0 },
    ]);
    expect(byId.get('uses')!.choices).toEqual([
      { choice: 'Photos', count: 1 },
      { choice: 'Documents', count: 0 },
      { choice: 'Labels', count: 1 },
    ]);
    // Free text arrives exactly as typed: markup stays characters.
    expect(byId.get('improve')!.latestText).toEqual([ANSWER]);
    expect(stats!.total.impressions).toBeGreaterThanOrEqual(1);
    expect(stats!.variants.map((variant) => variant.variantId)).toEqual(['only']);
  } finally {
    await test.info().attach('trayside.log', { body: log.join('\n') });
    await host?.close();
    await core?.close();
    await server.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
