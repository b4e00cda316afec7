import { expect, test } from './harness.js';

const SUPPLIES = [
  { name: 'Black ink', value: '64 %', part: 'TS-805XL-K' },
  { name: 'Cyan ink', value: '23 %', part: 'TS-805XL-C' },
  { name: 'Magenta ink', value: '71 %', part: 'TS-805XL-M' },
  { name: 'Yellow ink', value: '88 %', part: 'TS-805XL-Y' },
  { name: 'Waste ink box', value: '35 % full', part: 'TS-WB10' },
];

test.describe('the panel with the demo printer', () => {
  test('shows the printer with its five supplies, waste as filling', async ({ page, trayside }) => {
    const app = await trayside();
    await page.goto(app.url);

    const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
    await expect(card).toBeVisible();
    await expect(card.getByText('Ready')).toBeVisible();
    const supplies = card.getByRole('list', { name: 'Supplies of Trayside Demo Printer' }).getByRole('listitem');
    await expect(supplies).toHaveCount(5);
    for (const [index, supply] of SUPPLIES.entries()) {
      const row = supplies.nth(index);
      await expect(row).toContainText(supply.name);
      await expect(row).toContainText(supply.value);
      await expect(row).toContainText(`Part ${supply.part}`);
    }
    const waste = card.getByRole('meter', { name: 'Waste ink box' });
    await expect(waste).toHaveAttribute('aria-valuenow', '35');
    await expect(waste).toHaveAttribute('aria-valuetext', '35 % full');
    // Nothing needs attention yet, so no supply carries a warning word.
    await expect(card.getByText('Low', { exact: true })).toHaveCount(0);

    await page.screenshot({ path: 'test-results/panel.png' });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: 'test-results/panel-dark.png' });
  });

  test('shows a supply that drops below its low mark within 2 s, without reload', async ({ page, trayside }) => {
    const app = await trayside();
    await page.goto(app.url);
    const cyan = page.getByRole('meter', { name: 'Cyan ink' });
    await expect(cyan).toHaveAttribute('aria-valuenow', '23');
    let reloaded = false;
    page.on('framenavigated', () => (reloaded = true));

    app.printer.setLevel('cyan', 5);
    await app.core.monitor.refresh(app.printer.id);

    await expect(cyan).toHaveAttribute('aria-valuetext', '5 %, low', { timeout: 2_000 });
    const row = page.getByRole('list', { name: 'Supplies of Trayside Demo Printer' }).getByRole('listitem').filter({ hasText: 'Cyan ink' });
    await expect(row).toContainText('Low', { timeout: 2_000 });
    await expect(page.getByRole('article', { name: 'Trayside Demo Printer' })).toContainText('Needs attention: Cyan ink low (5 %)');
    expect(reloaded).toBe(false);
    await page.screenshot({ path: 'test-results/panel-low.png' });
  });

  test('shows an empty supply and a full waste box in words', async ({ page, trayside }) => {
    const app = await trayside({ printers: [{ levels: { black: 0, waste: 100 } }] });
    await page.goto(app.url);
    await expect(page.getByRole('meter', { name: 'Black ink' })).toHaveAttribute('aria-valuetext', '0 %, empty');
    await expect(page.getByRole('meter', { name: 'Waste ink box' })).toHaveAttribute('aria-valuetext', '100 % full, full');
    await expect(page.getByRole('article', { name: 'Trayside Demo Printer' })).toContainText('Error');
  });

  test('shows paper out in the status line, and clears it', async ({ page, trayside }) => {
    const app = await trayside();
    await page.goto(app.url);
    const status = page.getByRole('article', { name: 'Trayside Demo Printer' }).locator('[aria-live="polite"]');
    await expect(status).toHaveText('Ready');

    app.printer.setCondition('media-empty', true);
    await app.core.monitor.refresh(app.printer.id);
    await expect(status).toHaveText('Error: Paper out: load paper in the main tray');

    app.printer.setCondition('media-empty', false);
    await app.core.monitor.refresh(app.printer.id);
    await expect(status).toHaveText('Ready');
  });

  test('marks a printer that stops answering and keeps its last reading', async ({ page, trayside }) => {
    const app = await trayside();
    await page.goto(app.url);
    const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
    await expect(card).toContainText('Ready');

    app.printer.setResponsive(false);
    // The monitor gives a read 5 s before it counts as failed.
    await app.core.monitor.refresh(app.printer.id);
    await expect(card).toContainText('Not responding');
    await expect(card).toContainText(/Showing the last reading from \d{1,2}:\d{2}/);
    await expect(card.getByRole('meter', { name: 'Cyan ink' })).toHaveAttribute('aria-valuenow', '23');
  });

  test('says it cannot reach Trayside when the app stops, and recovers when it is back', async ({ page, trayside }) => {
    const app = await trayside();
    await page.goto(app.url);
    await expect(page.getByRole('meter', { name: 'Cyan ink' })).toHaveAttribute('aria-valuenow', '23');

    await app.stop();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText("Can't reach Trayside");
    await expect(alert).toContainText('Trying again automatically');
    // The last reading stays on screen, marked as possibly out of date.
    await expect(page.getByRole('article', { name: 'Trayside Demo Printer' })).toBeVisible();
    // Nothing to press that cannot work right now.
    await expect(page.getByRole('button', { name: 'Check Trayside Demo Printer now' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Pause 1 h' })).toBeDisabled();
    await page.screenshot({ path: 'test-results/panel-unreachable.png' });

    // The app comes back with a refilled cyan: the panel must fetch anew, not replay what it had.
    await app.restart([app.makePrinter({ levels: { cyan: 100 } })]);
    await expect(page.getByRole('alert')).toHaveCount(0, { timeout: 10_000 });
    await expect(page.getByRole('meter', { name: 'Cyan ink' })).toHaveAttribute('aria-valuenow', '100');
    await expect(page.getByRole('button', { name: 'Check Trayside Demo Printer now' })).toBeEnabled();
  });
});

test.describe('the panel without devices', () => {
  test('shows the empty state, then a printer plugged in later', async ({ page, trayside }) => {
    const app = await trayside({ printers: [] });
    await page.goto(app.url);
    await expect(page.getByText('No device connected')).toBeVisible();
    await expect(page.getByText('Plug in your printer or start the demo device.')).toBeVisible();
    await page.screenshot({ path: 'test-results/panel-empty.png' });

    app.source.attach(app.makePrinter());
    await expect(page.getByRole('article', { name: 'Trayside Demo Printer' })).toBeVisible();
    await expect(page.getByText('No device connected')).toHaveCount(0);

    app.source.detach(app.printers[0]?.id ?? 'simulated:TS-DEMO-0001');
    await expect(page.getByText('No device connected')).toBeVisible();
  });
});

test.describe('keyboard and screen readers', () => {
  test('tab reaches the device, then its check-now button; every gauge has a name', async ({ page, trayside }) => {
    const app = await trayside();
    await page.goto(app.url);
    const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
    await expect(card).toBeVisible();

    await page.keyboard.press('Tab');
    await expect(card).toBeFocused();
    await expect(card).toHaveAccessibleDescription('Ready');
    // Focus must be visible, not only present.
    expect(await card.evaluate((element) => getComputedStyle(element).outlineStyle)).not.toBe('none');

    await page.keyboard.press('Tab');
    const checkNow = page.getByRole('button', { name: 'Check Trayside Demo Printer now' });
    await expect(checkNow).toBeFocused();
    app.printer.setLevel('magenta', 40);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('meter', { name: 'Magenta ink' })).toHaveAttribute('aria-valuenow', '40');

    const meters = page.getByRole('meter');
    await expect(meters).toHaveCount(5);
    for (const supply of SUPPLIES) {
      const meter = page.getByRole('meter', { name: supply.name, exact: true });
      await expect(meter).toHaveAttribute('aria-valuetext', supply.name === 'Magenta ink' ? '40 %' : supply.value);
    }
    await expect(card.locator('[aria-live="polite"]')).toHaveCount(1);
  });

  test('pausing notifications from the keyboard', async ({ page, trayside }) => {
    const app = await trayside();
    await page.goto(app.url);
    await expect(page.getByText('Notifications on')).toBeVisible();
    await page.getByRole('button', { name: 'Pause 1 h' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByText(/Notifications paused until/)).toBeVisible();
    expect(app.core.settings.notificationsPaused()).toBe(true);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByText('Notifications on')).toBeVisible();
    expect(app.core.settings.notificationsPaused()).toBe(false);
  });
});
