// A stand-in for the `electron` module, so the built main process (out/main/index.js) can boot
// under plain Node where no Electron binary exists. It records what the app asked Electron for
// and writes that to TRAYSIDE_FAKE_ELECTRON_STATE when the process exits.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const state = {
  windows: [],
  trays: [],
  handles: [],
  notifications: [],
  sessionHardened: [],
  webContentsCreated: 0,
  appEvents: [],
  images: [],
  missingImages: [],
  errorBoxes: [],
  fetches: [],
};
const userData = mkdtempSync(join(tmpdir(), 'trayside-fake-electron-'));
const appListeners = new Map();

process.on('exit', () => {
  if (process.env.TRAYSIDE_FAKE_ELECTRON_STATE) writeFileSync(process.env.TRAYSIDE_FAKE_ELECTRON_STATE, JSON.stringify(state));
  // The stand-in's user-data folder is this process's alone: nothing reads it after exit.
  rmSync(userData, { recursive: true, force: true });
});

class Listeners {
  listeners = new Map();
  on(event, listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  off() {
    return this;
  }
  once(event, listener) {
    return this.on(event, listener);
  }
}

export const app = {
  isPackaged: false,
  whenReady: () => Promise.resolve(),
  on(event, listener) {
    state.appEvents.push(event);
    appListeners.set(event, [...(appListeners.get(event) ?? []), listener]);
    return app;
  },
  once: (event, listener) => app.on(event, listener),
  setAppUserModelId: () => undefined,
  setPath: () => undefined,
  getPath: () => userData,
  getVersion: () => '0.1.0',
  getName: () => 'Trayside',
  requestSingleInstanceLock: () => true,
  setLoginItemSettings: (settings) => state.appEvents.push(`login:${JSON.stringify(settings)}`),
  getSystemLocale: () => 'en-US',
  quit: () => state.appEvents.push('quit'),
  // The real app.exit ends the process without 'before-quit'; so does this.
  exit: (code = 0) => {
    state.appEvents.push(`exit:${code}`);
    process.exit(code);
  },
};

export const dialog = {
  showErrorBox: (title, content) => state.errorBoxes.push({ title, content }),
};

// net.fetch is Chromium's fetch in the real module; plain fetch here (the boot test talks to 127.0.0.1 only).
export const net = {
  fetch: (url, init) => {
    state.fetches.push(String(url));
    return fetch(url, init);
  },
  isOnline: () => true,
};

class WebContents extends Listeners {
  url = '';
  sent = [];
  send(channel) {
    this.sent.push(channel);
  }
  isDestroyed = () => false;
  getURL = () => this.url;
  setWindowOpenHandler(handler) {
    this.openHandler = handler;
  }
}

export class BrowserWindow extends Listeners {
  static all = [];
  static getAllWindows = () => BrowserWindow.all;
  constructor(options) {
    super();
    this.webContents = new WebContents();
    this.visible = false;
    const record = { options, url: undefined, hardened: false };
    this.record = record;
    state.windows.push(record);
    BrowserWindow.all.push(this);
    for (const listener of appListeners.get('web-contents-created') ?? []) listener({}, this.webContents);
    state.webContentsCreated += 1;
    record.hardened =
      ['will-navigate', 'will-redirect', 'will-attach-webview'].every((event) => this.webContents.listeners.has(event)) &&
      Boolean(this.webContents.openHandler);
  }
  loadURL(url) {
    this.record.url = url;
    this.webContents.url = url;
    return Promise.resolve();
  }
  isVisible = () => this.visible;
  isDestroyed = () => false;
  show = () => (this.visible = true);
  hide = () => (this.visible = false);
  focus = () => undefined;
  setPosition = () => undefined;
  destroy = () => undefined;
}

export const Menu = { buildFromTemplate: (template) => template.map((item) => item.label ?? '---') };

export const nativeImage = {
  createFromPath(path) {
    state.images.push(path);
    if (!existsSync(path)) state.missingImages.push(path);
    return { addRepresentation: () => undefined, setTemplateImage: () => undefined, path };
  },
};

export class Notification extends Listeners {
  static isSupported = () => true;
  constructor(options) {
    super();
    this.options = options;
  }
  show() {
    state.notifications.push(this.options.title);
  }
}

export const powerMonitor = new Listeners();
export const screen = { getDisplayNearestPoint: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }) };
export const session = {
  defaultSession: {
    setPermissionRequestHandler: () => state.sessionHardened.push('permission-request'),
    setPermissionCheckHandler: () => state.sessionHardened.push('permission-check'),
    webRequest: { onHeadersReceived: () => state.sessionHardened.push('csp-header') },
  },
};

export class Tray extends Listeners {
  constructor(image) {
    super();
    this.record = { image: image.path, tooltip: '', menu: [] };
    state.trays.push(this.record);
  }
  setImage(image) {
    this.record.image = image.path;
  }
  setToolTip(text) {
    this.record.tooltip = text;
  }
  setContextMenu(menu) {
    this.record.menu = menu;
  }
  popUpContextMenu = () => undefined;
  getBounds = () => ({ x: 1700, y: 1048, width: 24, height: 24 });
  destroy = () => undefined;
  isDestroyed = () => false;
}

export const ipcMain = Object.assign(new Listeners(), {
  handle: (channel) => state.handles.push(channel),
  removeHandler: () => undefined,
});

export const shell = { openExternal: () => Promise.resolve() };

// electron-store does `import electron from 'electron'`: the real module is CommonJS, so its default is the whole API.
const api = { app, BrowserWindow, dialog, Menu, nativeImage, net, Notification, powerMonitor, screen, session, Tray, ipcMain, shell };
// eslint-disable-next-line no-restricted-syntax -- mirrors the CommonJS default export of the real electron module.
export default api;
