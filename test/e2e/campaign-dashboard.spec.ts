// The campaign dashboard as the OEM's marketing team meets it, in Debian's Chromium: a real server on
// 127.0.0.1 with the embedded store, two campaigns made through the admin API (one published), events
// uploaded through the real event route by registered installs (shown, kept back as holdout or
// control, clicked, reordered, rated, and replacements the devices measured), sign-in with the admin
// token, and every figure on the page checked against the stats API and the admin CLI.
// Screenshots go to test-results/campaign-dashboard/.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import type { FastifyInstance } from 'fastify';
import { CampaignStatsSchema, type CampaignStats, type OutcomeRow } from '../../common/analytics.js';
import type { DeviceEventDraft } from '../../common/events.js';
import { runAdminCli } from '../../server/admin-client.js';
import { buildServer } from '../../server/app.js';
import { hashToken } from '../../server/http/auth.js';
import { openStore } from '../../server/store/open-store.js';
import type { Store } from '../../server/store/store.js';
import { registerTestInstall } from '../support/install-credentials.js';

const ADMIN_TOKEN = 'ts_admin_campaign-dashboard-e2e';
const SHOTS = resolve(import.meta.dirname, '../../test-results/campaign-dashboard');
const DEMO = resolve(import.meta.dirname, '../../server/demo');
const CAMPAIGN = 'cyan-low-805xl';
const DRAFT = 'print-quality-survey';
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let dir = '';
let store: Store;
let app: FastifyInstance;
let base = '';
let stats: CampaignStats;

test.describe.configure({ mode: 'serial' });

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** One install: registered with its credential, then its events uploaded in one batch as the app does. */
async function install(
  variantId: string,
  arm: 'treated' | 'holdout' | 'control',
  does: { replaced?: boolean; clicks?: number; reorder?: boolean; feedback?: boolean },
): Promise<void> {
  const registered = await registerTestInstall(base);
  const exposedAt = new Date(Date.now() - 5 * 86_400_000).toISOString();
  const drafts: DeviceEventDraft[] = [];
  const common = { campaignId: CAMPAIGN, variantId: arm === 'treated' ? variantId : arm, messageId: `${CAMPAIGN}@1` };
  if (arm === 'treated') drafts.push({ ...common, type: 'impression' });
  else
    drafts.push({
      ...common,
      type: 'would-have-shown',
      arm,
      wouldHaveSeen: variantId,
      context: { trigger: 'supply-below', supplyId: 'cyan', percent: 14 },
    });
  for (let click = 0; click < (does.clicks ?? 0); click += 1) drafts.push({ ...common, type: 'click', action: 'reorder' });
  if (does.reorder === true)
    drafts.push({ ...common, type: 'reorder', items: [{ partNumber: 'TS-805XL-C', quantity: 1 }], region: 'DE', ref: randomUUID() });
  if (does.feedback === true) drafts.push({ ...common, type: 'feedback', feedback: { kind: 'rating', value: 4 } });
  if (does.replaced === true)
    drafts.push({ ...common, type: 'replacement', arm, supplyId: 'cyan', change: 'refilled', fromPercent: 6, toPercent: 100, exposedAt });
  const events = drafts.map((draft) => ({ ...draft, id: randomUUID(), at: new Date().toISOString() }));
  const response = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...registered.headers },
    body: JSON.stringify({ installId: registered.installId, consent: 'anonymous-usage', sentAt: new Date().toISOString(), events }),
  });
  const answer = (await response.json()) as { accepted: number; rejected: unknown[] };
  expect(response.status).toBe(200);
  expect(answer.rejected).toEqual([]);
  expect(answer.accepted).toBe(events.length);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'trayside-dashboard-e2e-'));
  store = await openStore({ dataDir: dir });
  await store.addToken(hashToken(ADMIN_TOKEN), 'admin', 'dashboard e2e', new Date());
  app = await buildServer({ store, logLevel: 'warn', deviceRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
  base = await app.listen({ host: '127.0.0.1', port: 0 });

  for (const id of [CAMPAIGN, DRAFT]) {
    const created = await admin('POST', '/v1/admin/campaigns', JSON.parse(readFileSync(join(DEMO, `${id}.json`), 'utf8')));
    expect(created.status).toBe(201);
  }
  expect((await admin('POST', `/v1/admin/campaigns/${CAMPAIGN}/publish`)).status).toBe(200);

  // plain: 10 shown, 6 replaced; value-pack: 8 shown, 3 replaced; holdout 10 kept back, 2 replaced; control 4, 1 replaced.
  const plan: Promise<void>[] = [];
  for (let index = 0; index < 10; index += 1)
    plan.push(install('plain', 'treated', { replaced: index < 6, clicks: index < 4 ? 1 : 0, reorder: index < 3, feedback: index < 2 }));
  for (let index = 0; index < 8; index += 1)
    plan.push(install('value-pack', 'treated', { replaced: index < 3, clicks: index < 2 ? 2 : 0, feedback: index < 1 }));
  for (let index = 0; index < 10; index += 1) plan.push(install('plain', 'holdout', { replaced: index < 2 }));
  for (let index = 0; index < 4; index += 1) plan.push(install('value-pack', 'control', { replaced: index < 1 }));
  await Promise.all(plan);

  const answer = await admin('GET', `/v1/admin/stats/${CAMPAIGN}`);
  expect(answer.status).toBe(200);
  stats = CampaignStatsSchema.parse(await answer.json());
  await mkdir(SHOTS, { recursive: true });
});

