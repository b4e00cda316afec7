import { join } from 'node:path';
import type { AppInfo } from '../../common/contract/app.js';
import type { Branding } from '../../common/branding.js';
import type { DeviceIdentitySources, DeviceSnapshot } from '../../common/device.js';
import type { Settings } from '../../common/settings.js';
import type { Clock, Disposable, Timers } from '../../common/lifecycle.js';
import type { EventHub } from '../contract/event-hub.js';
import type { SupplyHistory } from '../devices/supply-history.js';
import {
  createDiagnosticsService,
  defaultExportFolderSync,
  saveIntoFolder,
  type DiagnosticsService,
  type SaveBundleFile,
} from './diagnostics-service.js';
import type { LevelControl } from './repro-mode.js';
import { openTimeline, type Timeline } from './timeline.js';
import type { DiagnosticsSender } from './upload-queue.js';

/** What a host adds for diagnostics; everything is optional and has a Node default. */
export interface DiagnosticsHostOptions {
  /** The app logger: repro mode raises its level, capture reads its folder (default `<data dir>/logs`). */
  logger?: LevelControl & { readonly dir: string | undefined };
  /** Electron: a save dialog; default: into the downloads folder (or `<data dir>/diagnostics/exports`). */
  saveFile?: SaveBundleFile;
  /** Tests: the upload transport; default fetch with a streamed body. */
  send?: DiagnosticsSender;
  /** Electron's version, for the bundle. */
  electron?: string;
  reproMinutes?: number;
}

export interface ComposeDiagnosticsOptions {
  host?: DiagnosticsHostOptions;
  appInfo: AppInfo;
  branding: Branding | null;
  dataDir: string | undefined;
  installId: string | undefined;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  devices: {
    snapshots(): readonly DeviceSnapshot[];
    onChanged(listener: (snapshots: DeviceSnapshot[]) => void): Disposable;
    identitySources?(deviceId: string): DeviceIdentitySources | undefined;
  };
  supplyHistory: Pick<SupplyHistory, 'samples'>;
  inbox: () => ReadonlyArray<{ id: string; title: string; deliveredAt: number }>;
  settings: () => Settings;
  openExternal: (url: string) => Promise<void>;
  events: EventHub;
}

/** The diagnostics service and the timeline it captures, fed by the device monitor. Dispose stops both. */
export function composeDiagnostics(options: ComposeDiagnosticsOptions): { service: DiagnosticsService; timeline: Timeline } & Disposable {
  const dir = options.dataDir === undefined ? undefined : join(options.dataDir, 'diagnostics');
  const timeline = openTimeline({ dir, clock: options.clock, timers: options.timers, log: options.log });
  const watching = options.devices.onChanged((snapshots) => timeline.observe(snapshots));
  timeline.observe(options.devices.snapshots());
  const logDir = options.host?.logger?.dir ?? (options.dataDir === undefined ? undefined : join(options.dataDir, 'logs'));
  const service = createDiagnosticsService({
    dir,
    sources: {
      now: () => options.clock.now(),
      app: {
        name: options.appInfo.name,
        version: options.appInfo.version,
        host: options.appInfo.host,
        ...(options.branding ? { branding: options.branding.name } : {}),
      },
      ...(options.host?.electron ? { electron: options.host.electron } : {}),
      locale: Intl.DateTimeFormat().resolvedOptions().locale,
      devices: () => options.devices.snapshots(),
      identitySources: (deviceId) => options.devices.identitySources?.(deviceId),
      samples: (deviceId, supplyId) => options.supplyHistory.samples(deviceId, supplyId),
      inbox: options.inbox,
      settings: () => ({ ...options.settings() }),
      logDir,
    },
    timeline,
    clock: options.clock,
    timers: options.timers,
    log: options.log,
    backendUrl: () => options.branding?.backendUrl,
    supportUrl: () => options.branding?.supportUrl,
    supportSharing: () => options.settings().consent === 'support-sharing',
    ...(options.installId ? { installId: options.installId } : {}),
    ...(options.host?.logger ? { logger: options.host.logger } : {}),
    saveFile: options.host?.saveFile ?? saveIntoFolder(defaultExportFolderSync(options.dataDir)),
    openExternal: options.openExternal,
    ...(options.host?.send ? { send: options.host.send } : {}),
    ...(options.host?.reproMinutes ? { reproMinutes: options.host.reproMinutes } : {}),
  });
  const publishing = service.onChanged((state) => options.events.publish('diagnostics', 'onChanged', state));
  const helping = service.onHelpRequested(() => options.events.publish('diagnostics', 'onHelpRequested', {}));
  return {
    service,
    timeline,
    dispose() {
      publishing.dispose();
      helping.dispose();
      watching.dispose();
      service.dispose();
      timeline.dispose();
    },
  };
}
