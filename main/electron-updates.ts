// Auto-update for the packaged Electron app: the real Electron objects around main/updates.ts and the
// Electron-free UpdateService. Kept out of index.ts so the entry stays wiring only.
import { app, net, Notification } from 'electron';
import { systemTimers } from '../common/lifecycle.js';
import type { StartupBranding } from '../core/branding/load-branding.js';
import { loadDataDirInstallIdentitySync } from '../core/install-identity.js';
import { policyIdentityOf } from '../core/policy/policy-identity.js';
import { enterpriseUpdatePolicy } from '../core/updates/enterprise-policy.js';
import { UpdateService } from '../core/updates/update-service.js';
import {
  createUpdateController,
  installStagedUpdate,
  isPerMachineInstall,
  updatesFolder,
  type UpdateController,
  type UpdaterLike,
} from './updates.js';

/**
 * Starts auto-update where this build has it (packaged, Windows or macOS, a branding with an updates
 * section). A staged update is installed first, before the tray, by the instance that holds the
 * single-instance lock — then this never returns, because the installer quits the app.
 */
export async function startElectronUpdatesSync(
  startup: StartupBranding,
  log: (message: string) => void,
): Promise<UpdateController | undefined> {
  const config = startup.branding.updates;
  if (!app.isPackaged || !config || (process.platform !== 'win32' && process.platform !== 'darwin')) return undefined;
  const userData = app.getPath('userData');
  const service = new UpdateService({
    config,
    // IT's enforced update keys (core/policy), read before each check, under the same names as the rest of the policy.
    policy: enterpriseUpdatePolicy(policyIdentityOf(startup.branding), log),
    installId: loadDataDirInstallIdentitySync(userData, Date.now(), log).installId,
    target: {
      appVersion: app.getVersion(),
      platform: process.platform,
      arch: process.arch === 'arm64' ? 'arm64' : 'x64',
      // What electron-updater installs: the NSIS installer on Windows, the zip Squirrel.Mac takes on macOS.
      kinds: process.platform === 'win32' ? ['nsis'] : ['zip'],
    },
    folder: updatesFolder(userData),
    fetch: (url, init) => net.fetch(url, init),
    now: () => Date.now(),
    log,
  });
  if (app.requestSingleInstanceLock()) {
    // electron-updater reads Electron's app at load time, so it is loaded only here, in the packaged app.
    const loaded = (await import('electron-updater')) as unknown as { autoUpdater?: UpdaterLike; default?: { autoUpdater: UpdaterLike } };
    const updater = loaded.autoUpdater ?? loaded.default!.autoUpdater;
    const adminRightsRequired = isPerMachineInstall(process.execPath, process.platform, process.env);
    if (await installStagedUpdate({ service, updater, adminRightsRequired, log })) await new Promise<never>(() => undefined);
  }
  return createUpdateController({
    service,
    timers: systemTimers,
    notify: (title, body) => {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    },
    log,
  });
}
