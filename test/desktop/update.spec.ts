// Auto-update in the real Electron with the real electron-updater: the update the core staged is
// handed to electron-updater through the loopback feed and reaches quitAndInstall (recorded, not
// run); a staged file that differs from its signed digest never does. Skipped with the reason
// printed where Electron cannot run (this Linux machine); run by .github/workflows/desktop.yml.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, expect, test } from '@playwright/test';
import { electronAvailability, root } from './electron-app.js';

const availability = electronAvailability();
test.skip(!availability.ok, availability.ok ? '' : availability.reason);

interface ProbeResult {
  installing?: boolean;
  installs?: [boolean, boolean][];
  stagedAfter?: boolean;
  error?: string;
  log: string[];
}

/** Stages a fake installer for version 99.0.0 as the core would after verifying it; `tamper` changes a byte afterwards. */
function stage(folder: string, tamper: boolean): void {
  const name = process.platform === 'darwin' ? 'Trayside-99.0.0-mac.zip' : 'Trayside Setup 99.0.0.exe';
  const bytes = Buffer.alloc(200_000, 7);
  mkdirSync(join(folder, 'files'), { recursive: true });
  const sha512 = createHash('sha512').update(bytes).digest('base64');
  if (tamper) bytes[100] = 8;
  writeFileSync(join(folder, 'files', name), bytes);
  const file = {
    platform: process.platform === 'darwin' ? 'darwin' : 'win32',
    arch: process.platform === 'darwin' ? 'universal' : 'x64',
    kind: process.platform === 'darwin' ? 'zip' : 'nsis',
    name,
    url: '/x',
    size: bytes.length,
    sha512,
  };
  writeFileSync(join(folder, 'staged.json'), JSON.stringify({ releaseId: '99.0.0-stable', version: '99.0.0', file, stagedAt: Date.now() }));
}

async function probe(tamper: boolean): Promise<ProbeResult> {
  const folder = mkdtempSync(join(tmpdir(), 'trayside-update-probe-'));
  try {
    stage(folder, tamper);
    const app = await _electron.launch({
      executablePath: availability.ok ? availability.binary : '',
      args: [join(root, 'test/desktop/update-probe.mjs')],
      cwd: root,
      env: {
        ...process.env,
        TRAYSIDE_UPDATE_PROBE_DIR: folder,
        TRAYSIDE_UPDATE_PROBE_MODE: process.platform === 'darwin' ? 'check-only' : 'install',
      },
    });
    await expect
      .poll(
        () => {
          try {
            return readFileSync(join(folder, 'probe-result.json'), 'utf8').length > 0;
          } catch {
            return false;
          }
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await app.close().catch(() => undefined);
    return JSON.parse(readFileSync(join(folder, 'probe-result.json'), 'utf8')) as ProbeResult;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

test('electron-updater takes the staged, verified update from the loopback feed and reaches a silent install', async () => {
  const result = await probe(false);
  expect(result.error, result.log.join('\n')).toBeUndefined();
  expect(result.installing, result.log.join('\n')).toBe(true);
  expect(result.installs).toEqual([[true, true]]);
  // Cleared before the installer runs: a failing installer is not retried at every start.
  expect(result.stagedAfter).toBe(false);
});

test('a staged installer changed on disk after verification never reaches electron-updater', async () => {
  const result = await probe(true);
  expect(result.error, result.log.join('\n')).toBeUndefined();
  expect(result.installing).toBe(false);
  expect(result.installs).toEqual([]);
  expect(result.log.join('\n')).toMatch(/changed after it was verified; deleted it instead of installing it/);
});
