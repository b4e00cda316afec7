import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrandingSchema } from '../common/branding.js';
import { setActiveTranslator } from '../common/l10n/active-translator.js';
import { loadTranslator } from '../common/l10n/catalogues.js';
import { englishTranslator } from '../common/l10n/translator.js';
import { Emitter, type Disposable } from '../common/lifecycle.js';
import { SimulatedPrinter } from '../native/simulated/printer.js';
import { SimulatedSource } from '../native/simulated/simulated-source.js';
import { FakeTime } from '../test/support/fake-time.js';
import { tempDirs } from '../test/support/temp-dirs.js';
import { makeTestKey, signManifest, testManifest, testMessage } from '../test/support/manifests.js';
import { createCore, type CoreFetch } from '../core/core.js';
import { memorySettingsStorage } from '../core/settings-service.js';
import { ONLINE_CHECK_MS, startShell, type NotificationLike, type Shell } from './app.js';
import type { IpcMainLike } from './ipc-adapter.js';
import type { PanelWindowLike } from './panel-window.js';
import type { MenuTemplateItem, TrayLike } from './tray-controller.js';

const RENDERER = '/app/out/renderer/index.html';
const APP_URL = pathToFileURL(RENDERER).href;
const DEVICE = 'simulated:TS-DEMO-0001';

class FakeTray implements TrayLike<string, MenuTemplateItem[]> {
  tooltip = '';
  menu: MenuTemplateItem[] | null = null;
  destroyed = false;
  readonly clicks = new Emitter<void>();
  constructor(public image: string) {}
  setImage = (image: string) => void (this.image = image);
  setToolTip = (text: string) => void (this.tooltip = text);
  setContextMenu = (menu: MenuTemplateItem[] | null) => void (this.menu = menu);
  popUpContextMenu = () => undefined;
  getBounds = () => ({ x: 1700, y: 1048, width: 24, height: 24 });
  on = (event: string, listener: () => void) => (event === 'click' ? this.clicks.on(listener) : undefined);
  destroy = () => void (this.destroyed = true);
  choose(label: string): void {
    const item = this.menu?.find((entry) => entry.label === label);
    if (!item?.click) throw new Error(`No menu entry "${label}" in ${JSON.stringify(this.menu?.map((entry) => entry.label))}`);
    item.click();
  }
}

class FakePanel implements PanelWindowLike {
  visible = false;
  destroyed = false;
  readonly sent: Array<[string, unknown]> = [];
  readonly webContents = {
    send: (channel: string, payload: unknown) => this.sent.push([channel, payload]),
    isDestroyed: () => this.destroyed,
    getURL: () => APP_URL,
  };
  isVisible = () => this.visible;
  isDestroyed = () => this.destroyed;
  show = () => void (this.visible = true);
  hide = () => void (this.visible = false);
  focus = () => undefined;
  setPosition = () => undefined;
  on = () => this;
  destroy = () => void (this.destroyed = true);
}

let shell: Shell<FakePanel> | undefined;
afterEach(() => shell?.dispose());
const tempDir = tempDirs();

const key = makeTestKey();

/** A message backend for the core's poller: one signed manifest, or a refused connection while `down`. */
class FakeBackend {
  down = false;
  requests = 0;
  manifest = testManifest(Date.UTC(2026, 10, 23, 9, 0, 0), {
    messages: [
      testMessage({
        campaignId: 'urgent-one',
        urgency: 'urgent',
        variants: [{ id: 'a', weight: 1, locale: 'en', content: { title: 'Cyan is nearly out', body: 'Order **now**', actions: [] } }],
      }),
    ],
  });
  fetch: CoreFetch = async () => {
    this.requests += 1;
    if (this.down) throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    return new Response(JSON.stringify(signManifest(key, this.manifest)), { status: 200 });
  };
}

