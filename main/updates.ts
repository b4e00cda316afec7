// The Electron side of auto-update: electron-updater installs what the core verified. The core
// (core/updates) reads the signed feed, decides, downloads and stages; here the staged installer
// is handed to electron-updater at launch through a loopback feed, and the tray's "Check for
// updates" and the periodic check run the core. electron-updater comes in as an adapter (UpdaterLike)
// so this wiring runs under vitest; index.ts passes the real autoUpdater.
import { join, sep } from 'node:path';
import type { Disposable, Timers } from '../common/lifecycle.js';
import { describeError } from '../common/errors.js';
import { sha512OfFile } from '../core/updates/download.js';
import { serveStagedUpdate } from '../core/updates/staged-feed.js';
import type { StagedUpdate } from '../core/updates/staging.js';
import { scheduleUpdateChecks } from '../core/updates/update-schedule.js';
import type { UpdateCheckResult, UpdateService } from '../core/updates/update-service.js';

/** The part of electron-updater's AppUpdater (NsisUpdater / MacUpdater) this uses. */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  disableDifferentialDownload: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  isUpdateSupported: (info: { version: string; files: readonly { url: string; sha512: string }[] }) => boolean | Promise<boolean>;
  /** NsisUpdater only: runs on the downloaded installer before it is installed. */
  verifyUpdateCodeSignature?: (publisherNames: string[], path: string) => Promise<string | null>;
  checkForUpdates(): Promise<{ isUpdateAvailable?: boolean; updateInfo: { version: string } } | null>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

/**
 * True when the app runs from a per-machine install: on Windows under Program Files (the NSIS
 * per-machine target and the MSI install there), on macOS from /Applications (the pkg). Such an
 * install is replaced by an elevated installer, and its login item is the machine's.
 */
export function isPerMachineInstall(execPath: string, platform: string, env: Record<string, string | undefined>): boolean {
  if (platform === 'win32') {
    const roots = [env.ProgramFiles, env['ProgramFiles(x86)'], env.ProgramW6432].filter(
      (root): root is string => typeof root === 'string' && root !== '',
    );
    const path = execPath.toLowerCase();
    return roots.some((root) => path.startsWith(`${root.toLowerCase().replace(/[\\/]+$/, '')}\\`));
  }
  if (platform === 'darwin') return execPath.startsWith(`/Applications${sep}`);
  return false;
}

/**
 * At launch, before the tray: installs a staged update if there is one. Returns true when the
 * installer has been started (the app is quitting); false when there was nothing to install or
 * electron-updater would not take it (then the app starts normally and the next check stages again).
 */
export async function installStagedUpdate(options: {
  service: UpdateService;
  updater: UpdaterLike;
  adminRightsRequired: boolean;
  log: (message: string) => void;
}): Promise<boolean> {
  const { service, updater, log } = options;
  let staged: StagedUpdate | undefined;
  try {
    staged = await service.stagedForLaunch();
  } catch (error) {
    log(`updates: could not read the staged update (${describeError(error)}); starting normally`);
    return false;
  }
  if (!staged) return false;
  const verified = staged;
  const feed = await serveStagedUpdate(verified, { adminRightsRequired: options.adminRightsRequired });
  try {
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = false;
    updater.allowDowngrade = false;
    updater.allowPrerelease = true;
    updater.disableDifferentialDownload = true;
    // electron-updater gets exactly the release the core verified, or nothing.
    updater.isUpdateSupported = (info) =>
      info.version === verified.version && info.files.some((file) => file.sha512 === verified.file.sha512);
    if (updater.verifyUpdateCodeSignature) {
      // electron-updater's Authenticode check passes when the build has no publisherName; the signed digest never does.
      const authenticode = updater.verifyUpdateCodeSignature.bind(updater);
      updater.verifyUpdateCodeSignature = async (publishers, path) =>
        (await sha512OfFile(path)) === verified.file.sha512
          ? authenticode(publishers, path)
          : `the installer at ${path} is not the one the signed update metadata names`;
    }
    updater.setFeedURL({ provider: 'generic', url: feed.url });
    const check = await updater.checkForUpdates();
    if (!check || check.isUpdateAvailable === false) {
      log(`updates: electron-updater did not take the staged ${verified.version}; starting normally`);
      await service.clearStaged();
      return false;
    }
    await updater.downloadUpdate();
    // Cleared before the installer runs: should it fail, the next check downloads again instead of retrying at every start.
    await service.clearStaged();
    log(`updates: installing ${verified.version} (${verified.file.name}) now, at launch`);
    updater.quitAndInstall(true, true);
    return true;
  } catch (error) {
    log(`updates: installing the staged ${verified.version} failed (${describeError(error)}); starting normally`);
    await service.clearStaged().catch(() => undefined);
    return false;
  } finally {
    await feed.close();
  }
}

/** What the shell shows and does for updates (main/app.ts ShellDeps.updates). */
export interface UpdateController extends Disposable {
  status(): { status?: string; checking?: boolean };
  checkNow(): void;
  onChanged(listener: () => void): Disposable;
}

/**
 * The tray's "Check for updates" and the periodic check. A check the owner asked for ends in a
 * notification with its outcome; a periodic one only says something when an update is staged.
 */
export function createUpdateController(options: {
  service: UpdateService;
  timers: Timers;
  notify: (title: string, body: string) => void;
  log: (message: string) => void;
}): UpdateController {
  let status: string | undefined;
  let checking = false;
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const listener of listeners) listener();
  };
  const record = (result: UpdateCheckResult, asked: boolean): void => {
    options.log(`updates: ${result.kind}: ${result.message}`);
    status = result.kind === 'staged' ? result.message : status?.startsWith('Trayside ') && result.kind !== 'off' ? status : undefined;
    if (asked || result.kind === 'staged') options.notify(result.kind === 'staged' ? 'Update ready' : 'Updates', result.message);
  };
  const schedule = scheduleUpdateChecks({
    check: () => options.service.check(),
    timers: options.timers,
    onResult: (result) => (record(result, false), changed()),
  });
  return {
    status: () => ({ ...(status === undefined ? {} : { status }), checking }),
    checkNow() {
      if (checking) return;
      checking = true;
      changed();
      void options.service
        .check()
        .then((result) => record(result, true))
        .catch((error: unknown) => options.log(`updates: the check failed: ${describeError(error)}`))
        .finally(() => {
          checking = false;
          changed();
        });
    },
    onChanged(listener) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    dispose() {
      schedule.dispose();
      listeners.clear();
    },
  };
}

/** Where staged updates live in the app's data folder. */
export const updatesFolder = (userData: string): string => join(userData, 'updates');
