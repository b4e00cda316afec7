// The Node host: the same core as the Electron app, serving the panel to a browser on 127.0.0.1.
// Used where Electron cannot run (no binary, no display), for end-to-end tests and for demos.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock, systemTimers } from '../../common/lifecycle.js';
import { SimulatedPrinter } from '../../native/simulated/printer.js';
import { SimulatedSource } from '../../native/simulated/simulated-source.js';
import { createCore } from '../core/core.js';
import { confSettingsStorage } from './conf-settings-storage.js';
import { messageNotificationLog, resolveMessageBranding } from './message-config.js';
import { notificationLog } from './notification-log.js';
import { startNodeHost } from './node-host.js';
import { urlLog } from './url-log.js';

const USAGE = `Usage: trayside-host [--port N] [--demo] [--sim-speed N] [--data-dir DIR]
  --port N        port on 127.0.0.1 (default 4477; 0 picks a free one)
  --demo          add the simulated printer (on by default when no real device source is configured)
  --sim-speed N   simulated hours per real hour for the demo printer (default 1; 3600 = an hour a second)
  --data-dir DIR  where settings and caches live (default ~/.trayside)
  --backend URL   message server (e.g. http://127.0.0.1:8787 from "npm run server"; env TRAYSIDE_BACKEND_URL)
  --public-key K  the server's Ed25519 key, base64 (GET /v1/signing-key; env TRAYSIDE_PUBLIC_KEY);
                  optional for a server on 127.0.0.1, whose key is then read from it
  --product-line  which product line's messages to ask for (default trayside-demo)`;

function fail(message: string): never {
  process.stderr.write(`trayside: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '4477' },
        demo: { type: 'boolean', default: true },
        'sim-speed': { type: 'string', default: '1' },
        'data-dir': { type: 'string', default: resolve(homedir(), '.trayside') },
        backend: { type: 'string', default: process.env.TRAYSIDE_BACKEND_URL },
        'public-key': { type: 'string', default: process.env.TRAYSIDE_PUBLIC_KEY },
        'product-line': { type: 'string', default: 'trayside-demo' },
        help: { type: 'boolean', default: false },
      },
      allowPositionals: false,
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

/** The project folder: this file runs from main/host/ under tsx and from out/node/main/host/ once compiled. */
function projectRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const root = projectRoot();
const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
};
const branding = await resolveMessageBranding({ backend: values.backend, publicKey: values['public-key'], productLine: values['product-line'] }, log).catch((error: unknown) =>
  fail(error instanceof Error ? error.message : String(error)),
);
const sources = values.demo ? [new SimulatedSource([new SimulatedPrinter({ clock: systemClock, speed })])] : [];
const core = createCore({
  appInfo: { name: 'Trayside', version: process.env.npm_package_version ?? '0.1.0', host: 'node', platform: process.platform },
  sources,
  settingsStorage: confSettingsStorage(values['data-dir']),
  clock: systemClock,
  timers: systemTimers,
  log,
  notifier: notificationLog(log),
  openExternal: urlLog(log, process.env.TRAYSIDE_URL_LOG),
  engagement: { dataDir: resolve(values['data-dir'], 'events') },
  messages: { branding, storageDir: resolve(values['data-dir'], 'messages'), fetch: (url, init) => fetch(url, init), notifier: messageNotificationLog(log) },
});

try {
  await core.start();
  const host = await startNodeHost({
    core,
    rendererDir: resolve(root, 'out/renderer'),
    bridgeScript: resolve(root, 'out/host-bridge/trayside-bridge.js'),
    port,
    log,
  });
  process.stdout.write(`Trayside panel: ${host.url}\n`);
  const shutdown = (): void => {
    void host.close().then(() => {
      core.dispose();
      process.exit(0);
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  fail(message.includes('EADDRINUSE') ? `port ${port} is in use; pass --port 0 to pick a free one` : message);
}
