// The owner's choices in the preference center answer the click at once even while the core is
// slow to reply: what the contract socket brings the page is held back for a while (the page's
// WebSocket is wrapped before the bridge loads), the consent radio and a switch are chosen, and each
// shows the choice before the reply arrives; once it does, the core's view agrees. Before this, a
// controlled radio sprang back until the reply came, which Playwright's check() (and an owner on
// a busy machine) saw as "the click did nothing". A number typed key by key likewise stays as
// typed instead of snapping back to the old value between keys.
import type { Page } from '@playwright/test';
import { memorySettingsStorage } from '../../core/settings-service.js';
import { expect, test, type LaunchOptions, type Trayside } from './harness.js';

const HOLD_MS = 3_000;

/** The page's socket hands on what the core sends only after `window.holdUntil`, in order: a slow core as the panel sees it. */
async function holdCoreReplies(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const held = window as unknown as { holdUntil: number };
    held.holdUntil = 0;
    const add = WebSocket.prototype.addEventListener;
    let queue = Promise.resolve();
    WebSocket.prototype.addEventListener = function (this: WebSocket, type: string, listener: unknown, options?: unknown) {
      if (type !== 'message' || typeof listener !== 'function') return add.call(this, type, listener as EventListener, options as boolean);
      const deliver = listener as (event: MessageEvent) => void;
      return add.call(this, 'message', (event: Event) => {
        queue = queue
          .then(() => new Promise((done) => setTimeout(done, Math.max(0, held.holdUntil - Date.now()))))
          .then(() => deliver.call(this, event as MessageEvent));
      });
    } as typeof WebSocket.prototype.addEventListener;
  });
}

/** Settings kept in memory, the panel open with its replies passing through holdCoreReplies, and Privacy and messages open. */
async function openPreferencesWithSlowCore(page: Page, trayside: (options?: LaunchOptions) => Promise<Trayside>) {
  const settings = memorySettingsStorage({});
  const app = await trayside({ core: { features: { messages: false, events: false }, settingsStorage: settings } });
  await holdCoreReplies(page);
  await page.goto(app.url);
  await expect(page.getByRole('article')).toBeVisible();
  await page.getByRole('button', { name: 'Privacy and messages' }).click();
  return { settings, dialog: page.getByRole('dialog', { name: 'Privacy and messages' }) };
}

/** From now on, what the core sends waits `ms` before the page sees it. */
async function holdRepliesFor(page: Page, ms: number): Promise<void> {
  await page.evaluate((wait) => ((window as unknown as { holdUntil: number }).holdUntil = Date.now() + wait), ms);
}

test('a consent level and a switch show the choice at once while the core takes its time, and stay chosen once it answers', async ({
  page,
  trayside,
}) => {
  const { dialog } = await openPreferencesWithSlowCore(page, trayside);
  const radios = dialog.getByRole('radio');
  await expect(radios.first()).toBeVisible();
  const before = await radios.evaluateAll((inputs) => inputs.findIndex((input) => (input as HTMLInputElement).checked));
  const target = before === 1 ? 2 : 1;
  const quiet = dialog.getByRole('group', { name: 'Quiet hours' }).getByRole('checkbox');
  const quietBefore = await quiet.isChecked();

  await holdRepliesFor(page, HOLD_MS);
  // check() and setChecked() fail when the box does not show the choice right after the click.
  await radios.nth(target).check();
  await quiet.setChecked(!quietBefore);

  // The core's word, once it comes, is the same choice: nothing springs back.
  await expect(dialog.locator('.preferences__list').first()).toBeVisible({ timeout: HOLD_MS * 3 });
  await expect(radios.nth(target)).toBeChecked();
  await expect(quiet).toBeChecked({ checked: !quietBefore });
  await expect(dialog.locator('input[type="time"]')).toHaveCount(quietBefore ? 0 : 2);
});

test('a number typed key by key while the core is slow stays as typed, and is what the core keeps', async ({ page, trayside }) => {
  const { settings, dialog } = await openPreferencesWithSlowCore(page, trayside);
  await dialog.getByRole('group', { name: 'How often' }).getByRole('checkbox').check();
  const perDay = dialog.locator('input[type="number"]').first();
  await expect(perDay).toHaveValue('2');

  await holdRepliesFor(page, HOLD_MS);
  // The owner clears the field and types 12: each key's change goes to the core, whose answers wait.
  await perDay.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  await expect(perDay).toHaveValue('');
  await page.keyboard.type('12', { delay: 50 });
  await expect(perDay).toHaveValue('12');

  // Once the core has answered and the field is left, it shows what the core keeps: the same 12.
  await expect.poll(() => settings.read(), { timeout: HOLD_MS * 3 }).toMatchObject({ frequencyLimit: { perDay: 12 } });
  await page.keyboard.press('Tab');
  await expect(perDay).toHaveValue('12');
});