async function setup(
  options: {
    locked?: boolean;
    packaged?: boolean;
    stored?: unknown;
    backend?: FakeBackend;
    online?: () => boolean;
    platform?: string;
  } = {},
) {
  const time = new FakeTime();
  const printer = new SimulatedPrinter({ clock: time });
  const storage = memorySettingsStorage(options.stored ?? {});
  let tray: FakeTray | undefined;
  const panels: FakePanel[] = [];
  const appEvents = new Map<string, () => void>();
  const power = new Map<string, Emitter<void>>([
    ['suspend', new Emitter()],
    ['resume', new Emitter()],
    ['unlock-screen', new Emitter()],
  ]);
  const shown: Array<{ title: string; body: string; click(): void }> = [];
  const loginItems: boolean[] = [];
  const handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  let quits = 0;
  shell = await startShell<string, MenuTemplateItem[], FakePanel>({
    platform: options.platform ?? 'win32',
    productName: 'Trayside',
    clock: time,
    timers: time,
    log: () => undefined,
    requestSingleInstanceLock: () => options.locked ?? true,
    quit: () => void (quits += 1),
    onAppEvent: (event, listener) => void appEvents.set(event, listener),
    setLoginItem: options.packaged === false ? undefined : (openAtLogin) => void loginItems.push(openAtLogin),
    onPowerEvent: (event, listener): Disposable => power.get(event)!.on(listener),
    ...(options.online ? { isOnline: options.online } : {}),
    notifications: {
      isSupported: () => true,
      create: ({ title, body }) => {
        const listeners = new Map<string, () => void>();
        const notification: NotificationLike = {
          show: () => void shown.push({ title, body, click: () => listeners.get('click')!() }),
          on: (event, listener) => listeners.set(event, listener),
        };
        return notification;
      },
    },
    createCore: (notifier, panel) =>
      createCore({
        panel,
        appInfo: { name: 'Trayside', version: '0.0.0-test', host: 'electron', platform: 'win32' },
        sources: [new SimulatedSource([printer])],
        settingsStorage: storage,
        clock: time,
        timers: time,
        log: () => undefined,
        notifier,
        ...(options.backend
          ? {
              branding: BrandingSchema.parse({
                name: 'Trayside',
                backendUrl: 'https://messages.example.com',
                signingKeys: [key.publicKeyBase64],
                productLine: 'trayside-demo',
              }),
              dataDir: tempDir('trayside-shell-messages-'),
              features: { events: false },
              fetch: options.backend.fetch,
              environment: { os: 'windows' as const, osVersion: '10.0', appVersion: '0.0.0-test', systemLocale: 'en', timeZone: 'UTC' },
            }
          : {}),
      }),
    tray: {
      createTray: (image) => (tray = new FakeTray(image)),
      createImage: (state) => `tray-${state}.png`,
      buildMenu: (template) => template,
    },
    createPanelWindow: () => {
      const panel = new FakePanel();
      panels.push(panel);
      return panel;
    },
    workAreaNear: () => ({ x: 0, y: 0, width: 1920, height: 1040 }),
    ipcMain: {
      handle: (channel: string, handler: never) => handlers.set(channel, handler),
      removeHandler: (channel: string) => handlers.delete(channel),
    } as unknown as IpcMainLike,
    origin: { rendererFile: RENDERER, platform: 'linux' },
  });
  await time.advance(0);
  const refresh = () => shell!.core.monitor.refresh(DEVICE);
  return { time, printer, storage, tray: () => tray!, panels, appEvents, power, shown, loginItems, handlers, quits: () => quits, refresh };
}

