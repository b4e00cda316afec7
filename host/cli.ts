// The Node host: the same core as the Electron app, serving the panel to a browser on 127.0.0.1.
// Used where Electron cannot run (no binary, no display), for end-to-end tests and for demos.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock, systemTimers } from '../common/lifecycle.js';
import { BrandingError, loadStartupBranding } from '../core/branding/load-branding.js';
import { resolveSigningKey } from '../core/branding/signing-key.js';
import { createCore } from '../core/core.js';
import { composeHostDevices, type DemoMode } from '../core/host-devices.js';
import { brandingWithDemoBackend, decideDemoBackend, DEMO_BACKEND_PRINTER_LEVELS, startDemoBackend, type DemoBackend } from '../core/demo-backend.js';
import { fileSettingsStorage } from './file-settings-storage.js';
import { applyMessageFlags } from './message-config.js';
import { notificationLog } from './notification-log.js';
import { startNodeHost } from './node-host.js';
import { urlLog } from './url-log.js';

const USAGE = `Usage: trayside-host [--port N] [--branding FILE] [--ipp URI]... [--demo | --no-demo] [--no-demo-backend] [--sim-speed N] [--data-dir DIR]
  --port N        port on 127.0.0.1 (default 4477; 0 picks a free one)
  --branding FILE the OEM's branding config (env TRAYSIDE_BRANDING; default: the bundled demo branding)
  --ipp URI       an IPP printer to watch, e.g. ipp://192.168.1.20/ipp/print (repeat for more)
  --demo          always show the simulated demo printer (default: only while no real device is attached)
  --no-demo       never show the demo printer
  --no-demo-backend  with the bundled demo branding, do not start the embedded demo message server
                  (by default it runs as a child process on a free 127.0.0.1 port, data in DIR/demo-backend)
  --sim-speed N   simulated hours per real hour for the demo printer (default 1; 3600 = an hour a second)
  --data-dir DIR  where settings and caches live (default ~/.trayside)
  --backend URL   override the branding's message server (e.g. http://127.0.0.1:8787 from "npm run server"; env TRAYSIDE_BACKEND_URL)
  --public-key K  override the branding's signing key, base64 (npm run admin -- public-key; env TRAYSIDE_PUBLIC_KEY);
                  with the placeholder key a server on 127.0.0.1 is asked for its key (development only)
  --product-line  override which product line's messages to ask for`;

function fail(message: string): never {
  process.stderr.write(`trayside: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '4477' },
        branding: { type: 'string' },
        ipp: { type: 'string', multiple: true, default: [] },
        demo: { type: 'boolean' },
        'demo-backend': { type: 'boolean' },
        'sim-speed': { type: 'string', default: '1' },
        'data-dir': { type: 'string', default: resolve(homedir(), '.trayside') },
        backend: { type: 'string', default: process.env.TRAYSIDE_BACKEND_URL || undefined },
        'public-key': { type: 'string', default: process.env.TRAYSIDE_PUBLIC_KEY || undefined },
        'product-line': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      allowPositionals: false,
      allowNegative: true,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
})();

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
const speed = Number(values['sim-speed']);
if (!Number.isFinite(speed) || speed < 0) fail(`--sim-speed must be a number of 0 or more, got "${values['sim-speed']}"`);

/** The project folder: this file runs from host/ under tsx and from out/node/host/ once compiled. */
function projectRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const root = projectRoot();
const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
};

// A bad branding file stops the host with one line naming the file and the field (exit 2, like a bad flag).
let startup: ReturnType<typeof loadStartupBranding>;
try {
  startup = loadStartupBranding({ flag: values.branding, env: process.env, cwd: process.cwd() });
  startup.branding = applyMessageFlags(startup.branding, { backend: values.backend, publicKey: values['public-key'], productLine: values['product-line'] });
} catch (error) {
  if (error instanceof BrandingError) {
    process.stderr.write(`trayside: ${error.message}\n`);
    process.exit(2);
  }
  fail(error instanceof Error ? error.message : String(error));
}
const { branding } = startup;
log(`branding: ${branding.name} from ${startup.source}; messages from ${branding.backendUrl} (${branding.productLine})`);

// The bundled demo branding gets the reference backend as a child process, so the first start shows messages.
const demoDecision = decideDemoBackend({
  bundledBranding: startup.bundled,
  packaged: false,
  flag: values['demo-backend'],
  backendOverridden: values.backend !== undefined || values['public-key'] !== undefined,
});
let demoBackend: DemoBackend | undefined;
if (demoDecision.start) {
  const dir = resolve(values['data-dir'], 'demo-backend');
  log(`demo backend: starting the embedded message server with the demo campaigns (data in ${dir}; a first start takes about 10 s)`);
  demoBackend = startDemoBackend({ root, dataDir: dir, log, fromSource: import.meta.url.endsWith('.ts') });
} else if (startup.bundled) log(`demo backend: off (${demoDecision.reason})`);

const demo: DemoMode = values.demo === true ? 'always' : values.demo === false ? 'never' : 'fallback';
let devices: ReturnType<typeof composeHostDevices>;
try {
  devices = composeHostDevices({
    vendorIds: branding.vendorIds,
    ippPrinters: values.ipp,
    demo,
    clock: systemClock,
    simSpeed: speed,
    log,
    ...(demoBackend ? { demoLevels: DEMO_BACKEND_PRINTER_LEVELS } : {}),
  });
} catch (error) {
  fail(`--ipp: ${error instanceof Error ? error.message : String(error)}`);
}
// The message service pins its key when it is made, so it waits for the demo backend's key here.
const messageBranding = demoBackend
  ? await demoBackend.ready.then(
      (backend) => {
        log(`demo backend: started on ${backend.url} in ${backend.storeOpenedMs} ms (data in ${resolve(values['data-dir'], 'demo-backend')}); its signing key ${backend.keyId} is pinned for this run`);
        return brandingWithDemoBackend(branding, backend);
      },
      (error: unknown) => {
        log(`messages: off — the demo backend did not start: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      },
    )
  : // The Node host is a development and test host: with the placeholder key it may ask a server on 127.0.0.1 for its key.
    await resolveSigningKey(branding, { allowLoopbackKeyFetch: true, fetch: (url, init) => fetch(url, init), log });
const core = createCore({
  appInfo: { name: branding.name, version: process.env.npm_package_version ?? '0.1.0', host: 'node', platform: process.platform },
  sources: devices.sources,
  settingsStorage: fileSettingsStorage(values['data-dir'], log),
  clock: systemClock,
  timers: systemTimers,
  log,
  branding: messageBranding ?? branding,
  notifier: notificationLog(log),
  openExternal: urlLog(log, process.env.TRAYSIDE_URL_LOG),
  dataDir: values['data-dir'],
  fetch: (url, init) => fetch(url, init),
});

try {
  await core.start();
  for (const problem of devices.problems()) log(`devices: ${problem}`);
  const host = await startNodeHost({
    core,
    rendererDir: resolve(root, 'out/renderer'),
    bridgeScript: resolve(root, 'out/host-bridge/trayside-bridge.js'),
    port,
    log,
  });
  process.stdout.write(`Trayside panel: ${host.url}\n`);
  const shutdown = (): void => {
    void host
      .close()
      .then(async () => {
        core.dispose();
        devices.dispose();
        await demoBackend?.stop();
      })
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  fail(message.includes('EADDRINUSE') ? `port ${port} is in use; pass --port 0 to pick a free one` : message);
}
