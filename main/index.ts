/// <reference types="electron-vite/node" />
// The Electron entry: creates the real Electron objects and hands them to startShell (app.ts).
// Everything here is wiring; behaviour lives in app.ts and the core, which are tested without Electron.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { app, BrowserWindow, dialog, Menu, nativeImage, net, Notification, powerMonitor, screen, session, shell as electronShell, Tray } from 'electron';
import type { Branding } from '../common/branding.js';
import { systemClock, systemTimers } from '../common/lifecycle.js';
import { loadStartupBranding, type StartupBranding } from '../core/branding/load-branding.js';
import { resolveSigningKey } from '../core/branding/signing-key.js';
import { createCore } from '../core/core.js';
import { composeHostDevices, type DemoMode } from '../core/host-devices.js';
import { detectEnvironment } from '../core/environment.js';
import { brandingWithDemoBackend, decideDemoBackend, DEMO_BACKEND_PRINTER_LEVELS, startDemoBackend, type DemoBackend } from '../core/demo-backend.js';
import type { TrayState } from '../core/tray-model.js';
import { startShell } from './app.js';
import { electronIpcMain } from './ipc-adapter.js';
import { panelWindowOptions } from './panel-window.js';
import { hardenSession, hardenWebContents, panelUrl, type AppOrigin } from './security.js';
import { electronSettingsStorage } from './settings-store.js';
import attention from '../assets/tray/tray-attention.png?asset';
import attention2x from '../assets/tray/tray-attention@2x.png?asset';
import attentionTemplate from '../assets/tray/tray-attentionTemplate.png?asset';
import attentionTemplate2x from '../assets/tray/tray-attentionTemplate@2x.png?asset';
import error from '../assets/tray/tray-error.png?asset';
import error2x from '../assets/tray/tray-error@2x.png?asset';
import errorTemplate from '../assets/tray/tray-errorTemplate.png?asset';
import errorTemplate2x from '../assets/tray/tray-errorTemplate@2x.png?asset';
import ok from '../assets/tray/tray-ok.png?asset';
import ok2x from '../assets/tray/tray-ok@2x.png?asset';
import okTemplate from '../assets/tray/tray-okTemplate.png?asset';
import okTemplate2x from '../assets/tray/tray-okTemplate@2x.png?asset';

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
// Chromium adds switches of its own to argv: read ours leniently and ignore the rest.
const { values: flags } = parseArgs({
  args: process.argv.slice(1),
  options: { branding: { type: 'string' }, ipp: { type: 'string', multiple: true }, demo: { type: 'boolean' }, 'demo-backend': { type: 'boolean' } },
  strict: false,
  allowPositionals: true,
  allowNegative: true,
});
const demoMode: DemoMode = flags.demo === true || process.env.TRAYSIDE_DEMO === '1' ? 'always' : flags.demo === false ? 'never' : 'fallback';
const ippPrinters = (Array.isArray(flags.ipp) ? flags.ipp : []).filter((uri): uri is string => typeof uri === 'string');
const simSpeed = Number(process.env.TRAYSIDE_SIM_SPEED ?? '1');

/** One validated branding config for everything below; a bad one stops the app with one line naming the file and field. */
function startupBranding(): StartupBranding | undefined {
  try {
    return loadStartupBranding({ flag: typeof flags.branding === 'string' ? flags.branding : undefined, env: process.env, cwd: process.cwd() });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`branding: ${message}`);
    // showErrorBox is the one dialog Electron allows before 'ready', for exactly this.
    dialog.showErrorBox('Trayside cannot start', message);
    app.exit(2);
    return undefined;
  }
}
// app.exit ends the process once this task returns; waiting here keeps the code below from running meanwhile.
const startup = startupBranding() ?? (await new Promise<never>(() => undefined));
const branding: Branding = startup.branding;
log(`branding: ${branding.name} from ${startup.source}`);

const origin: AppOrigin = {
  rendererFile: resolve(import.meta.dirname, '../renderer/index.html'),
  devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
};
const preload = resolve(import.meta.dirname, '../preload/index.cjs');

// A separate profile (settings, single-instance lock) for desktop tests and side-by-side runs.
if (process.env.TRAYSIDE_USER_DATA_DIR) app.setPath('userData', resolve(process.env.TRAYSIDE_USER_DATA_DIR));

// The bundled demo branding in a source checkout gets the reference backend as a child process
// (core/demo-backend.ts), so `npm start` shows messages; `--no-demo-backend` or
// TRAYSIDE_DEMO_BACKEND=0 turn it off. It starts now and is awaited just before the core is made.
const demoDecision = decideDemoBackend({
  bundledBranding: startup.bundled,
  packaged: app.isPackaged,
  flag: flags['demo-backend'] === false || process.env.TRAYSIDE_DEMO_BACKEND === '0' ? false : undefined,
  backendOverridden: false,
});
const demoBackendDir = resolve(app.getPath('userData'), 'demo-backend');
let demoBackend: DemoBackend | undefined;
if (demoDecision.start) {
  log(`demo backend: starting the embedded message server with the demo campaigns (data in ${demoBackendDir}; a first start takes about 10 s)`);
  demoBackend = startDemoBackend({
    root: resolve(import.meta.dirname, '../..'),
    dataDir: demoBackendDir,
    log,
    // Electron's own Node runs the compiled server; an unpackaged binary keeps the RunAsNode fuse at its default.
    runtime: { command: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } },
  });
} else if (startup.bundled) log(`demo backend: off (${demoDecision.reason})`);

