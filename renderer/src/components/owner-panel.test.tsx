// What an owner sees and presses on the device card and in message actions: reorder
// from the gauge, the status line with several problems, the feedback thank-you, the cart's words.
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Cart } from '../../../common/contract/actions.js';
import type { InboxItem } from '../../../common/contract/messages.js';
import { classifySupply } from '../../../common/supply.js';
import { actionKey, supplyKey } from '../store/actions-slice.js';
import { resetStore, store } from '../store/store.js';
import { linkHostsFor } from '../store/selectors.js';
import { createFakeBridge } from '../testing/fake-bridge.js';
import { demoPrinter } from '../testing/fixtures.js';
import { CartView } from './actions/cart-view.js';
import { MessageActions } from './actions/message-actions.js';
import { Panel } from './app.js';

const hhmm = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 16);
function render(element: React.ReactElement): string {
  const spy = vi.spyOn(store, 'getInitialState').mockImplementation(store.getState);
  try {
    return renderToStaticMarkup(element);
  } finally {
    spy.mockRestore();
  }
}
/** Visible text; `\s` also folds the no-break space the card keeps before "%". */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
/** The buttons' accessible names (aria-label, else their text). */
const buttonNames = (html: string) =>
  [...html.matchAll(/<button([^>]*)>(.*?)<\/button>/g)].map(
    ([, attributes, inner]) => / aria-label="([^"]*)"/.exec(attributes!)?.[1] ?? text(inner!),
  );

const STORE_CART: Cart = { items: [], multiItemCheckout: true, storeConfigured: true, storeLinks: true, storeHosts: [] };

/** The demo printer with cyan at 5 % and the waste box 92 % full. */
function lowPrinter() {
  const printer = demoPrinter({ state: 'attention' });
  printer.supplies[1] = classifySupply({ ...printer.supplies[1]!, level: { kind: 'percent', percent: 5 } });
  printer.supplies[4] = classifySupply({ ...printer.supplies[4]!, level: { kind: 'percent', percent: 92 } });
  return printer;
}

function showPanel(devices = [lowPrinter()], cart: Cart = STORE_CART): string {
  store.setState({ connection: 'connected', everConnected: true, devicesStatus: 'ready', devices, cart });
  return render(<Panel formatTime={hhmm} />);
}

beforeEach(() => resetStore());
afterEach(() => vi.unstubAllGlobals());

describe('reorder from the gauge', () => {
  it('offers "Order" on a low ink and "Replace" on a nearly full waste box, named with the supply and its part', () => {
    const names = buttonNames(showPanel());
    expect(names).toContain('Order Cyan ink (TS-805XL-C)');
    expect(names).toContain('Replace Waste ink box (TS-WB10)');
    // Supplies that are fine have nothing to order.
    expect(names.filter((name) => /^(Order|Replace) /.test(name))).toHaveLength(2);
  });

  it('offers nothing to order when the app has no store, or the supply no part number', () => {
    expect(
      buttonNames(showPanel([lowPrinter()], { ...STORE_CART, storeConfigured: false })).filter((name) => /^(Order|Replace) /.test(name)),
    ).toEqual([]);
    const printer = lowPrinter();
    const { partNumber: _dropped, ...cyan } = printer.supplies[1]!;
    printer.supplies[1] = cyan;
    expect(buttonNames(showPanel([printer])).filter((name) => name.startsWith('Order '))).toEqual([]);
  });

  it('offers nothing to order while the owner has turned reorder buttons and store links off', () => {
    expect(
      buttonNames(showPanel([lowPrinter()], { ...STORE_CART, storeLinks: false })).filter((name) => /^(Order|Replace) /.test(name)),
    ).toEqual([]);
  });

  it('leaves the store hosts out of the hosts a message may link to while store links are off', () => {
    expect(linkHostsFor(['shop.example.com', 'support.example.com'], false, ['shop.example.com'])).toEqual(['support.example.com']);
    expect(linkHostsFor(['shop.example.com', 'support.example.com'], true, ['shop.example.com'])).toEqual([
      'shop.example.com',
      'support.example.com',
    ]);
  });

  it('orders exactly that supply of that device, and shows a refusal next to the button', async () => {
    const printer = lowPrinter();
    const reorder = vi.fn(async () => ({
      status: 'refused' as const,
      reason: "shop.example.com is not one of the manufacturer's stores, so Trayside did not open it.",
    }));
    const fake = createFakeBridge({ actions: { reorder } });
    vi.stubGlobal('window', { trayside: fake.bridge });
    await store.getState().reorderSupply(printer.id, 'cyan');
    expect(reorder).toHaveBeenCalledWith({ deviceId: printer.id, supplyId: 'cyan', quantity: 1 });
    const html = showPanel([printer]);
    const row = html.slice(html.indexOf('Cyan ink'), html.indexOf('Magenta ink'));
    expect(row).toContain('role="alert"');
    expect(text(row)).toContain("is not one of the manufacturer's stores");
  });

  it('turns a failed call (no part known, device gone) into a reason next to the button, not a silent error', async () => {
    const fake = createFakeBridge({ actions: {} });
    vi.stubGlobal('window', { trayside: fake.bridge });
    await store.getState().reorderSupply('sim-1', 'cyan');
    expect(store.getState().linkNotice).toEqual({
      key: supplyKey('sim-1', 'cyan'),
      result: { status: 'refused', reason: 'Trayside is not reachable right now' },
    });
  });
});

