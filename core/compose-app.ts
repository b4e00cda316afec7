// The one composition both hosts run: branding → signing key or demo backend → devices → core.
// A host passes its adapters (how it reaches the OS) and its parsed flags, and gets a core.
import { join } from 'node:path';
import type { Branding } from '../common/branding.js';
import { describeError } from '../common/errors.js';
import type { Clock, Timers } from '../common/lifecycle.js';
import { applyMessageFlags } from './branding/branding-flags.js';
import { loadStartupBranding, type StartupBranding } from './branding/load-branding.js';
import { planSigningKey } from './branding/signing-key.js';
import { createCore, type Core, type CoreFetch, type CoreNotifier, type PanelHost } from './core.js';
import {
  brandingWithDemoBackend,
  decideDemoBackend,
  DEMO_BACKEND_PRINTER_LEVELS,
  startDemoBackend,
  type DemoBackend,
  type DemoBackendOptions,
  type DemoBackendRuntime,
} from './demo-backend.js';
import { detectEnvironment, systemLocaleOf, type HostEnvironment } from './environment.js';
import { followOwnerLocale } from './owner-locale.js';
import { composeHostDevices, type HostDevices, type HostDevicesOptions } from './host-devices.js';
import type { OpenExternal } from './actions/reorder.js';
import type { SigningKeySource } from './messages/signing-key-source.js';
import type { AppFlags } from './parse-flags.js';
import type { SettingsStorage } from './settings-service.js';
import { loadPolicy } from './policy/policy.js';
import { policyIdentityOf } from './policy/policy-identity.js';
import type { DiagnosticsHostOptions } from './diagnostics/compose-diagnostics.js';
import { createAppLogger, type AppLogger } from './logging/app-logger.js';

/** How one host reaches the OS: everything the composition needs from Electron or from Node. */
export interface HostAdapters {
  host: 'electron' | 'node';
  notifier: CoreNotifier;
  /** The panel's window (Electron); the Node host's page has none. */
  panel?: PanelHost;
  openExternal: OpenExternal;
  fetch: CoreFetch;
  settingsStorage: SettingsStorage;
  /** The app's data folder: messages/, events/ and demo-backend/ live in it. */
  dataDir: string;
  environment: HostEnvironment;
  log: (message: string) => void;
  clock: Clock;
  timers: Timers;
  /** A packaged app never runs the demo backend nor reads a key from a local server. */
  isPackaged: boolean;
  /** The checkout's root (package.json), where the demo backend's server is. */
  appRoot: string;
  /** How the demo backend's child runs (Electron: its own binary as Node); default this process's node. */
  demoBackendRuntime?: DemoBackendRuntime;
  /** Run the demo backend from source through tsx (a host itself run by tsx). */
  demoBackendFromSource?: boolean;
  /** Seams for tests: the demo backend launcher and the USB/HID loaders; `only` replaces the machine's devices (campaign preview). */
  startDemoBackend?: (options: DemoBackendOptions) => DemoBackend;
  devices?: Pick<HostDevicesOptions, 'loadUsb' | 'loadHid' | 'only'>;
  /** Electron: the save dialog for exported bundles and its version; the Node host writes into the data folder. */
  diagnostics?: Pick<DiagnosticsHostOptions, 'saveFile' | 'electron'>;
}

/** The composed app; `dispose` stops everything it started (core, device sources, demo backend). */
export interface ComposedApp {
  readonly core: Core;
  /** The one branding every feature runs with. */
  readonly branding: Branding;
  readonly devices: HostDevices;
  /** The demo backend's child, when this start runs one. */
  readonly demoBackend: DemoBackend | undefined;
  /** The rotating log files in `<data dir>/logs`; every line also goes to the host's `log`. */
  readonly logger: AppLogger;
  dispose(): Promise<void>;
}