// Linux: the tray icon needs an app id to group notifications; Windows: toasts need the AppUserModelID.
app.setAppUserModelId('com.trayside.app');
// A tray app lives without windows: do not quit when the panel is the last window and closes.
app.on('window-all-closed', () => undefined);
// Every webContents, including any created later, gets the same rules.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, origin, log));

await app.whenReady();
if (isMac) app.dock?.hide();
hardenSession(session.defaultSession, log);
// USB/HID for the OEM's vendor ids, IPP printers from --ipp, and the demo printer while nothing real is attached.
const demoLevels = demoBackend ? { demoLevels: DEMO_BACKEND_PRINTER_LEVELS } : {};
let devices: ReturnType<typeof composeHostDevices>;
try {
  devices = composeHostDevices({ vendorIds: branding.vendorIds, ippPrinters, demo: demoMode, clock: systemClock, simSpeed: Number.isFinite(simSpeed) ? simSpeed : 1, log, ...demoLevels });
} catch (error) {
  log(`devices: ${error instanceof Error ? error.message : String(error)}; continuing without the IPP printers`);
  devices = composeHostDevices({ vendorIds: branding.vendorIds, ippPrinters: [], demo: demoMode, clock: systemClock, simSpeed: Number.isFinite(simSpeed) ? simSpeed : 1, log, ...demoLevels });
}
// net.fetch goes through Chromium's network stack: the system proxy and certificate store apply, as owners' networks expect.
const netFetch = (url: string, init: RequestInit): Promise<Response> => net.fetch(url, init);
// The placeholder key of the demo branding: a development run may read the key of a server on 127.0.0.1; a packaged app never does.
// The message service pins its key when it is made, so it waits for the demo backend's key here.
const messageBranding = demoBackend
  ? await demoBackend.ready.then(
      (backend) => {
        log(`demo backend: started on ${backend.url} in ${backend.storeOpenedMs} ms (data in ${demoBackendDir}); its signing key ${backend.keyId} is pinned for this run`);
        return brandingWithDemoBackend(branding, backend);
      },
      (startError: unknown) => {
        log(`messages: off — the demo backend did not start: ${startError instanceof Error ? startError.message : String(startError)}`);
        return null;
      },
    )
  : await resolveSigningKey(branding, { allowLoopbackKeyFetch: !app.isPackaged, fetch: netFetch, log });
let electronTray: Tray | undefined;
let panelWebPreferences: unknown;

const shell = await startShell({
  platform: process.platform,
  productName: branding.name,
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
  isOnline: () => net.isOnline(),
  notifications: {
    isSupported: () => Notification.isSupported(),
    create: (options) => new Notification({ ...options, silent: false }),
  },
  createCore: (notifier) =>
    createCore({
      appInfo: { name: branding.name, version: app.getVersion(), host: 'electron', platform: process.platform },
      sources: devices.sources,
      branding: messageBranding ?? branding,
      settingsStorage: electronSettingsStorage(),
      clock: systemClock,
      timers: systemTimers,
      log,
      notifier,
      // The core checks every link against the branding allow-list before this is called.
      openExternal: (url) => electronShell.openExternal(url),
      dataDir: app.getPath('userData'),
      fetch: netFetch,
      // The OS's own locale list is more faithful than LANG, which GUI sessions often leave unset.
      environment: detectEnvironment({ appVersion: app.getVersion(), platform: process.platform, systemLocale: app.getSystemLocale(), env: process.env }),
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

// Another instance holds the lock and this one quits: its backend child goes too.
if (!shell) void demoBackend?.stop();
if (shell) {
  for (const problem of devices.problems()) log(`devices: ${problem}`);
  app.on('will-quit', () => {
    shell.dispose();
    devices.dispose();
    // Closing its stdin is enough: it flushes its store and exits on its own after the app is gone.
    void demoBackend?.stop();
  });
  // Desktop tests (test/desktop) drive the app through this; it is absent in normal runs.
  if (process.env.TRAYSIDE_TEST_HOOKS === '1') {
    const hooks = {
      shell,
      tray: electronTray,
      panelWebPreferences,
      // The fallback demo printer is replaced each time it comes back: always answer the current one.
      get demoPrinter() {
        return devices.demoPrinter();
      },
    };
    Object.assign(globalThis, { __trayside: hooks });
  }
}
