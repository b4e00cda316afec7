/// <reference types="electron-vite/node" />
// The Electron entry: creates the real Electron objects and hands them to startShell (app.ts).
// Everything here is wiring; behaviour lives in app.ts and the core, which are tested without Electron.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { app, BrowserWindow, Menu, nativeImage, Notification, powerMonitor, screen, session, shell as electronShell, Tray } from 'electron';
import { systemClock, systemTimers } from '../../common/lifecycle.js';
import { createDeviceSources } from '../../native/device-sources.js';
import { SimulatedPrinter } from '../../native/simulated/printer.js';
import { SimulatedSource } from '../../native/simulated/simulated-source.js';
import type { DeviceSource } from '../../native/transport.js';
import { createCore } from '../core/core.js';
import { withDemoFallback } from '../core/demo-fallback-source.js';
import type { TrayState } from '../core/tray-model.js';
import { startShell } from './app.js';
import { electronIpcMain } from './ipc-adapter.js';
import { panelWindowOptions } from './panel-window.js';
import { hardenSession, hardenWebContents, panelUrl, type AppOrigin } from './security.js';
import { electronSettingsStorage } from './settings-store.js';
import attention from '../../assets/tray/tray-attention.png?asset';
import attention2x from '../../assets/tray/tray-attention@2x.png?asset';
import attentionTemplate from '../../assets/tray/tray-attentionTemplate.png?asset';
import attentionTemplate2x from '../../assets/tray/tray-attentionTemplate@2x.png?asset';
import error from '../../assets/tray/tray-error.png?asset';
import error2x from '../../assets/tray/tray-error@2x.png?asset';
import errorTemplate from '../../assets/tray/tray-errorTemplate.png?asset';
import errorTemplate2x from '../../assets/tray/tray-errorTemplate@2x.png?asset';
import ok from '../../assets/tray/tray-ok.png?asset';
import ok2x from '../../assets/tray/tray-ok@2x.png?asset';
import okTemplate from '../../assets/tray/tray-okTemplate.png?asset';
import okTemplate2x from '../../assets/tray/tray-okTemplate@2x.png?asset';

const isMac = process.platform === 'darwin';
// electron-vite copies assets with hashed names, so Electron's automatic @2x lookup cannot pair them: add the 2x representation by hand.
const ICONS: Record<TrayState, [string, string]> = isMac
  ? { ok: [okTemplate, okTemplate2x], attention: [attentionTemplate, attentionTemplate2x], error: [errorTemplate, errorTemplate2x] }
  : { ok: [ok, ok2x], attention: [attention, attention2x], error: [error, error2x] };

function trayImage(state: TrayState): Electron.NativeImage {
  const [oneX, twoX] = ICONS[state];
  const image = nativeImage.createFromPath(oneX);
  image.addRepresentation({ scaleFactor: 2, buffer: readFileSync(twoX) });
  // Template images are tinted by macOS for light and dark menu bars.
  if (isMac) image.setTemplateImage(true);
  return image;
}

const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
};
const demoForced = process.argv.includes('--demo') || process.env.TRAYSIDE_DEMO === '1';
const simSpeed = Number(process.env.TRAYSIDE_SIM_SPEED ?? '1');
const origin: AppOrigin = {
  rendererFile: resolve(import.meta.dirname, '../renderer/index.html'),
  devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
};
const preload = resolve(import.meta.dirname, '../preload/index.cjs');
const demoPrinter = (): SimulatedPrinter => new SimulatedPrinter({ clock: systemClock, speed: Number.isFinite(simSpeed) ? simSpeed : 1 });

