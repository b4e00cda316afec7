// Starts the real core and the Node host in the test process, with simulated printers the test
// drives directly, and tears every piece down after the test.
import { resolve } from 'node:path';
import { test as base } from '@playwright/test';
import { systemClock, systemTimers } from '../../common/lifecycle.js';
import { createCore, type Core, type CoreOptions } from '../../core/core.js';
import { memorySettingsStorage } from '../../core/settings-service.js';
import { startNodeHost, type NodeHost } from '../../host/node-host.js';
import { urlLog } from '../../host/url-log.js';
import { SimulatedPrinter, type SimulatedPrinterOptions } from '../../native/simulated/printer.js';
import { SimulatedSource } from '../../native/simulated/simulated-source.js';

const root = resolve(import.meta.dirname, '../..');

/** A running Trayside: its core, host, simulated source and the printers attached at start. */
export interface Trayside {
  readonly core: Core;
  readonly source: SimulatedSource;
  readonly printers: SimulatedPrinter[];
  /** The first printer, the common case. */
  readonly printer: SimulatedPrinter;
  readonly url: string;
  readonly log: string[];
  /** The links the core handed to the browser (the Node host logs each one), oldest first. */
  openedUrls(): string[];
  /** Makes a printer with the test's clock (the system clock) and the given options. */
  makePrinter(options?: Omit<SimulatedPrinterOptions, 'clock'>): SimulatedPrinter;
  /** Stops host and core, as when the app quits or crashes; the page stays open. */
  stop(): Promise<void>;
  /** Starts a fresh core and host on the same port with these printers, as when the app comes back. */
  restart(printers: SimulatedPrinter[]): Promise<void>;
  dispose(): Promise<void>;
}

/** What to start with; by default one demo printer. */
export interface LaunchOptions {
  printers?: Array<Omit<SimulatedPrinterOptions, 'clock'>>;
  /** Branding (store links), messages and settings for the core; by default none and the defaults. */
  core?: Partial<
    Pick<
      CoreOptions,
      | 'branding'
      | 'settingsStorage'
      | 'dataDir'
      | 'features'
      | 'fetch'
      | 'environment'
      | 'tuning'
      | 'networkPrinters'
      | 'unreadablePrinters'
      | 'policy'
    >
  >;
}

async function launch(options: LaunchOptions = {}): Promise<Trayside> {
  const log: string[] = [];
  const makePrinter = (printerOptions: Omit<SimulatedPrinterOptions, 'clock'> = {}): SimulatedPrinter =>
    // Speed 0: levels move only when the test says so, so every assertion is about what the test did.
    new SimulatedPrinter({ clock: systemClock, speed: 0, ...printerOptions });
  const printers = (options.printers ?? [{}]).map(makePrinter);

  let source = new SimulatedSource(printers);
  let core: Core | undefined;
  let host: NodeHost | undefined;

  async function start(port: number): Promise<NodeHost> {
    core = createCore({
      appInfo: { name: 'Trayside', version: '0.0.0-e2e', host: 'node', platform: process.platform },
      sources: [source],
      settingsStorage: memorySettingsStorage(),
      clock: systemClock,
      timers: systemTimers,
      log: (message) => log.push(message),
      openExternal: urlLog((message) => log.push(message)),
      ...options.core,
    });
    await core.start();
    host = await startNodeHost({
      core,
      rendererDir: resolve(root, 'out/renderer'),
      bridgeScript: resolve(root, 'out/renderer/trayside-bridge.js'),
      port,
      log: (message) => log.push(message),
    });
    return host;
  }

  async function stop(): Promise<void> {
    await host?.close();
    core?.dispose();
    host = undefined;
    core = undefined;
  }

  const first = await start(0);
  const port = first.port;
  return {
    get core() {
      if (!core) throw new Error('Trayside is stopped');
      return core;
    },
    get source() {
      return source;
    },
    printers,
    printer: printers[0]!,
    url: first.url,
    log,
    openedUrls: () => log.flatMap((line) => (line.startsWith('open-external: ') ? [line.slice('open-external: '.length)] : [])),
    makePrinter,
    stop,
    async restart(next) {
      await stop();
      source = new SimulatedSource(next);
      await start(port);
    },
    dispose: stop,
  };
}

/** Playwright's `test` with a `trayside` launcher; everything it starts is stopped after the test. */
export const test = base.extend<{ trayside: (options?: LaunchOptions) => Promise<Trayside> }>({
  // Playwright reads the fixture's dependencies from the destructuring pattern, so an empty one is required here.
  // eslint-disable-next-line no-empty-pattern
  trayside: async ({}, use, testInfo) => {
    const started: Trayside[] = [];
    await use(async (options) => {
      const app = await launch(options);
      started.push(app);
      return app;
    });
    for (const app of started) {
      if (testInfo.status !== testInfo.expectedStatus && app.log.length > 0)
        await testInfo.attach('trayside.log', { body: app.log.join('\n') });
      await app.dispose();
    }
  },
});

export { expect } from '@playwright/test';