test.afterAll(async () => {
  await app?.close();
  await store?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${base}/dashboard`);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Campaigns' })).toBeVisible();
}

async function openCampaign(page: Page, name: RegExp): Promise<void> {
  await page.getByRole('button', { name }).click();
  await expect(page.locator('#campaign-title')).toBeFocused();
}

const points = (value: number): string => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}`;
const upliftText = (row: OutcomeRow): string =>
  row.uplift === null ? '–' : `${points(row.uplift.difference)} pp (${points(row.uplift.low)} to ${points(row.uplift.high)})`;

test('an admin signs in (a wrong token is refused in words), picks the campaign and reads the stats API figures per variant, the uplift and its interval', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/401 \(Unauthorized\)/.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(`${base}/dashboard`);
  await page.getByLabel('Admin token').fill('ts_admin_not-the-right-one');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('This admin token is not known to the server.');
  await page.screenshot({ path: join(SHOTS, 'wrong-token.png') });
  // A device's token is not an admin token, and the page says so.
  await page.getByLabel('Admin token').fill('ts_device_abc');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('the dashboard takes an admin token');
  await expect(page.getByRole('heading', { name: 'Campaigns' })).toHaveCount(0);

  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const list = page.getByRole('navigation', { name: 'Campaigns' });
  await expect(list.getByRole('button', { name: /Cyan running low — order 805XL\s*Live/ })).toBeVisible();
  await expect(list.getByRole('button', { name: /Draft/ })).toBeVisible();

  await openCampaign(page, /Cyan running low/);
  await expect(page.locator('#campaign-title')).toHaveText('Cyan running low — order 805XL');
  await expect(page.getByRole('button', { name: /Cyan running low/ })).toHaveAttribute('aria-pressed', 'true');
  const outcomes = stats.outcomes!;
  expect(outcomes.variants.map((row) => row.variantId)).toEqual(['plain', 'value-pack']);
  // The seeded figures reached the API as planned …
  expect(outcomes.variants.map((row) => [row.exposures, row.clicks, row.reorders, row.feedback, row.replacements])).toEqual([
    [10, 4, 3, 2, 6],
    [8, 4, 0, 1, 3],
  ]);
  expect([
    outcomes.holdout.wouldHaveShown,
    outcomes.holdout.replacements,
    outcomes.control.wouldHaveShown,
    outcomes.control.replacements,
  ]).toEqual([10, 2, 4, 1]);

  // … and the page shows exactly the API's figures, row by row.
  const table = page.locator('table.outcomes');
  for (const row of [...outcomes.variants, outcomes.total, outcomes.holdout, outcomes.control, outcomes.withheld]) {
    const cells = table.locator(`tr[data-row="${row.variantId}"]`);
    for (const key of ['exposures', 'wouldHaveShown', 'exposedInstalls', 'clicks', 'reorders', 'replacements', 'feedback'] as const)
      await expect(cells.locator(`td[data-column="${key}"]`), `${row.variantId} ${key}`).toHaveText(String(row[key]));
    await expect(cells.locator('td[data-column="uplift"]')).toHaveText(upliftText(row));
  }
  for (const key of ['exposures', 'wouldHaveShown', 'clicks', 'reorders', 'replacements', 'feedback'] as const)
    for (const row of [...outcomes.variants, outcomes.holdout, outcomes.control])
      await expect(page.locator(`figure[data-metric="${key}"] li[data-row="${row.variantId}"] .bar-value`)).toHaveAttribute(
        'data-value',
        String(row[key]),
      );

  // The uplift: drawn as an interval around the point, and in words, for each variant and all together.
  const total = outcomes.total.uplift!;
  expect(total.low).toBeLessThan(total.difference);
  expect(total.high).toBeGreaterThan(total.difference);
  for (const row of [...outcomes.variants, outcomes.total]) {
    const drawn = page.locator(`.uplift-chart li[data-row="${row.variantId}"]`);
    await expect(drawn.locator('.bar-value')).toHaveText(upliftText(row));
    const [interval, point] = await Promise.all([drawn.locator('rect.ci').boundingBox(), drawn.locator('rect.point').boundingBox()]);
    expect(interval!.width).toBeGreaterThan(20);
    expect(point!.x + point!.width / 2).toBeGreaterThan(interval!.x);
    expect(point!.x + point!.width / 2).toBeLessThan(interval!.x + interval!.width);
    await expect(page.locator(`.uplift-words li[data-row="${row.variantId}"]`)).toContainText(
      `95 % confidence interval ${points(row.uplift!.low)} to ${points(row.uplift!.high)} points`,
    );
  }
  await expect(page.locator('.uplift-words li[data-row="(all)"]')).toContainText(
    `${((outcomes.total.replacementRate ?? 0) * 100).toFixed(1)} % of 18 installs replaced`,
  );
  await page.screenshot({ path: join(SHOTS, 'campaign-1280.png'), fullPage: true });

  // The admin CLI prints the same figures: its outcome rows carry the same counts and the same uplift text.
  const out: string[] = [];
  const code = await runAdminCli(['stats', CAMPAIGN, '--server', base], {
    env: { TRAYSIDE_ADMIN_TOKEN: ADMIN_TOKEN },
    cwd: process.cwd(),
    fetch,
    out: (text) => out.push(text),
    err: (text) => out.push(text),
  });
  expect(code).toBe(0);
  const printed = out.join('\n');
  for (const row of [...outcomes.variants, outcomes.total]) {
    expect(printed).toMatch(
      new RegExp(
        `^${row.variantId.replace(/[()]/g, '\\$&')}\\s+${row.exposures}\\s+${row.wouldHaveShown}\\s+${row.exposedInstalls}\\s+${row.clicks}\\s+${row.reorders}\\s+${row.feedback}\\s+${row.replacements}\\s.*${upliftText(row).replace(/[()+]/g, '\\$&')}$`,
        'm',
      ),
    );
  }

  // A campaign with no device-measured outcomes says so.
  await openCampaign(page, /Draft/);
  await expect(page.locator('[data-empty="outcomes"]')).toContainText('No device-measured outcomes yet');
  await expect(page.locator('table.outcomes')).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, 'no-outcomes.png'), fullPage: true });

  // Signing out ends the session: the data route refuses the old cookie.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Admin token')).toBeVisible();
  expect((await page.request.get(`${base}/dashboard/api/campaigns`)).status()).toBe(401);
  expect(problems).toEqual([]);
});

