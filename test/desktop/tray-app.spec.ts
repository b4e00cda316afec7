// The real app in the real Electron: tray, panel, notifications, security. Skipped (with the
// reason printed) where no Electron binary or display exists; see playwright.config.ts.
import { expect, test, type Page } from '@playwright/test';
import { electronAvailability, launchTrayside, type LaunchedApp } from './electron-app.js';

const availability = electronAvailability();
test.skip(!availability.ok, availability.ok ? '' : availability.reason);
test.describe.configure({ mode: 'serial' });

const DEVICE = 'simulated:TS-DEMO-0001';

/** The main-process hooks the app exposes under TRAYSIDE_TEST_HOOKS=1, as the specs use them. */
interface Hooks {
  shell: {
    trayModel(): { state: string; tooltip: string; menu: Array<{ kind: string; label?: string }> };
    tray: { bounds(): { x: number; y: number; width: number; height: number } };
    panel: { show(bounds: unknown): void; isVisible(): boolean };
    core: { monitor: { refresh(id: string): Promise<void> } };
  };
  tray: { isDestroyed(): boolean } | undefined;
  demoPrinter: { setLevel(id: string, percent: number): void };
  panelWebPreferences: Record<string, unknown>;
}
declare const __trayside: Hooks;

let launched: LaunchedApp | undefined;
let panel: Page;

test.beforeAll(async () => {
  if (!availability.ok) return;
  launched = await launchTrayside(availability.binary);
  panel = await launched.app.firstWindow();
});
test.afterAll(async () => {
  await launched?.close();
});

test('starts with a tray icon whose tooltip and menu show the demo printer', async () => {
  const app = launched!.app;
  await expect.poll(() => app.evaluate(() => __trayside.tray !== undefined && !__trayside.tray.isDestroyed())).toBe(true);
  const model = await app.evaluate(() => __trayside.shell.trayModel());
  expect(model.tooltip).toMatch(/^Trayside — /);
  expect(model.menu.map((item) => item.label)).toEqual(expect.arrayContaining(['Open Trayside', 'Quit Trayside', 'Launch at login']));
  expect(model.menu.some((item) => item.label?.startsWith('Trayside Demo Printer — '))).toBe(true);
});

test('the panel opens next to the tray and shows the simulated printer', async () => {
  const app = launched!.app;
  await app.evaluate(() => __trayside.shell.panel.show(__trayside.shell.tray.bounds()));
  expect(await app.evaluate(() => __trayside.shell.panel.isVisible())).toBe(true);
  await expect(panel.getByText('Trayside Demo Printer').first()).toBeVisible();
  const info = await panel.evaluate(() =>
    (window as unknown as { trayside: { app: { getInfo(): Promise<{ host: string }> } } }).trayside.app.getInfo(),
  );
  expect(info.host).toBe('electron');
});

test('a supply crossing its low mark shows exactly one notification', async () => {
  const app = launched!.app;
  // Spy on Electron's Notification in the main process: record instead of showing.
  await app.evaluate(({ Notification }) => {
    const shown: Array<{ title: string; body: string }> = [];
    Object.assign(globalThis, { __shown: shown });
    Notification.prototype.show = function (this: Electron.Notification) {
      shown.push({ title: this.title, body: this.body });
    };
  });
  const shown = await app.evaluate(async (_electron, device) => {
    __trayside.demoPrinter.setLevel('cyan', 6);
    await __trayside.shell.core.monitor.refresh(device);
    await __trayside.shell.core.monitor.refresh(device);
    await __trayside.shell.core.monitor.refresh(device);
    return (globalThis as unknown as { __shown: unknown[] }).__shown;
  }, DEVICE);
  expect(shown).toEqual([{ title: 'Cyan ink low', body: expect.stringContaining('6 % left') }]);
  const model = await app.evaluate(() => __trayside.shell.trayModel());
  expect(model.state).toBe('attention');
  expect(model.tooltip).toBe('Trayside — Cyan ink low (6 %)');
});

test('the panel runs sandboxed and isolated, and cannot navigate or open windows', async () => {
  const app = launched!.app;
  // Electron 45 has no getter for a window's effective webPreferences: check what the shell passed, then what the page can reach.
  const preferences = await app.evaluate(() => __trayside.panelWebPreferences);
  expect(preferences).toMatchObject({
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    webviewTag: false,
  });
  const windowsBefore = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
  const page = await panel.evaluate(() => ({
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
    ipcRenderer: typeof (window as unknown as { ipcRenderer?: unknown }).ipcRenderer,
    opened: window.open('https://example.com/') === null,
  }));
  expect(page).toEqual({ require: 'undefined', process: 'undefined', ipcRenderer: 'undefined', opened: true });
  const before = panel.url();
  await panel.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await expect.poll(() => panel.url()).toBe(before);
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(windowsBefore);
});
