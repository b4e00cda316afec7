/** The Electron side of auto-update (main/updates.ts) with electron-updater replaced by a stand-in that does what its generic provider and NSIS updater do over HTTP. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTime } from '../../support/fake-time.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { windowsClient } from './update-client.js';
import { installerBytes, makeUpdateKey, releaseOf, TestUpdateServer } from './update-server.js';
import { createUpdateController, installStagedUpdate, isPerMachineInstall, type UpdaterLike } from '../../../main/updates.js';

const temp = tempDirs();
const key = makeUpdateKey();
const bytes = installerBytes(80_000, 21);
let server: TestUpdateServer;

beforeAll(async () => {
  server = await new TestUpdateServer().start();
  server.blobs.set('Trayside-Setup-2.0.0.exe', bytes);
  server.serve(key.sign(JSON.stringify(releaseOf(bytes))));
});
afterAll(() => server.close());

/** electron-updater's generic provider and NSIS updater, reduced to what they do over HTTP: read latest.yml, ask isUpdateSupported, download, verify, install. */
function fakeUpdater(folder: string): UpdaterLike & { installed: [boolean?, boolean?][]; feed?: string } {
  const updater: UpdaterLike & { installed: [boolean?, boolean?][]; feed?: string } = {
    autoDownload: true,
    autoInstallOnAppQuit: true,
    allowDowngrade: true,
    allowPrerelease: false,
    disableDifferentialDownload: false,
    installed: [],
    isUpdateSupported: () => true,
    verifyUpdateCodeSignature: async () => null,
    setFeedURL(options) {
      updater.feed = options.url;
    },
    async checkForUpdates() {
      const info = load(await (await fetch(`${updater.feed}latest.yml`)).text()) as {
        version: string;
        files: { url: string; sha512: string }[];
      };
      return { isUpdateAvailable: await updater.isUpdateSupported(info), updateInfo: info };
    },
    async downloadUpdate() {
      const info = load(await (await fetch(`${updater.feed}latest.yml`)).text()) as { path: string };
      const path = join(folder, 'electron-updater-cache.exe');
      writeFileSync(path, Buffer.from(await (await fetch(new URL(info.path, updater.feed))).arrayBuffer()));
      const problem = await updater.verifyUpdateCodeSignature!(['Trayside'], path);
      if (problem !== null) throw new Error(problem);
    },
    quitAndInstall(isSilent, isForceRunAfter) {
      updater.installed.push([isSilent, isForceRunAfter]);
    },
  };
  return updater;
}

describe('install on next launch', () => {
  it('starts normally when nothing is staged, without touching electron-updater', async () => {
    const service = windowsClient({ feedUrl: server.url, publicKeys: [key.publicKey], folder: temp('main-updates-') });
    const updater = fakeUpdater(temp('main-updates-cache-'));
    expect(await installStagedUpdate({ service, updater, adminRightsRequired: true, log: () => undefined })).toBe(false);
    expect(updater.feed).toBeUndefined();
  });

  it('hands the staged, verified installer to electron-updater, which installs it silently and restarts the app', async () => {
    const folder = temp('main-updates-');
    const service = windowsClient({ feedUrl: server.url, publicKeys: [key.publicKey], folder });
    expect(await service.check()).toMatchObject({ kind: 'staged' });
    const updater = fakeUpdater(temp('main-updates-cache-'));
    const log: string[] = [];
    expect(await installStagedUpdate({ service, updater, adminRightsRequired: true, log: log.push.bind(log) })).toBe(true);
    expect(updater.installed).toEqual([[true, true]]);
    expect(updater.feed).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(updater).toMatchObject({
      autoDownload: false,
      autoInstallOnAppQuit: false,
      allowDowngrade: false,
      disableDifferentialDownload: true,
    });
    expect(log.join('\n')).toMatch(/installing 2\.0\.0 \(Trayside-Setup-2\.0\.0\.exe\) now, at launch/);
    // Nothing is staged any more: a failed installer is not retried at every start.
    expect(await service.stagedForLaunch()).toBeUndefined();
  });

  it('refuses an installer electron-updater downloaded that is not the signed one', async () => {
    const folder = temp('main-updates-');
    const service = windowsClient({ feedUrl: server.url, publicKeys: [key.publicKey], folder });
    await service.check();
    const cache = temp('main-updates-cache-');
    const updater = fakeUpdater(cache);
    const download = updater.downloadUpdate.bind(updater);
    // A cache swapped under electron-updater between download and install.
    updater.downloadUpdate = async () => {
      const other = join(cache, 'other.exe');
      writeFileSync(other, installerBytes(80_000, 22));
      const problem = await updater.verifyUpdateCodeSignature!(['Trayside'], other);
      if (problem !== null) throw new Error(problem);
      return download();
    };
    const log: string[] = [];
    expect(await installStagedUpdate({ service, updater, adminRightsRequired: false, log: log.push.bind(log) })).toBe(false);
    expect(updater.installed).toEqual([]);
    expect(log.join('\n')).toMatch(/is not the one the signed update metadata names\); starting normally/);
  });
});

describe('per-machine install', () => {
  it('is per machine under Program Files or /Applications, per user elsewhere', () => {
    const env = { ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)' };
    expect(isPerMachineInstall('C:\\Program Files\\Trayside\\Trayside.exe', 'win32', env)).toBe(true);
    expect(isPerMachineInstall('c:\\program files (x86)\\Trayside\\Trayside.exe', 'win32', env)).toBe(true);
    expect(isPerMachineInstall('C:\\Users\\ana\\AppData\\Local\\Programs\\Trayside\\Trayside.exe', 'win32', env)).toBe(false);
    expect(isPerMachineInstall('C:\\Program Files Extra\\Trayside.exe', 'win32', env)).toBe(false);
    expect(isPerMachineInstall('/Applications/Trayside.app/Contents/MacOS/Trayside', 'darwin', {})).toBe(true);
    expect(isPerMachineInstall('/Users/ana/Applications/Trayside.app/Contents/MacOS/Trayside', 'darwin', {})).toBe(false);
  });
});

describe('update controller', () => {
  it('"Check for updates" shows that it runs, then notifies the outcome and keeps "installs next start" in the menu', async () => {
    const time = new FakeTime();
    const notes: string[] = [];
    const service = windowsClient({ feedUrl: server.url, publicKeys: [key.publicKey], folder: temp('main-updates-') });
    const controller = createUpdateController({
      service,
      timers: time,
      notify: (title, body) => notes.push(`${title}: ${body}`),
      log: () => undefined,
    });
    let changes = 0;
    controller.onChanged(() => changes++);
    controller.checkNow();
    expect(controller.status()).toEqual({ checking: true });
    await expect.poll(() => controller.status().checking, { timeout: 10_000 }).toBe(false);
    expect(notes).toEqual(['Update ready: Trayside 2.0.0 is downloaded and installs the next time Trayside starts.']);
    expect(controller.status()).toEqual({
      status: 'Trayside 2.0.0 is downloaded and installs the next time Trayside starts.',
      checking: false,
    });
    expect(changes).toBe(2);
    controller.dispose();
    expect(time.pendingCount).toBe(0);
  });
});
