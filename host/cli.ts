// The Node host: the same core as the Electron app, serving the panel to a browser on 127.0.0.1.
// Used where Electron cannot run (no binary, no display), for end-to-end tests and for demos.
// Everything here is Node adapters; the composition is core/compose-app.ts.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { describeError } from '../common/errors.js';
import { systemClock, systemTimers } from '../common/lifecycle.js';
import { BrandingError } from '../core/branding/load-branding.js';
import { composeApp, loadHostBranding, type ComposedApp } from '../core/compose-app.js';
import { parseFlags, type AppFlags } from '../core/parse-flags.js';
import { fileSettingsStorage } from './file-settings-storage.js';
import { notificationLog } from './notification-log.js';
import { PortInUseError, startNodeHost } from './node-host.js';
import { describeTakenPort, portIsFree } from './port-owner.js';
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

const flags: AppFlags = (() => {
  try {
    return parseFlags(process.argv.slice(2), 'strict', process.env);
  } catch (error) {
    fail(describeError(error));
  }
})();
if (flags.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const dataDir = flags.dataDir ?? resolve(homedir(), '.trayside');

/** A taken port is not a usage error: one line saying who holds it, exit 1, and no usage text. */
async function exitPortTaken(port: number): Promise<never> {
  process.stderr.write(`trayside: ${await describeTakenPort(port)}\n`);
  process.exit(1);
}
// Before anything starts (demo backend, devices): a second `npm start` answers at once.
if (flags.port !== 0 && !(await portIsFree(flags.port))) await exitPortTaken(flags.port);

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
const startup = (() => {
  try {
    return loadHostBranding(flags, process.env, process.cwd());
  } catch (error) {
    if (error instanceof BrandingError) {
      process.stderr.write(`trayside: ${error.message}\n`);
      process.exit(2);
    }
    fail(describeError(error));
  }
})();
log(
  `branding: ${startup.branding.name} from ${startup.source}; messages from ${startup.branding.backendUrl} (${startup.branding.productLine})`,
);

let app: ComposedApp;
try {
  app = await composeApp(
    {
      host: 'node',
      notifier: notificationLog(log),
      openExternal: urlLog(log, process.env.TRAYSIDE_URL_LOG),
      fetch: (url, init) => fetch(url, init),
      settingsStorage: fileSettingsStorage(dataDir, log),
      dataDir,
      environment: { appVersion: process.env.npm_package_version ?? '0.1.0', platform: process.platform, env: process.env },
      log,
      clock: systemClock,
      timers: systemTimers,
      isPackaged: false,
      appRoot: root,
      demoBackendFromSource: import.meta.url.endsWith('.ts'),
    },
    flags,
    startup,
  );
} catch (error) {
  fail(describeError(error));
}

try {
  await app.core.start();
  for (const problem of app.devices.problems()) log(`devices: ${problem}`);
  const host = await startNodeHost({
    core: app.core,
    rendererDir: resolve(root, 'out/renderer'),
    bridgeScript: resolve(root, 'out/renderer/trayside-bridge.js'),
    port: flags.port,
    log,
  });
  process.stdout.write(`Trayside panel: ${host.url}\n`);
  const shutdown = (): void => {
    void host
      .close()
      .then(() => app.dispose())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  // Taken between the check above and the listen (two starts at once): the same one line.
  if (error instanceof PortInUseError) {
    await app.dispose();
    await exitPortTaken(error.port);
  }
  fail(describeError(error));
}