/**
 * The branding of this start with the development flags applied: `--branding`, else env
 * TRAYSIDE_BRANDING, else the bundled demo. Throws a BrandingError (or an Error naming the flag);
 * each host reports it its own way (a dialog, or stderr) before anything else starts.
 */
export function loadHostBranding(
  flags: Pick<AppFlags, 'branding' | 'backend' | 'publicKey' | 'productLine'>,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): StartupBranding {
  const startup = loadStartupBranding({ flag: flags.branding, env, cwd });
  return { ...startup, branding: applyMessageFlags(startup.branding, flags) };
}

/** What composeApp does when an --ipp URI is invalid: the Node host stops (exit 2), Electron runs without them. */
export type BadIppChoice = 'throw' | 'skip';

/**
 * Composes the app: starts the demo backend when this start gets one, resolves the signing key,
 * composes the devices and creates the core (not started). Throws only for a bad --ipp with `throw`.
 */
export async function composeApp(
  hostAdapters: HostAdapters,
  flags: AppFlags,
  startup: StartupBranding,
  badIpp: BadIppChoice = 'throw',
): Promise<ComposedApp> {
  // From here on every line goes into the rotating log files too, so a diagnostics bundle has them.
  const logger = createAppLogger({ dir: join(hostAdapters.dataDir, 'logs'), clock: hostAdapters.clock, echo: hostAdapters.log });
  const adapters: HostAdapters = { ...hostAdapters, log: logger.log };
  const { log } = adapters;
  const demoBackend = launchDemoBackend(adapters, flags, startup);
  let devices: HostDevices;
  try {
    devices = composeDevices(adapters, flags, startup.branding, flags.ipp, demoBackend !== undefined);
  } catch (error) {
    if (badIpp === 'throw') {
      await demoBackend?.stop();
      await logger.close();
      throw new Error(`--ipp: ${describeError(error)}`, { cause: error });
    }
    log(`devices: ${describeError(error)}; continuing without the IPP printers`);
    devices = composeDevices(adapters, flags, startup.branding, [], demoBackend !== undefined);
  }
  // The demo backend's key is pinned when it is up; a loopback server's key is asked for at each poll until it answers.
  const { branding, signingKeys } = await messageBranding(adapters, startup.branding, demoBackend);
  // The machine's enterprise policy, read once at start; a bad value is logged and ignored, never fatal.
  const policy = await loadPolicy(policyIdentityOf(branding), log);
  if (policy.sources.length > 0) log(`policy: applying ${policy.sources.join(', ')}`);
  const core = createCore({
    policy,
    appInfo: {
      name: branding.name,
      version: adapters.environment.appVersion,
      host: adapters.host,
      platform: adapters.environment.platform,
      systemLocale: systemLocaleOf(adapters.environment),
      ...(branding.strings ? { strings: branding.strings } : {}),
    },
    environment: detectEnvironment(adapters.environment),
    sources: devices.sources,
    settingsStorage: adapters.settingsStorage,
    clock: adapters.clock,
    timers: adapters.timers,
    log,
    branding,
    ...(signingKeys ? { signingKeys } : {}),
    notifier: adapters.notifier,
    ...(devices.network ? { networkPrinters: devices.network } : {}),
    unreadablePrinters: () => devices.unreadable(),
    ...(adapters.panel ? { panel: adapters.panel } : {}),
    openExternal: adapters.openExternal,
    fetch: adapters.fetch,
    dataDir: adapters.dataDir,
    diagnostics: { ...adapters.diagnostics, logger },
  });
  // Tray and notifications in the owner's language; only that language's catalogue is loaded.
  const locale = await followOwnerLocale({
    settings: core.settings,
    systemLocale: systemLocaleOf(adapters.environment),
    ...(branding.strings ? { overlays: branding.strings } : {}),
    log,
  });
  let disposed: Promise<void> | undefined;
  return {
    core,
    branding,
    devices,
    demoBackend,
    logger,
    dispose: () =>
      (disposed ??= (async () => {
        locale.dispose();
        core.dispose();
        devices.dispose();
        await core.close();
        // Closing its stdin is enough: it flushes its store and exits on its own.
        await demoBackend?.stop();
        await logger.close();
      })()),
  };
}