describe('device status line', () => {
  it('with a paper jam, an open door and low cyan: says how many, names the worst, lists the rest', () => {
    const printer = lowPrinter();
    printer.supplies[4] = demoPrinter().supplies[4]!;
    printer.state = 'error';
    printer.conditions = [
      { code: 'media-jam', severity: 'error', message: 'Paper jam: open the rear door and remove the paper' },
      { code: 'door-open', severity: 'error', message: 'Door open: close the front cover' },
    ];
    const html = showPanel([printer]);
    expect(text(html)).toContain('Error : Paper jam · 2 more: door open, cyan ink low (5 %)');
    // The full list, with what to do, is one press away.
    expect(buttonNames(html)).toContain('All 3 problems');
    expect(text(html)).toContain('Paper jam: open the rear door and remove the paper Door open: close the front cover Cyan ink low (5 %)');
  });

  it('with one problem: the whole sentence, and no list to open', () => {
    const html = showPanel([
      demoPrinter({
        state: 'error',
        conditions: [{ code: 'media-empty', severity: 'error', message: 'Paper out: load paper in the main tray' }],
      }),
    ]);
    expect(text(html)).toContain('Error : Paper out: load paper in the main tray');
    expect(buttonNames(html).some((name) => name.startsWith('All '))).toBe(false);
  });
});

describe('message actions', () => {
  const survey: InboxItem = {
    id: 'survey@1',
    campaignId: 'survey',
    variantId: 'a',
    category: 'surveys',
    urgency: 'normal',
    priority: 1,
    title: 'Quick question',
    body: '',
    image: null,
    locale: 'en',
    deliveredAt: 0,
    read: true,
    actions: [
      { type: 'feedback', label: 'Was this useful?', kind: 'thumbs' },
      {
        type: 'feedback',
        label: 'Tell us',
        kind: 'survey',
        questions: [
          { id: 'improve', text: 'What should we improve?' },
          { id: 'quality', text: 'Happy?', choices: ['Yes', 'No'] },
        ],
      },
      { type: 'reorder', label: 'Order cyan', supplyColor: 'cyan', quantity: 1 },
    ],
  };

  it('thanks without pointing to a settings screen, and says the answer was not sent when sharing is off', () => {
    store.setState({ feedbackForms: { [actionKey(survey.id, 0)]: { status: 'thanks', errors: {}, notSent: true } } });
    const html = render(<MessageActions item={survey} />);
    expect(text(html)).toContain('Thanks. Your answer was not sent: sharing usage data is off.');
    expect(html).not.toMatch(/settings|stays on this computer/i);
  });

  it('draws thumbs as named icons, not emoji', () => {
    const html = render(<MessageActions item={survey} />);
    expect(buttonNames(html)).toEqual(expect.arrayContaining(['Thumbs up', 'Thumbs down']));
    expect(html).not.toMatch(/\p{Extended_Pictographic}/u);
    expect(html).toContain('<svg class="thumb-icon"');
  });

  it('marks a free-text survey question optional and a choice question not', () => {
    const html = render(<MessageActions item={survey} />);
    expect(text(html)).toContain('What should we improve? (optional)');
    expect(text(html)).not.toContain('Happy? (optional)');
  });

  it('says "Added — N in cart" next to the button, with a way to the cart', async () => {
    const cart: Cart = { ...STORE_CART, items: [{ partNumber: 'TS-805XL-C', quantity: 2, supplyName: 'Cyan ink', source: null }] };
    const fake = createFakeBridge({ actions: { addToCart: async () => cart } });
    vi.stubGlobal('window', { trayside: fake.bridge });
    await store.getState().addToCartFromMessage(survey, 2);
    expect(store.getState()).toMatchObject({ cartOpen: false, cartNotice: { key: actionKey(survey.id, 2), count: 2 } });
    expect(text(render(<MessageActions item={survey} />))).toContain('Added — 2 in cart. View cart');
  });

  it('says a one-item checkout opened the product page, not "your cart"', async () => {
    const cart: Cart = { ...STORE_CART, items: [{ partNumber: 'TS-805XL-C', quantity: 1, supplyName: 'Cyan ink', source: null }] };
    const fake = createFakeBridge({
      actions: { checkoutCart: async () => ({ status: 'opened', url: 'https://shop.example.com/en-US/supplies/TS-805XL-C?qty=1' }) },
      app: { getInfo: async () => ({ name: 'Trayside', version: '0', host: 'electron', platform: 'linux' }) },
    });
    vi.stubGlobal('window', { trayside: fake.bridge });
    store.setState({ cart });
    await store.getState().checkoutCart();
    store.setState({ cart: STORE_CART });
    const words = text(render(<CartView />));
    expect(words).toContain('Opened the store page for Cyan ink (TS-805XL-C) in your browser.');
    expect(words).not.toContain('Opened your cart');
  });
});
