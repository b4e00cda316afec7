// Run-out forecasts on the device card, in Chromium through the Node host: the core's supply history
// (seeded as an earlier run would have left it) puts days left on each supply, the gauge says them
// in words and agrees with the level, and the inbox carries no forecast list of its own.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './harness.js';

const DAY = 86_400_000;
const PRINTER = 'simulated:TS-DEMO-0001';

/** Daily readings of the last four days, falling `perDay` points a day down to just above `today`. */
function history(today: number, perDay: number, now: number): [number, number][] {
  return [4, 3, 2, 1].map((daysAgo) => [now - daysAgo * DAY, Math.min(100, today + perDay * daysAgo)]);
}

let dataDir = '';
test.afterEach(() => {
  if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  dataDir = '';
});

test('the device card shows days left on its gauges; empty says Empty; the inbox has no forecast list', async ({ page, trayside }) => {
  dataDir = mkdtempSync(join(tmpdir(), 'trayside-run-out-'));
  const now = Date.now();
  // Cyan falls 3 points a day and reads 23 % now: about 8 days left. Black fell to 0 %: empty.
  mkdirSync(join(dataDir, 'messages'));
  writeFileSync(
    join(dataDir, 'messages', 'supply-history.json'),
    JSON.stringify({
      version: 1,
      supplies: { [`${PRINTER}\u0000cyan`]: history(23, 3, now), [`${PRINTER}\u0000black`]: history(0, 2, now) },
    }),
  );
  const app = await trayside({ printers: [{ levels: { black: 0 } }], core: { dataDir } });
  await page.goto(app.url);

  const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
  const supplies = card.getByRole('list', { name: 'Supplies of Trayside Demo Printer' });
  const cyan = supplies.getByRole('listitem').filter({ hasText: 'Cyan ink' });
  await expect(cyan).toContainText('about 8 days left');
  await expect(cyan).toContainText('23 %');

  const black = supplies.getByRole('listitem').filter({ hasText: 'Black ink' });
  await expect(black).toContainText('Empty');
  await expect(black).not.toContainText(/less than a day|days? left/);
  // The others have no history yet: nothing said about run-out.
  for (const name of ['Magenta ink', 'Yellow ink', 'Waste ink box'])
    await expect(supplies.getByRole('listitem').filter({ hasText: name })).not.toContainText(/left|full in/);

  const messages = page.getByRole('region', { name: /Messages/ });
  await expect(messages).toBeVisible();
  await expect(messages.getByRole('list', { name: 'Predicted run-out' })).toHaveCount(0);
  await expect(messages).not.toContainText(/days? left/);
  await card.screenshot({ path: 'test-results/run-out-card.png' });
});