/** The bundled demo branding in a source checkout gets the reference backend as a child process (core/demo-backend.ts). */
function launchDemoBackend(adapters: HostAdapters, flags: AppFlags, startup: StartupBranding): DemoBackend | undefined {
  const decision = decideDemoBackend({
    bundledBranding: startup.bundled,
    packaged: adapters.isPackaged,
    flag: flags.demoBackend,
    backendOverridden: flags.backend !== undefined || flags.publicKey !== undefined,
  });
  if (!decision.start) {
    if (startup.bundled) adapters.log(`demo backend: off (${decision.reason})`);
    return undefined;
  }
  const dataDir = join(adapters.dataDir, 'demo-backend');
  adapters.log(
    `demo backend: starting the embedded message server with the demo campaigns (data in ${dataDir}; a first start takes about 10 s)`,
  );
  return (adapters.startDemoBackend ?? startDemoBackend)({
    root: adapters.appRoot,
    dataDir,
    log: adapters.log,
    ...(adapters.demoBackendRuntime ? { runtime: adapters.demoBackendRuntime } : {}),
    ...(adapters.demoBackendFromSource ? { fromSource: true } : {}),
  });
}

/** USB/HID for the OEM's vendor ids, IPP printers from --ipp, and the demo printer per --demo. */
function composeDevices(
  adapters: HostAdapters,
  flags: AppFlags,
  branding: Branding,
  ippPrinters: readonly string[],
  withDemoBackend: boolean,
): HostDevices {
  return composeHostDevices({
    vendorIds: branding.vendorIds,
    ippPrinters,
    demo: flags.demo,
    clock: adapters.clock,
    simSpeed: flags.simSpeed,
    log: adapters.log,
    // DNS-SD sends multicast on the owner's network: on in the desktop app; the Node host (tests, demos) only with TRAYSIDE_DISCOVERY=1.
    networkPrinters: {
      file: join(adapters.dataDir, 'network-printers.json'),
      discover:
        adapters.host === 'electron'
          ? adapters.environment.env.TRAYSIDE_DISCOVERY !== '0'
          : adapters.environment.env.TRAYSIDE_DISCOVERY === '1',
    },
    ...adapters.devices,
    ...(withDemoBackend ? { demoLevels: DEMO_BACKEND_PRINTER_LEVELS } : {}),
  });
}

/**
 * The one branding: with the demo backend's URL and key while it runs, else with its pinned key
 * (a development run may read a loopback server's key). Messages stay off (the placeholder key
 * kept, said in one line) when neither is there; store links and events still use it.
 */
async function messageBranding(
  adapters: HostAdapters,
  branding: Branding,
  demoBackend: DemoBackend | undefined,
): Promise<{ branding: Branding; signingKeys?: SigningKeySource }> {
  const { log } = adapters;
  if (demoBackend) {
    return demoBackend.ready.then(
      (backend) => {
        log(
          `demo backend: started on ${backend.url} in ${backend.storeOpenedMs} ms (data in ${join(adapters.dataDir, 'demo-backend')}); its signing key ${backend.keyId} is pinned for this run`,
        );
        return { branding: brandingWithDemoBackend(branding, backend) };
      },
      (error: unknown) => {
        log(`messages: off — the demo backend did not start: ${describeError(error)}`);
        return { branding };
      },
    );
  }
  const plan = planSigningKey(branding, {
    allowLoopbackKeyFetch: !adapters.isPackaged,
    fetch: (url, init) => adapters.fetch(url, { method: 'GET', headers: {}, ...init }),
    log,
  });
  if (plan.kind === 'pinned') return { branding: plan.branding };
  if (plan.kind === 'fetch') return { branding: plan.branding, signingKeys: plan.source };
  return { branding };
}
