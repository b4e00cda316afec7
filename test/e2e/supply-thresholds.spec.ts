// Per-supply alert marks in the preference center, in Chromium through the Node host: the owner
// chooses by keyboard when cyan counts as low, the device card says so at once, the choice survives
// a restart, and going back to the device's mark takes the warning away again.
import type { Page } from '@playwright/test';
import { memorySettingsStorage } from '../../core/settings-service.js';
import { expect, test } from './harness.js';

async function openPreferences(page: Page) {
  await page.getByRole('button', { name: 'Privacy and messages' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Privacy and messages' });
  await expect(dialog).toBeVisible();
  return dialog;
}

test('the owner sets when cyan counts as low, by keyboard; the panel follows at once and after a restart', async ({ page, trayside }) => {
  const settingsStorage = memorySettingsStorage();
  const app = await trayside({ printers: [{ levels: { cyan: 25 } }], core: { settingsStorage } });
  await page.goto(app.url);
  const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
  await expect(card).toContainText('Ready');

  const dialog = await openPreferences(page);
  const alerts = dialog.getByRole('region', { name: 'Low-supply alerts' });
  const cyan = alerts.getByRole('combobox', { name: 'Warn me when Cyan ink is at' });
  await expect(cyan).toHaveValue('');
  await expect(cyan.locator('option:checked')).toHaveText("The device's mark: 10 % left or less");
  await expect(alerts.getByRole('combobox', { name: 'Warn me when Magenta ink is at' })).toBeVisible();

  // Keyboard only: focus the control and step down the list to "30 % left or less" (each step applies at once).
  await cyan.focus();
  for (let step = 0; step < 6; step += 1) await page.keyboard.press('ArrowDown');
  await expect(cyan).toHaveValue('30');
  await expect(cyan.locator('option:checked')).toHaveText('30 % left or less');
  await page.keyboard.press('Escape');
  await expect(card).toContainText('Needs attention: Cyan ink low (25 %)');

  await app.restart([app.makePrinter({ levels: { cyan: 25 } })]);
  await page.reload();
  await expect(page.getByRole('article', { name: 'Trayside Demo Printer' })).toContainText('Cyan ink low (25 %)');
  const again = await openPreferences(page);
  const cyanAgain = again.getByRole('region', { name: 'Low-supply alerts' }).getByRole('combobox', { name: 'Warn me when Cyan ink is at' });
  await expect(cyanAgain).toHaveValue('30');

  await cyanAgain.selectOption('');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('article', { name: 'Trayside Demo Printer' })).toContainText('Ready');
  expect(settingsStorage.read()).toMatchObject({ supplyThresholds: [] });
});
