import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  hardenSession,
  hardenWebContents,
  isAppUrl,
  isTrustedSender,
  panelUrl,
  secureWebPreferences,
  withContentSecurityPolicy,
  type HardenableContents,
  type HardenableSession,
} from './security.js';

const RENDERER = '/opt/Trayside/resources/app.asar/out/renderer/index.html';
const BUILT = { rendererFile: RENDERER, platform: 'linux' };
const DEV = { rendererFile: RENDERER, devServerUrl: 'http://localhost:5173/', platform: 'linux' };
const APP_URL = pathToFileURL(RENDERER).href;

describe('webPreferences', () => {
  it('turns every protection on and loads the CJS preload', () => {
    expect(secureWebPreferences('/app/out/preload/index.cjs')).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/out/preload/index.cjs',
    });
  });
});

describe('isAppUrl', () => {
  it('accepts the built panel, with or without a hash or query', () => {
    expect(panelUrl(BUILT)).toBe(APP_URL);
    expect(isAppUrl(APP_URL, BUILT)).toBe(true);
    expect(isAppUrl(`${APP_URL}#/devices`, BUILT)).toBe(true);
    expect(isAppUrl(`${APP_URL}?device=1`, BUILT)).toBe(true);
  });

  it('refuses other files, other schemes and web pages', () => {
    for (const url of [
      'file:///etc/passwd',
      'file:///opt/Trayside/resources/app.asar/out/renderer/evil.html',
      'file:///opt/Trayside/resources/app.asar/out/renderer/index.html/../../../x.html',
      'file://remote-host/opt/Trayside/resources/app.asar/out/renderer/index.html',
      'https://example.com/',
      'http://localhost:5173/',
      'devtools://devtools/bundled/inspector.html',
      'about:blank',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      '',
      'not a url',
    ]) {
      expect(isAppUrl(url, BUILT), url).toBe(false);
    }
  });

  it('ignores drive-letter case on Windows only', () => {
    const windows = { rendererFile: 'C:\\Program Files\\Trayside\\resources\\app.asar\\out\\renderer\\index.html', platform: 'win32' };
    expect(isAppUrl('file:///c:/Program%20Files/Trayside/resources/app.asar/out/renderer/index.html', windows)).toBe(
      process.platform === 'win32',
    );
    expect(isAppUrl(APP_URL.toUpperCase().replace('FILE:', 'file:'), BUILT)).toBe(false);
  });

  it('in development accepts only the dev server origin', () => {
    expect(panelUrl(DEV)).toBe('http://localhost:5173/');
    expect(isAppUrl('http://localhost:5173/index.html', DEV)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', DEV)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', DEV)).toBe(false);
    expect(isAppUrl(APP_URL, DEV)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts the top frame of the panel only', () => {
    expect(isTrustedSender({ url: APP_URL, parent: null }, BUILT)).toBe(true);
    expect(isTrustedSender({ url: APP_URL, parent: { url: APP_URL } }, BUILT)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, BUILT)).toBe(false);
    // Electron gives null when the frame navigated away or was destroyed before the message arrived.
    expect(isTrustedSender(null, BUILT)).toBe(false);
    expect(isTrustedSender(undefined, BUILT)).toBe(false);
  });
});

describe('content security policy header', () => {
  it('adds the policy and replaces a weaker one sent under any letter case', () => {
    const headers = withContentSecurityPolicy({ 'content-security-policy': ["script-src 'unsafe-inline'"], 'Content-Type': 'text/html' });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('allows no inline or remote script', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
  });
});

function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault(): void; url: string }, url?: string) => void>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  const contents: HardenableContents = {
    on: (name: string, listener: (event: never, url?: string) => void) => listeners.set(name, listener as never),
    setWindowOpenHandler: (handler) => {
      openHandler = handler;
    },
  };
  const fire = (name: string, url: string): boolean => {
    let prevented = false;
    listeners.get(name)!({ preventDefault: () => (prevented = true), url }, url);
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler!({ url }) };
}

describe('hardenWebContents', () => {
  it('blocks navigation and redirects away from the panel, but not to the panel itself', () => {
    const log: string[] = [];
    const { contents, fire } = fakeContents();
    hardenWebContents(contents, BUILT, (message) => log.push(message));
    expect(fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fire('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-frame-navigate', 'https://ads.example/')).toBe(true);
    expect(fire('will-navigate', APP_URL)).toBe(false);
    expect(fire('will-attach-webview', 'about:blank')).toBe(true);
    expect(log[0]).toBe('security: blocked navigation to https://evil.example/');
  });

  it('denies every new window', () => {
    const { contents, open } = fakeContents();
    hardenWebContents(contents, BUILT, () => undefined);
    expect(open('https://shop.example/cartridge')).toEqual({ action: 'deny' });
    expect(open(APP_URL)).toEqual({ action: 'deny' });
  });
});

describe('hardenSession', () => {
  it('denies every permission request and check, and sets the CSP on responses', () => {
    let request: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let check: ((contents: unknown, permission: string) => boolean) | undefined;
    let headers:
      | ((
          details: { responseHeaders?: Record<string, string[] | string> },
          callback: (r: { responseHeaders: Record<string, string[]> }) => void,
        ) => void)
      | undefined;
    const session: HardenableSession = {
      setPermissionRequestHandler: (handler) => (request = handler),
      setPermissionCheckHandler: (handler) => (check = handler),
      webRequest: { onHeadersReceived: (listener) => (headers = listener) },
    };
    hardenSession(session, () => undefined);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'usb']) {
      let granted: boolean | undefined;
      request!({}, permission, (answer) => (granted = answer));
      expect(granted, permission).toBe(false);
      expect(check!({}, permission)).toBe(false);
    }
    let response: Record<string, string[]> | undefined;
    headers!({ responseHeaders: {} }, (r) => (response = r.responseHeaders));
    expect(response?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });
});