describe('Electron shell composition', () => {
  it('quits at once when another instance holds the lock', async () => {
    const { quits, panels } = await setup({ locked: false });
    expect(shell).toBeUndefined();
    expect(quits()).toBe(1);
    expect(panels).toHaveLength(0);
  });

  it('starts with the demo printer in the tray menu and a hidden panel', async () => {
    const { tray, panels } = await setup();
    expect(tray().image).toBe('tray-ok.png');
    expect(tray().tooltip).toBe('Trayside — All devices ready');
    expect(tray().menu?.map((item) => item.label)).toContain('Trayside Demo Printer — Cyan ink 23 %');
    expect(panels[0]?.visible).toBe(false);
  });

  it('redraws the tray menu and tooltip in German once the German catalogue is active, with no other change', async () => {
    const { tray } = await setup();
    try {
      setActiveTranslator(await loadTranslator('de'));
      expect(tray().tooltip).toBe('Trayside – Alle Geräte bereit');
      expect(tray().menu?.map((item) => item.label)).toContain('Trayside beenden');
    } finally {
      setActiveTranslator(englishTranslator);
    }
    expect(tray().tooltip).toBe('Trayside — All devices ready');
  });

  it('a low crossing turns the icon, updates the tooltip and shows one notification; clicking it opens the panel', async () => {
    const { tray, printer, shown, refresh, panels } = await setup();
    printer.setLevel('cyan', 8);
    await refresh();
    await refresh();
    expect(tray().image).toBe('tray-attention.png');
    expect(tray().tooltip).toBe('Trayside — Cyan ink low (8 %)');
    expect(shown.map((n) => n.title)).toEqual(['Cyan ink low']);
    shown[0]!.click();
    expect(panels[0]!.visible).toBe(true);
  });

  it('the tray click toggles the panel; a second instance shows it', async () => {
    const { tray, panels, appEvents, time } = await setup();
    tray().clicks.fire();
    expect(panels[0]!.visible).toBe(true);
    await time.advance(1_000);
    tray().clicks.fire();
    expect(panels[0]!.visible).toBe(false);
    appEvents.get('second-instance')!();
    expect(panels[0]!.visible).toBe(true);
  });

  it('Escape in the panel with nothing open in it (app.hidePanel) hides the popover', async () => {
    const { tray, panels, handlers } = await setup();
    tray().clicks.fire();
    expect(panels[0]!.visible).toBe(true);
    const answer = await handlers.get('trayside:app.hidePanel')!({ senderFrame: { url: APP_URL, parent: null } }, undefined);
    expect(answer).toEqual({ ok: true, value: { hidden: true } });
    expect(panels[0]!.visible).toBe(false);
  });

  it('pausing from the tray silences the next crossing and shows resume; the menu returns when the pause ends', async () => {
    const { tray, printer, shown, refresh, time } = await setup();
    tray().choose('Pause notifications for 1 hour');
    expect(tray().menu?.map((item) => item.label)).toContain('Resume notifications');
    printer.setLevel('cyan', 8);
    await refresh();
    expect(shown).toEqual([]);
    await time.advance(3_600_000 + 2_000);
    expect(tray().menu?.map((item) => item.label)).toContain('Pause notifications for 1 hour');
  });

  it('applies launch at login at start and when toggled from the tray, and keeps it in settings', async () => {
    const { tray, loginItems, storage } = await setup({ stored: { launchAtLogin: true } });
    expect(loginItems).toEqual([true]);
    tray().choose('Launch at login');
    expect(loginItems).toEqual([true, false]);
    expect(storage.read()).toMatchObject({ launchAtLogin: false });
  });

  it('does not touch login items in an unpackaged run', async () => {
    const { tray, loginItems } = await setup({ packaged: false });
    tray().choose('Launch at login');
    expect(loginItems).toEqual([]);
  });

  it('stops reading devices while the machine sleeps and reads again on wake', async () => {
    const { power, printer, time, tray } = await setup();
    power.get('suspend')!.fire();
    printer.setLevel('cyan', 5);
    await time.advance(10 * 60_000);
    expect(tray().image).toBe('tray-ok.png');
    power.get('resume')!.fire();
    await time.advance(0);
    expect(tray().image).toBe('tray-attention.png');
  });

  it('answers contract calls from the panel and forwards device events to it', async () => {
    const { handlers, panels, printer, refresh } = await setup();
    const list = await handlers.get('trayside:devices.list')!({ senderFrame: { url: APP_URL, parent: null } }, undefined);
    expect(list).toMatchObject({ ok: true, value: [{ id: DEVICE }] });
    printer.setLevel('cyan', 8);
    await refresh();
    expect(panels[0]!.sent.map(([channel]) => channel)).toContain('trayside:devices.onChanged');
  });

  it('Get help in the tray opens the panel and asks it for its help view', async () => {
    const { tray, panels } = await setup();
    tray().choose('Get help');
    expect(panels[0]!.visible).toBe(true);
    expect(panels[0]!.sent).toContainEqual(['trayside:diagnostics.onHelpRequested', {}]);
  });

  it('quit from the tray asks the app to quit; disposing removes the tray and handlers', async () => {
    const { tray, quits, handlers } = await setup();
    tray().choose('Quit Trayside');
    expect(quits()).toBe(1);
    shell!.dispose();
    expect(tray().destroyed).toBe(true);
    expect(handlers.size).toBe(0);
  });

  it('an urgent message: one notification and the tray badge; clicking opens the panel at that message; reading it clears the badge', async () => {
    const backend = new FakeBackend();
    const { shown, tray, panels, handlers } = await setup({ backend });
    // The notification waits until its delivery record is on disk (core/storage append log).
    await vi.waitFor(() => expect(shown.map((n) => n.title)).toEqual(['Cyan is nearly out']));
    expect(shown[0]!.body).toBe('Order now');
    expect(tray().image).toBe('tray-attention.png');
    expect(tray().tooltip).toBe('Trayside — 1 urgent message · All devices ready');
    expect(panels[0]!.visible).toBe(false);

    shown[0]!.click();
    expect(panels[0]!.visible).toBe(true);
    expect(panels[0]!.sent).toContainEqual(['trayside:messages.onOpenRequested', { id: 'urgent-one@1' }]);

    await handlers.get('trayside:messages.markRead')!({ senderFrame: { url: APP_URL, parent: null } }, { id: 'urgent-one@1' });
    expect(tray().image).toBe('tray-ok.png');
    expect(tray().tooltip).toBe('Trayside — All devices ready');
  });

  it('on Linux a message body reaches the notification daemon with its markup escaped, so a tag in it is never a link', async () => {
    const backend = new FakeBackend();
    backend.manifest = testManifest(Date.UTC(2026, 10, 23, 9, 0, 0), {
      messages: [
        testMessage({
          campaignId: 'urgent-one',
          urgency: 'urgent',
          variants: [
            {
              id: 'a',
              weight: 1,
              locale: 'en',
              content: { title: 'Update', body: '<a href="https://evil.io/">Get it</a> & <b>more</b>', actions: [] },
            },
          ],
        }),
      ],
    });
    const { shown } = await setup({ backend, platform: 'linux' });
    await vi.waitFor(() =>
      expect(shown.map((n) => n.body)).toEqual(['&lt;a href="https://evil.io/"&gt;Get it&lt;/a&gt; &amp; &lt;b&gt;more&lt;/b&gt;']),
    );
  });

  it('no message poll while the machine sleeps; one soon after wake', async () => {
    const backend = new FakeBackend();
    const { power, time } = await setup({ backend });
    const before = backend.requests;
    power.get('suspend')!.fire();
    await time.advance(24 * 3_600_000);
    expect(backend.requests).toBe(before);
    power.get('resume')!.fire();
    await time.advance(10_000);
    expect(backend.requests).toBe(before + 1);
  });

  it('after failed polls, the network coming back (or the screen unlocking) retries at once instead of at the end of the backoff', async () => {
    const backend = new FakeBackend();
    backend.down = true;
    let online = false;
    const { time, power } = await setup({ backend, online: () => online });
    /** Long outage: the backoff grows to its cap (30–60 min between tries); then up to the moment a try just failed. */
    const failForHours = async (): Promise<void> => {
      await time.advance(6 * 3_600_000);
      const count = backend.requests;
      while (backend.requests === count) await time.advance(60_000);
    };

    await failForHours();
    const failed = backend.requests;
    backend.down = false;
    online = true;
    await time.advance(ONLINE_CHECK_MS + 2_000);
    expect(backend.requests).toBe(failed + 1);

    backend.down = true;
    await failForHours();
    const failedAgain = backend.requests;
    backend.down = false;
    power.get('unlock-screen')!.fire();
    await time.advance(2_000);
    expect(backend.requests).toBe(failedAgain + 1);
  });
});