/** Real USB/HID sources with the demo printer while none is attached; `--demo` keeps the demo always. */
function deviceSources(): { sources: DeviceSource[]; demo: SimulatedPrinter | undefined; dispose(): void } {
  // TODO(branding): pass the OEM's vendor ids from the branding config once the shell loads it.
  const real = createDeviceSources({ vendorIds: 'any' });
  for (const problem of real.problems()) log(`devices: ${problem}`);
  if (demoForced) {
    const demo = demoPrinter();
    return { sources: [new SimulatedSource([demo]), ...real.sources], demo, dispose: () => real.dispose() };
  }
  return { sources: [withDemoFallback(real.sources, demoPrinter, log)], demo: undefined, dispose: () => real.dispose() };
}

// A separate profile (settings, single-instance lock) for desktop tests and side-by-side runs.
if (process.env.TRAYSIDE_USER_DATA_DIR) app.setPath('userData', resolve(process.env.TRAYSIDE_USER_DATA_DIR));
// Linux: the tray icon needs an app id to group notifications; Windows: toasts need the AppUserModelID.
app.setAppUserModelId('com.trayside.app');
// A tray app lives without windows: do not quit when the panel is the last window and closes.
app.on('window-all-closed', () => undefined);
// Every webContents, including any created later, gets the same rules.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, origin, log));

await app.whenReady();
if (isMac) app.dock?.hide();
hardenSession(session.defaultSession, log);
const devices = deviceSources();
let electronTray: Tray | undefined;
let panelWebPreferences: unknown;

const shell = await startShell({
  platform: process.platform,
  productName: 'Trayside',
  clock: systemClock,
  timers: systemTimers,
  log,
  requestSingleInstanceLock: () => app.requestSingleInstanceLock(),
  quit: () => app.quit(),
  onAppEvent: (event, listener) => {
    app.on(event as 'before-quit', listener);
  },
  // Login items exist on macOS and Windows; an unpackaged dev run must not register the bare electron binary.
  setLoginItem: app.isPackaged && process.platform !== 'linux' ? (openAtLogin) => app.setLoginItemSettings({ openAtLogin }) : undefined,
  onPowerEvent: (event, listener) => {
    powerMonitor.on(event as 'suspend', listener);
    return { dispose: () => powerMonitor.off(event as 'suspend', listener) };
  },
  notifications: {
    isSupported: () => Notification.isSupported(),
    create: (options) => new Notification({ ...options, silent: false }),
  },
  createCore: (notifier) =>
    createCore({
      appInfo: { name: 'Trayside', version: app.getVersion(), host: 'electron', platform: process.platform },
      sources: devices.sources,
      settingsStorage: electronSettingsStorage(),
      clock: systemClock,
      timers: systemTimers,
      log,
      notifier,
      // The core checks every link against the branding allow-list before this is called.
      openExternal: (url) => electronShell.openExternal(url),
      engagement: { dataDir: resolve(app.getPath('userData'), 'events') },
      // TODO(messages): pass `messages` ({branding, storageDir, fetch}) once the shell loads the branding config.
    }),
  tray: {
    createTray: (image) => (electronTray = new Tray(image)),
    createImage: trayImage,
    buildMenu: (template) => Menu.buildFromTemplate(template),
  },
  createPanelWindow: () => {
    const options = panelWindowOptions(preload, process.platform);
    panelWebPreferences = options.webPreferences;
    const win = new BrowserWindow(options);
    void win.loadURL(panelUrl(origin)).catch((loadError: unknown) => log(`shell: the panel did not load: ${String(loadError)}`));
    return win;
  },
  workAreaNear: (point) => screen.getDisplayNearestPoint({ x: Math.round(point.x), y: Math.round(point.y) }).workArea,
  ipcMain: await electronIpcMain(),
  origin,
});

if (shell) {
  app.on('will-quit', () => {
    shell.dispose();
    devices.dispose();
  });
  // Desktop tests (test/desktop) drive the app through this; it is absent in normal runs.
  if (process.env.TRAYSIDE_TEST_HOOKS === '1') {
    Object.assign(globalThis, { __trayside: { shell, tray: electronTray, demoPrinter: devices.demo, panelWebPreferences } });
  }
}
