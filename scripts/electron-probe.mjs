// Can the Electron app run here? Answers without loading `electron` in this process: under plain
// Node, require('electron') downloads the binary on first use and throws "Electron failed to
// install correctly" when it cannot (TOOLCHAIN.md), which must not crash `npm start`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Whether a window can be shown: macOS and Windows always; Linux needs an X11 or Wayland display. */
export function hasDisplay(platform = process.platform, env = process.env) {
  if (platform !== 'linux') return { ok: true };
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { ok: true };
  return { ok: false, reason: 'no display: DISPLAY and WAYLAND_DISPLAY are unset' };
}

/** Path of the Electron binary if it is already on disk (the electron package's path.txt + dist/), else undefined. */
export function installedElectron(root, env = process.env) {
  const packageDir = resolve(root, 'node_modules/electron');
  const pathFile = resolve(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH || resolve(packageDir, 'dist');
  const binary = resolve(dist, relative || 'electron');
  return relative || env.ELECTRON_OVERRIDE_DIST_PATH ? (existsSync(binary) ? binary : undefined) : undefined;
}

/** Runs the electron package's own installer (what its first require would do); returns the binary or undefined. */
export function downloadElectron(root, env = process.env) {
  const installer = resolve(root, 'node_modules/electron/install.js');
  if (!existsSync(installer)) return undefined;
  const result = spawnSync(process.execPath, [installer], { cwd: root, stdio: 'inherit', timeout: 10 * 60_000, env });
  return result.status === 0 ? installedElectron(root, env) : undefined;
}

/**
 * Which host `npm start` runs and why: { host: 'electron', binary } or { host: 'node', reason }.
 * TRAYSIDE_HOST=node|electron overrides the choice; `download` is only tried where a display exists.
 */
export function chooseHost({ root, platform = process.platform, env = process.env, download = downloadElectron }) {
  if (env.TRAYSIDE_HOST === 'node') return { host: 'node', reason: 'TRAYSIDE_HOST=node asks for the Node host' };
  const display = hasDisplay(platform, env);
  let binary = installedElectron(root, env);
  if (!display.ok) {
    return {
      host: 'node',
      reason: binary
        ? `Electron cannot show a window here (${display.reason})`
        : `Electron is not available here (no binary installed, and ${display.reason})`,
    };
  }
  if (!binary) binary = download(root, env);
  if (!binary) return { host: 'node', reason: 'Electron is not available here (no binary could be downloaded)' };
  return { host: 'electron', binary };
}
