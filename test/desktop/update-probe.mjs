// Electron main script for update.spec.ts: runs main/updates.ts's installStagedUpdate (compiled by
// `npm run build` into out/node) with the real electron-updater in the real Electron, against an
// update the spec staged in TRAYSIDE_UPDATE_PROBE_DIR. quitAndInstall is replaced by a recorder, so
// nothing is installed; everything before it (loopback feed, electron-updater's check, download,
// sha512 and, on Windows, the installer verification hook) is the real path.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app } from 'electron';

const root = resolve(import.meta.dirname, '../..');
const folder = process.env.TRAYSIDE_UPDATE_PROBE_DIR;
const mode = process.env.TRAYSIDE_UPDATE_PROBE_MODE ?? 'install';
const log = [];
const report = (result) => {
  writeFileSync(join(folder, 'probe-result.json'), JSON.stringify({ ...result, log }));
  app.exit(0);
};

try {
  const { installStagedUpdate } = await import(pathToFileURL(join(root, 'out/node/main/updates.js')).href);
  const { UpdateService } = await import(pathToFileURL(join(root, 'out/node/core/updates/update-service.js')).href);
  await app.whenReady();
  const loaded = await import('electron-updater');
  const updater = loaded.autoUpdater ?? loaded.default.autoUpdater;
  // Unpackaged: electron-updater stays inactive unless told otherwise.
  updater.forceDevUpdateConfig = true;
  updater.logger = {
    info: (m) => log.push(`info ${m}`),
    warn: (m) => log.push(`warn ${m}`),
    error: (m) => log.push(`error ${m}`),
    debug: () => undefined,
  };
  const installs = [];
  updater.quitAndInstall = (isSilent, isForceRunAfter) => installs.push([isSilent, isForceRunAfter]);
  if (mode === 'check-only') {
    // macOS: Squirrel.Mac would need a signed app in the zip; stop after electron-updater's check.
    updater.downloadUpdate = async () => log.push('download skipped (check-only)');
  }
  const service = new UpdateService({
    config: undefined,
    policy: { read: () => ({}) },
    installId: 'desktop-probe',
    target: {
      appVersion: app.getVersion(),
      platform: process.platform,
      arch: process.arch === 'arm64' ? 'arm64' : 'x64',
      kinds: ['nsis', 'zip'],
    },
    folder,
    fetch,
    now: () => Date.now(),
    log: (line) => log.push(line),
  });
  const installing = await installStagedUpdate({ service, updater, adminRightsRequired: false, log: (line) => log.push(line) });
  report({ installing, installs, stagedAfter: (await service.stagedForLaunch()) !== undefined });
} catch (error) {
  report({ error: String(error?.stack ?? error) });
}
