// Starts the built Trayside in the real Electron for a spec, in a fresh profile, with the demo
// printer and the main-process test hooks (globalThis.__trayside, see main/index.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication } from '@playwright/test';
import { hasDisplay, installedElectron } from '../../scripts/electron-probe.mjs';

export const root = resolve(import.meta.dirname, '../..');

const NOT_HERE = 'Electron binary not available on this machine; these run in .github/workflows/desktop.yml on Windows and macOS';

/** Whether the specs can run here, and why not. The desktop workflow sets TRAYSIDE_REQUIRE_ELECTRON=1 so a missing binary fails there instead. */
export function electronAvailability(): { ok: true; binary: string } | { ok: false; reason: string } {
  const binary = installedElectron(root);
  const display = hasDisplay();
  if (binary && display.ok) return { ok: true, binary };
  const reason = binary
    ? `Electron cannot show a window here (${display.ok ? '' : display.reason}); these run in .github/workflows/desktop.yml on Windows and macOS`
    : NOT_HERE;
  if (process.env.TRAYSIDE_REQUIRE_ELECTRON === '1') throw new Error(`The desktop tier must run here but cannot: ${reason}`);
  return { ok: false, reason };
}

/** A running app and its throwaway profile. */
export interface LaunchedApp {
  app: ElectronApplication;
  close(): Promise<void>;
}

/** Launches out/main/index.js (build first) with its own user data folder. */
export async function launchTrayside(binary: string): Promise<LaunchedApp> {
  const profile = mkdtempSync(join(tmpdir(), 'trayside-desktop-'));
  const app = await _electron.launch({
    executablePath: binary,
    args: [root, '--demo'],
    cwd: root,
    env: { ...process.env, TRAYSIDE_DEMO: '1', TRAYSIDE_TEST_HOOKS: '1', TRAYSIDE_USER_DATA_DIR: profile, ELECTRON_ENABLE_LOGGING: '1' },
  });
  return {
    app,
    async close() {
      await app.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
