// The owner's choices in the preference center answer the click at once even while the core is
// slow to reply: what the contract socket brings the page is held back for a while (the page's
// WebSocket is wrapped before the bridge loads), the consent radio and a switch are chosen, and each
// shows the choice before the reply arrives; once it does, the core's view agrees. Before this, a
// controlled radio sprang back until the reply came, which Playwright's check() (and an owner on
// a busy machine) saw as "the click did nothing".
import { memorySettingsStorage } from '../../core/settings-service.js';
import { expect, test } from './harness.js';

const HOLD_MS = 3_000;

test('a consent level and a switch show the choice at once while the core takes its time, and stay chosen once it answers', async ({
  page,
  trayside,
}) => {
  const settings = memorySettingsStorage({});
  const app = await trayside({ core: { features: { messages: false, events: false }, settingsStorage: settings } });
  // The page's socket hands on what the core sends only after `holdUntil`, in order: a slow core as the panel sees it.
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
  await page.goto(app.url);
  await expect(page.getByRole('article')).toBeVisible();
  await page.getByRole('button', { name: 'Privacy and messages' }).click();
  const dialog = page.getByRole('dialog', { name: 'Privacy and messages' });
  const radios = dialog.getByRole('radio');
  await expect(radios.first()).toBeVisible();
  const before = await radios.evaluateAll((inputs) => inputs.findIndex((input) => (input as HTMLInputElement).checked));
  const target = before === 1 ? 2 : 1;
  const quiet = dialog.getByRole('group', { name: 'Quiet hours' }).getByRole('checkbox');
  const quietBefore = await quiet.isChecked();

  await page.evaluate((ms) => ((window as unknown as { holdUntil: number }).holdUntil = Date.now() + ms), HOLD_MS);
  // check() and setChecked() fail when the box does not show the choice right after the click.
  await radios.nth(target).check();
  await quiet.setChecked(!quietBefore);

  // The core's word, once it comes, is the same choice: nothing springs back.
  await expect(dialog.locator('.preferences__list').first()).toBeVisible({ timeout: HOLD_MS * 3 });
  await expect(radios.nth(target)).toBeChecked();
  await expect(quiet).toBeChecked({ checked: !quietBefore });
  await expect(dialog.locator('input[type="time"]')).toHaveCount(quietBefore ? 0 : 2);
});