test('the session cookie is HttpOnly, SameSite=Strict and scoped to /dashboard; the data routes refuse without it', async ({ page }) => {
  expect((await fetch(`${base}/dashboard/api/stats/${CAMPAIGN}`)).status).toBe(401);
  // The admin bearer of the API is not a dashboard session: the dashboard answers only its cookie.
  expect((await fetch(`${base}/dashboard/api/stats/${CAMPAIGN}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(
    401,
  );
  const answer = await fetch(`${base}/dashboard/api/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: ADMIN_TOKEN }),
  });
  expect(answer.status).toBe(200);
  const cookie = answer.headers.get('set-cookie')!;
  expect(cookie).toMatch(/^trayside_dashboard=[A-Za-z0-9_-]{40,}; Path=\/dashboard; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
  const same = await fetch(`${base}/dashboard/api/stats/${CAMPAIGN}`, { headers: { cookie: cookie.split(';')[0]! } });
  expect(CampaignStatsSchema.parse(await same.json()).outcomes).toEqual(stats.outcomes);
  await signIn(page);
  const cookies = await page.context().cookies();
  expect(cookies.find((entry) => entry.name === 'trayside_dashboard')).toMatchObject({
    httpOnly: true,
    sameSite: 'Strict',
    path: '/dashboard',
  });
});

