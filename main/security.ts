// The panel's security policy as plain functions over small interfaces, so each rule is tested
// without Electron. Follows Electron's security checklist (electronjs.org/docs/latest/tutorial/security).
import { pathToFileURL } from 'node:url';

/** Same policy as the meta tag in renderer/index.html; sent as a header too, which a page cannot weaken. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** webPreferences for every window: no Node in the page, sandboxed, isolated, one CJS preload. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  } as const;
}

/** Where the panel is allowed to come from: the built file, or electron-vite's dev server. */
export interface AppOrigin {
  /** out/renderer/index.html, absolute (inside app.asar when packaged). */
  rendererFile: string;
  /** ELECTRON_RENDERER_URL under `electron-vite dev`; absent in a built app. */
  devServerUrl?: string | undefined;
  platform?: string;
}

/** The URL the panel window loads. */
export function panelUrl(origin: AppOrigin): string {
  return origin.devServerUrl ?? pathToFileURL(origin.rendererFile).href;
}

/**
 * True only for the panel's own page. A file URL must be exactly the built index.html (any
 * other file on disk is foreign); a dev-server URL must have the dev server's origin.
 */
export function isAppUrl(url: string, origin: AppOrigin): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (origin.devServerUrl !== undefined) {
    return parsed.origin === new URL(origin.devServerUrl).origin && parsed.origin !== 'null';
  }
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
  const expected = new URL(pathToFileURL(origin.rendererFile).href);
  const decode = (pathname: string): string | undefined => {
    try {
      return decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
  };
  const actualPath = decode(parsed.pathname);
  const expectedPath = decode(expected.pathname);
  if (actualPath === undefined || expectedPath === undefined) return false;
  // Windows paths are case-insensitive; Chromium may report C: where Node wrote c:.
  return (origin.platform ?? process.platform) === 'win32'
    ? actualPath.toLowerCase() === expectedPath.toLowerCase()
    : actualPath === expectedPath;
}

/** The frame an IPC message came from (Electron's WebFrameMain, reduced to what the check needs). */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/** A call is trusted only from the top frame of the panel's own page; a frame that navigated away or an iframe is not. */
export function isTrustedSender(frame: SenderFrame | null | undefined, origin: AppOrigin): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url, origin);
}

/** Response headers with our CSP, replacing any the response carried under any letter case. */
export function withContentSecurityPolicy(
  headers: Record<string, string[] | string> | undefined,
  policy = CONTENT_SECURITY_POLICY,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [policy];
  return result;
}

/** What hardening needs from a webContents. */
export interface HardenableContents {
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
    listener: (event: { preventDefault(): void; url: string }, url?: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * The panel never navigates, opens windows or embeds webviews: links to shops go through
 * the contract (which checks them) and the OS browser, never through the panel itself.
 */
export function hardenWebContents(contents: HardenableContents, origin: AppOrigin, log: (message: string) => void): void {
  const guard = (kind: string) => (event: { preventDefault(): void; url: string }, url?: string) => {
    const target = url ?? event.url;
    if (isAppUrl(target, origin)) return;
    event.preventDefault();
    log(`security: blocked ${kind} to ${String(target).slice(0, 200)}`);
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-frame-navigate', guard('frame navigation'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('security: blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`security: blocked a new window for ${String(url).slice(0, 200)}`);
    return { action: 'deny' };
  });
}

/** What hardening needs from a session. */
export interface HardenableSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[] | string> },
        callback: (response: { responseHeaders: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

/** Denies every permission (camera, notifications from the page, geolocation, …) and sets the CSP on every response. */
export function hardenSession(session: HardenableSession, log: (message: string) => void): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`security: denied permission "${permission}"`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) }),
  );
}
