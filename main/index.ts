/// <reference types="electron-vite/node" />
// The Electron entry: creates the real Electron objects and hands them to startShell (app.ts).
// Everything here is wiring; behaviour lives in app.ts and the core, which are tested without Electron.
import { resolve } from 'node:path';
import { app, BrowserWindow, dialog, Menu, net, Notification, powerMonitor, screen, session, shell as electronShell, Tray } from 'electron';
import { describeError } from '../common/errors.js';
import { systemClock, systemTimers } from '../common/lifecycle.js';
import type { StartupBranding } from '../core/branding/load-branding.js';
import { composeApp, loadHostBranding, type ComposedApp } from '../core/compose-app.js';
import type { PanelHost } from '../core/core.js';
import { parseFlags } from '../core/parse-flags.js';
import { startShell, type ShellNotifier } from './app.js';
import { electronIpcMain } from './ipc-adapter.js';
import { panelWindowOptions } from './panel-window.js';
import { hardenSession, hardenWebContents, panelUrl, type AppOrigin } from './security.js';
import { electronSettingsStorage } from './settings-store.js';
import { trayImagesSync } from './tray-icons.js';
import { startElectronUpdatesSync } from './electron-updates.js';
import { saveBundleWithDialog } from './save-dialog.js';

/** How long quitting waits for the core's last writes before it exits anyway. */
const QUIT_WAIT_MS = 3000;

const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
};
// Chromium adds switches of its own to argv: read ours leniently and ignore the rest.
const flags = parseFlags(process.argv.slice(1), 'lenient', process.env);

/** One validated branding config for everything below; a bad one stops the app with one line naming the file and field. */
function startupBranding(): StartupBranding | undefined {
  try {
    return loadHostBranding(flags, process.env, process.cwd());
  } catch (error) {
    const message = describeError(error);
    log(`branding: ${message}`);
    // showErrorBox is the one dialog Electron allows before 'ready', for exactly this.
    dialog.showErrorBox('Trayside cannot start', message);
    app.exit(2);
    return undefined;
  }
}
// app.exit ends the process once this task returns; waiting here keeps the code below from running meanwhile.
const startup = startupBranding() ?? (await new Promise<never>(() => undefined));
log(`branding: ${startup.branding.name} from ${startup.source}`);

const origin: AppOrigin = {
  rendererFile: resolve(import.meta.dirname, '../renderer/index.html'),
  devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
};
const preload = resolve(import.meta.dirname, '../preload/index.cjs');

// A separate profile (settings, single-instance lock) for desktop tests and side-by-side runs.
if (process.env.TRAYSIDE_USER_DATA_DIR) app.setPath('userData', resolve(process.env.TRAYSIDE_USER_DATA_DIR));

// Linux: the tray icon needs an app id to group notifications; Windows: toasts need the AppUserModelID.
app.setAppUserModelId('com.trayside.app');
// A tray app lives without windows: do not quit when the panel is the last window and closes.
app.on('window-all-closed', () => undefined);
// Every webContents, including any created later, gets the same rules.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, origin, log));

await app.whenReady();
// A tray app has no Dock icon on macOS.
if (process.platform === 'darwin') app.dock?.hide();
hardenSession(session.defaultSession, log);
// Composed once this instance holds the single-instance lock, around the shell's notifier.
let composed: ComposedApp | undefined;
const composeElectronApp = async (notifier: ShellNotifier, panel: PanelHost): Promise<ComposedApp> =>
  (composed = await composeApp(
    {
      host: 'electron',
      notifier,
      panel,
      // The core checks every link against the branding allow-list before this is called.
      openExternal: (url) => electronShell.openExternal(url),
      // net.fetch goes through Chromium's network stack: the system proxy and certificate store apply, as owners' networks expect.
      fetch: (url, init) => net.fetch(url, init),
      settingsStorage: electronSettingsStorage(),
      dataDir: app.getPath('userData'),
      // The OS's own locale list is more faithful than LANG, which GUI sessions often leave unset.
      environment: { appVersion: app.getVersion(), platform: process.platform, systemLocale: app.getSystemLocale(), env: process.env },
      log,
      clock: systemClock,
      timers: systemTimers,
      isPackaged: app.isPackaged,
      appRoot: resolve(import.meta.dirname, '../..'),
      // Electron's own Node runs the compiled server; an unpackaged binary keeps the RunAsNode fuse at its default.
      demoBackendRuntime: { command: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } },
      diagnostics: { electron: process.versions.electron, saveFile: saveBundleWithDialog },
    },
    flags,
    startup,
    'skip',
  ));
let electronTray: Tray | undefined;

let panelWebPreferences: unknown;

// Auto-update where this build has it; a staged update is installed now, before the tray.
const updates = await startElectronUpdatesSync(startup, log);

const shell = await startShell({
  platform: process.platform,
  productName: startup.branding.name,
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
  createCore: async (notifier, panel) => (await composeElectronApp(notifier, panel)).core,
  tray: {
    createTray: (image) => (electronTray = new Tray(image)),
    createImage: trayImagesSync(process.platform),
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
  ...(updates ? { updates } : {}),
});

if (shell && composed) {
  const { devices } = composed;
  const running = composed;
  for (const problem of devices.problems()) log(`devices: ${problem}`);
  // Quitting waits (a few seconds at most) for the core to close: events recorded and files being
  // written in the last moment reach the disk instead of being cut off by the exit.
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    shell.dispose();
    const bounded = new Promise<void>((resolve) => setTimeout(resolve, QUIT_WAIT_MS).unref());
    void Promise.race([running.dispose(), bounded])
      .catch((error: unknown) => log(`shell: closing the core failed: ${String(error)}`))
      .finally(() => {
        closed = true;
        app.quit();
      });
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