test('the dashboard reads on a 360 px phone and at 200 % zoom without sideways scrolling of the page, by keyboard', async ({ browser }) => {
  for (const [name, options] of [
    ['360', { viewport: { width: 360, height: 780 }, deviceScaleFactor: 1 }],
    // 200 % zoom of a 1280 px window: 640 CSS pixels, each two device pixels.
    ['zoom-200', { viewport: { width: 640, height: 900 }, deviceScaleFactor: 2 }],
  ] as const) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await page.goto(`${base}/dashboard`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Campaigns' })).toBeVisible();
    // By keyboard: Tab to the campaign, Enter opens it.
    const button = page.getByRole('button', { name: /Cyan running low/ });
    for (let presses = 0; presses < 6 && !(await button.evaluate((node) => node === document.activeElement)); presses += 1)
      await page.keyboard.press('Tab');
    await expect(button).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('#campaign-title')).toBeFocused();
    await expect(page.locator('.uplift-chart rect.ci').first()).toBeVisible();
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      view: window.innerWidth,
      widest: Math.max(
        ...[...document.querySelectorAll('.chart, .uplift-words, .campaign-list')].map((node) => node.getBoundingClientRect().right),
      ),
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    expect(widths.widest).toBeLessThanOrEqual(widths.view);
    await page.screenshot({ path: join(SHOTS, `campaign-${name}.png`), fullPage: true });
    await context.close();
  }
});

test('axe finds no violations on the sign-in form, the list and a campaign', async ({ page }) => {
  const check = async (state: string): Promise<void> => {
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource);
    const results = await page.evaluate(() =>
      (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, {
        resultTypes: ['violations'],
      }),
    );
    expect
      .soft(
        results.violations.flatMap((violation) =>
          violation.nodes.slice(0, 4).map((node) => `${violation.id} ${node.target.join(' ')}: ${violation.help}`),
        ),
        `axe on "${state}"`,
      )
      .toEqual([]);
  };
  await page.setViewportSize({ width: 1024, height: 800 });
  await page.goto(`${base}/dashboard`);
  await expect(page.getByLabel('Admin token')).toBeVisible();
  await check('sign-in');
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Campaigns' })).toBeVisible();
  await check('campaign list');
  await openCampaign(page, /Cyan running low/);
  await check('campaign with outcomes');
  await openCampaign(page, /Draft/);
  await check('campaign without outcomes');
});
