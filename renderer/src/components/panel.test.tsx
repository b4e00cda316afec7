import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadTranslator } from '../../../common/l10n/catalogues.js';
import { classifySupply } from '../../../common/supply.js';
import { TranslatorContext } from '../l10n/use-translator.js';
import { resetStore, store } from '../store/store.js';
import { demoPrinter } from '../testing/fixtures.js';
import { Panel } from './app.js';

const hhmm = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 16);
/**
 * The panel as static HTML for the store's current state (no DOM needed). Server rendering reads
 * zustand's initial state (useSyncExternalStore's server snapshot), so point that at the current one.
 */
function render(): string {
  const spy = vi.spyOn(store, 'getInitialState').mockImplementation(store.getState);
  try {
    return renderToStaticMarkup(<Panel formatTime={hhmm} />);
  } finally {
    spy.mockRestore();
  }
}
/** Visible text with tags removed, as a person reads it. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

beforeEach(() => resetStore());

describe('panel', () => {
  it('shows each supply with a labelled meter and its part number', () => {
    store.setState({ connection: 'connected', everConnected: true, devicesStatus: 'ready', devices: [demoPrinter()] });
    const html = render();
    expect(text(html)).toContain('Trayside Demo Printer Ready');
    expect(text(html)).toContain('Waste ink box 35 % full');
    expect(text(html)).toContain('Part TS-805XL-C');
    expect(html.match(/role="meter"/g)).toHaveLength(5);
    expect(html).toContain('aria-valuetext="35 % full"');
    expect(html).toContain('aria-live="polite"');
  });

  it('shows a level that is not a number as its word, without a meter', () => {
    const printer = demoPrinter();
    printer.supplies[1] = classifySupply({ ...printer.supplies[1]!, level: { kind: 'some-left' } });
    store.setState({ connection: 'connected', devicesStatus: 'ready', devices: [printer] });
    const html = render();
    expect(text(html)).toContain('Cyan ink Some left');
    expect(text(html)).not.toContain('0 %');
    expect(html.match(/role="meter"/g)).toHaveLength(4);
  });

  it('says a device is not responding and which reading it shows', () => {
    store.setState({
      connection: 'connected',
      devicesStatus: 'ready',
      devices: [demoPrinter({ state: 'unreachable', statusLine: 'Not responding', stale: true })],
    });
    expect(text(render())).toContain('Not responding Showing the last reading from 10:42');
  });

  it('shows the empty state when no device is attached', () => {
    store.setState({ connection: 'connected', devicesStatus: 'ready', devices: [] });
    expect(text(render())).toContain('No device connected Plug in your printer or start the demo device.');
  });

  it('says it cannot reach Trayside and that it retries by itself', () => {
    store.setState({ connection: 'disconnected', everConnected: true, devicesStatus: 'ready', devices: [demoPrinter()] });
    const html = render();
    expect(html).toContain('role="alert"');
    expect(text(html)).toContain("Can't reach Trayside What you see below may be out of date. Trying again automatically");
  });

  it('renders a hostile model name as text', () => {
    const model = '<img src=x onerror=alert(1)>';
    store.setState({
      connection: 'connected',
      devicesStatus: 'ready',
      devices: [demoPrinter({ identity: { manufacturer: 'Evil', model, commandSet: [] } })],
    });
    const html = render();
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('panel in the owner language', () => {
  /** The panel as a translator for `locale` renders it, with the clock it picks itself (no formatTime given). */
  async function renderIn(locale: 'de' | 'ar' | 'en'): Promise<string> {
    const translator = await loadTranslator(locale, {}, { isolatePlaceholders: true });
    const spy = vi.spyOn(store, 'getInitialState').mockImplementation(store.getState);
    try {
      return renderToStaticMarkup(
        <TranslatorContext.Provider value={translator}>
          <Panel />
        </TranslatorContext.Provider>,
      );
    } finally {
      spy.mockRestore();
    }
  }
  const checkedAt = Date.UTC(2026, 11, 2, 16, 30);
  const clock = (locale: string) => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(checkedAt);

  it('writes clock times as the chosen language does, not as the browser does', async () => {
    store.setState({ connection: 'connected', devicesStatus: 'ready', devices: [{ ...demoPrinter(), updatedAt: checkedAt }] });
    expect(clock('de')).not.toBe(clock('en'));
    expect(text(await renderIn('de'))).toContain(`Geprüft ${clock('de')}`);
    expect(text(await renderIn('en'))).toContain(`Checked ${clock('en')}`);
  });

  it('isolates a Latin device name inside an Arabic sentence, and an Arabic one inside an English sentence', async () => {
    const latin = { ...demoPrinter(), updatedAt: checkedAt };
    store.setState({ connection: 'connected', devicesStatus: 'ready', devices: [latin] });
    expect(await renderIn('ar')).toContain(`\u2068${clock('ar')}\u2069`);
    const arabic = { ...latin, identity: { ...latin.identity, manufacturer: '', model: 'طابعة المكتب' } };
    store.setState({ devices: [arabic] });
    const english = await renderIn('en');
    expect(english).toContain('Check \u2068طابعة المكتب\u2069 now');
    expect(english).toContain(`Checked ${clock('en')}`);
  });
});
