// `npm start` on a machine where Electron cannot run: one line saying why, then the Node host
// serving the panel on 127.0.0.1. Also the host choice itself, for each platform.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseHost, hasDisplay, installedElectron } from '../../scripts/electron-probe.mjs';

const root = resolve(import.meta.dirname, '../..');
let child: ChildProcess | undefined;
const temps: string[] = [];
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child!.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trayside-start-'));
  temps.push(dir);
  return dir;
}

/** A fake project whose electron package has (or lacks) a binary on disk. */
function fakeProject(withBinary: boolean): string {
  const dir = tempDir();
  const electron = join(dir, 'node_modules/electron');
  mkdirSync(join(electron, 'dist'), { recursive: true });
  if (withBinary) {
    writeFileSync(join(electron, 'path.txt'), 'electron');
    writeFileSync(join(electron, 'dist/electron'), '');
  }
  return dir;
}

describe('host choice', () => {
  it('Linux needs DISPLAY or WAYLAND_DISPLAY; macOS and Windows always have a display', () => {
    expect(hasDisplay('linux', {})).toEqual({ ok: false, reason: 'no display: DISPLAY and WAYLAND_DISPLAY are unset' });
    expect(hasDisplay('linux', { DISPLAY: ':0' })).toEqual({ ok: true });
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toEqual({ ok: true });
    expect(hasDisplay('darwin', {})).toEqual({ ok: true });
    expect(hasDisplay('win32', {})).toEqual({ ok: true });
  });

  it('finds a binary only when the electron package has one on disk', () => {
    expect(installedElectron(fakeProject(false), {})).toBeUndefined();
    expect(installedElectron(fakeProject(true), {})).toMatch(/dist[\\/]electron$/);
  });

  it('no binary and no display: the Node host, without trying a download', () => {
    let tried = false;
    const choice = chooseHost({ root: fakeProject(false), platform: 'linux', env: {}, download: () => ((tried = true), undefined) });
    expect(choice).toEqual({
      host: 'node',
      reason: 'Electron is not available here (no binary installed, and no display: DISPLAY and WAYLAND_DISPLAY are unset)',
    });
    expect(tried).toBe(false);
  });

  it('a display but a failed download: the Node host, saying so', () => {
    expect(chooseHost({ root: fakeProject(false), platform: 'win32', env: {}, download: () => undefined })).toEqual({
      host: 'node',
      reason: 'Electron is not available here (no binary could be downloaded)',
    });
  });

  it('a display and a binary: Electron; TRAYSIDE_HOST=node overrides', () => {
    const project = fakeProject(true);
    expect(chooseHost({ root: project, platform: 'linux', env: { DISPLAY: ':0' } })).toMatchObject({ host: 'electron' });
    expect(chooseHost({ root: project, platform: 'darwin', env: { TRAYSIDE_HOST: 'node' } })).toMatchObject({ host: 'node' });
  });
});

describe('npm start without Electron', () => {
  it('prints why, starts the Node host and serves the panel', async () => {
    const env: Record<string, string | undefined> = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    delete env.ELECTRON_OVERRIDE_DIST_PATH;
    // Where a display exists (a developer's Mac) the script would start Electron: ask for the Node host there.
    if (process.platform !== 'linux') env.TRAYSIDE_HOST = 'node';
    child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0', '--data-dir', tempDir()], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /Trayside panel: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (match) resolveUrl(match[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`start.mjs exited ${code} before printing the panel URL:\n${stdout}`)));
    });
    const reasonLine = stdout.split('\n').find((line) => line.endsWith('— starting the Node host instead'));
    // Linux without a display: the reason names the missing display (and the binary when there is none).
    expect(reasonLine).toMatch(
      process.platform === 'linux'
        ? /^Electron (is not available here \(no binary installed, and|cannot show a window here \() no display: DISPLAY and WAYLAND_DISPLAY are unset\) — starting the Node host instead$/
        : /^TRAYSIDE_HOST=node asks for the Node host — starting the Node host instead$/,
    );
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('trayside-bridge.js');
  }, 180_000);
});
