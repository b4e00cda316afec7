import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeTime } from '../test/support/fake-time.js';
import { makeTestKey } from '../test/support/manifests.js';
import { recordingNotifier } from '../test/support/test-core.js';
import { bundledBranding } from './branding/load-branding.js';
import { composeApp, loadHostBranding, type ComposedApp, type HostAdapters } from './compose-app.js';
import type { CoreFetch } from './core.js';
import type { DemoBackend, DemoBackendOptions } from './demo-backend.js';
import { parseFlags } from './parse-flags.js';
import { memorySettingsStorage } from './settings-service.js';

const key = makeTestKey();
const DEMO_URL = 'http://127.0.0.1:45678';
let dir = '';
let app: ComposedApp | undefined;
afterEach(async () => {
  // The event queue opens asynchronously: wait for it, so that nothing still writes into the folder removed below.
  await app?.core.engagement;
  await app?.dispose();
  app = undefined;
  if (dir !== '') rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  dir = '';
});

/** Fake adapters: a fetch that records every URL, a demo backend launcher that answers at once, no USB/HID. */
function world(overrides: Partial<HostAdapters> = {}) {
  dir = mkdtempSync(join(tmpdir(), 'trayside-compose-'));
  const time = new FakeTime();
  const log: string[] = [];
  const fetched: string[] = [];
  const launched: DemoBackendOptions[] = [];
  let stops = 0;
  const fetch: CoreFetch = async (url) => {
    fetched.push(url);
    if (url.endsWith('/v1/signing-key'))
      return Response.json({ algorithm: 'Ed25519', keyId: key.keyId, publicKey: key.publicKeyBase64, publicKeyPem: '' });
    return new Response('{}', { status: 404 });
  };
  const startDemoBackend = (options: DemoBackendOptions): DemoBackend => {
    launched.push(options);
    return {
      ready: Promise.resolve({
        demoBackend: 'ready',
        url: DEMO_URL,
        publicKey: key.publicKeyBase64,
        keyId: key.keyId,
        storeOpenedMs: 5,
        seeded: [],
      }),
      pid: 1,
      stop: async () => void (stops += 1),
    };
  };
  const adapters: HostAdapters = {
    host: 'node',
    notifier: recordingNotifier({}),
    openExternal: async () => undefined,
    fetch,
    settingsStorage: memorySettingsStorage({ locale: 'en' }),
    dataDir: dir,
    environment: { appVersion: '1.2.3', platform: 'linux', env: { LANG: 'en_US.UTF-8' } },
    log: (line) => log.push(line),
    clock: time,
    timers: time,
    isPackaged: false,
    appRoot: dir,
    startDemoBackend,
    devices: {
      loadUsb: async () => ({ unavailable: 'no USB bus on this machine' }),
      loadHid: async () => ({ unavailable: 'hidapi is not installed' }),
    },
    ...overrides,
  };
  return { adapters, time, log, fetched, launched, stops: () => stops };
}

async function compose(
  w: ReturnType<typeof world>,
  argv: string[] = [],
  badIpp: 'throw' | 'skip' = 'throw',
  env: Record<string, string> = {},
): Promise<ComposedApp> {
  const flags = parseFlags(argv, 'strict', env);
  app = await composeApp(w.adapters, flags, loadHostBranding(flags, env, dir), badIpp);
  return app;
}

describe('composeApp', () => {
  it('bundled demo branding: starts the demo backend in <data dir>/demo-backend, and its URL and key are the one branding everywhere', async () => {
    const w = world();
    const composed = await compose(w);
    expect(w.launched.map((options) => options.dataDir)).toEqual([join(dir, 'demo-backend')]);
    expect(composed.branding).toMatchObject({ backendUrl: DEMO_URL, signingKeys: [key.publicKeyBase64] });
    // The demo printer starts under the demo campaign's mark, so its message comes with the first manifest.
    await composed.core.start();
    await w.time.advance(0);
    const [printer] = await composed.core.handlers.devices.list();
    expect(printer?.supplies.find((supply) => supply.id === 'cyan')?.level).toEqual({ kind: 'percent', percent: 14 });
    // Messages poll the demo backend; no request ever goes to the bundled branding's own URL.
    await vi.waitFor(() => expect(w.fetched.some((url) => url.startsWith(`${DEMO_URL}/v1/manifests/`))).toBe(true));
    expect(w.fetched.filter((url) => url.startsWith(bundledBranding().backendUrl))).toEqual([]);
    expect(composed.core.messages.status().problem).not.toBe('No message server is configured.');
    expect(await composed.core.handlers.app.getInfo()).toEqual({
      name: bundledBranding().name,
      version: '1.2.3',
      host: 'node',
      platform: 'linux',
      systemLocale: expect.any(String),
    });
  });

  it('--no-demo-backend: no child; the placeholder key is read from the local server at the first poll, not at start (unpackaged run)', async () => {
    const w = world();
    const composed = await compose(w, ['--no-demo-backend']);
    expect(w.launched).toEqual([]);
    expect(w.log).toContain('demo backend: off (turned off with --no-demo-backend)');
    // Nothing is asked before the core starts: a server that comes up later is still found (core/messages/signing-key-source.ts).
    expect(w.fetched).toEqual([]);
    await composed.core.start();
    await vi.waitFor(() =>
      expect(w.fetched.slice(0, 2)).toEqual([`${bundledBranding().backendUrl}/v1/signing-key`, expect.stringContaining('/v1/manifests/')]),
    );
    expect(w.log).toContainEqual(expect.stringContaining('using the signing key of the local server'));
  });

  it('an OEM branding in a packaged app: no demo backend, no key fetch, messages say no server is configured', async () => {
    const w = world({ isPackaged: true });
    const file = join(dir, 'oem.json');
    writeFileSync(file, JSON.stringify({ ...bundledBranding(), name: 'Acme Ink' }));
    const composed = await compose(w, ['--branding', file]);
    expect(w.launched).toEqual([]);
    expect(w.fetched).toEqual([]);
    expect(composed.branding.name).toBe('Acme Ink');
    expect(composed.core.messages.status().problem).toBe('No message server is configured.');
  });

  it('--ipp with a bad URI: the Node host stops (and the demo backend with it); Electron runs without the printers', async () => {
    const strict = world();
    await expect(compose(strict, ['--ipp', 'printer.local'])).rejects.toThrow(/^--ipp: "printer.local" is not a printer address/);
    expect(strict.stops()).toBe(1);
    rmSync(dir, { recursive: true, force: true });
    const lenient = world();
    const composed = await compose(lenient, ['--ipp', 'printer.local', '--demo'], 'skip');
    expect(lenient.log.some((line) => line.includes('continuing without the IPP printers'))).toBe(true);
    await composed.core.start();
    expect((await composed.core.handlers.devices.list()).map((device) => device.id)).toEqual(['simulated:TS-DEMO-0001']);
  });

  it('dispose stops what it started, once: the core, the device sources and the demo backend', async () => {
    const w = world();
    const composed = await compose(w);
    await composed.core.start();
    await w.time.advance(0);
    expect(w.time.pendingCount).toBeGreaterThan(0);
    await composed.core.engagement;
    await Promise.all([composed.dispose(), composed.dispose()]);
    app = undefined;
    expect(w.stops()).toBe(1);
    // Every poll, tick and retry timer is gone: nothing the composition made keeps running.
    expect(w.time.pendingCount).toBe(0);
  });
});
