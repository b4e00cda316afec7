// Boots the built Electron main process (out/main/index.js) under plain Node with a stand-in
// `electron` module (test/support/fake-electron.mjs): the real entry's wiring runs here, where no
// Electron binary exists. The desktop tier (test/desktop) runs it in the real Electron on CI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../common/contract/index.js';
import { channelName, listEndpoints } from '../../common/contract/define.js';

const root = resolve(import.meta.dirname, '../..');
const temp = mkdtempSync(join(tmpdir(), 'trayside-boot-'));

interface FakeState {
  windows: Array<{ options: { show: boolean; frame: boolean; webPreferences: Record<string, unknown> }; url: string; hardened: boolean }>;
  trays: Array<{ image: string; tooltip: string; menu: string[] }>;
  handles: string[];
  sessionHardened: string[];
  appEvents: string[];
  missingImages: string[];
}

let state: FakeState;
let exitCode: number | null;
let stderr = '';

beforeAll(async () => {
  if (!existsSync(resolve(root, 'out/main/index.js'))) {
    // CI builds before testing; a fresh checkout gets the one build it needs.
    spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  }
  const stateFile = join(temp, 'state.json');
  const child = spawn(process.execPath, ['--import', './test/support/fake-electron-loader.mjs', 'out/main/index.js'], {
    cwd: root,
    env: { ...process.env, TRAYSIDE_FAKE_ELECTRON_STATE: stateFile, TRAYSIDE_DEMO: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Every timer of the app is unref'd and the fake holds no handles, so the process ends by itself once started.
  exitCode = await new Promise<number | null>((done) => child.once('exit', done));
  state = JSON.parse(readFileSync(stateFile, 'utf8')) as FakeState;
}, 120_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('built Electron main process', () => {
  it('starts without an error', () => {
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toContain('shell: started');
  });

  it('creates one hidden, frameless, hardened panel window loading the built panel', () => {
    expect(state.windows).toHaveLength(1);
    const [panel] = state.windows;
    expect(panel!.options).toMatchObject({ show: false, frame: false });
    expect(panel!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: resolve(root, 'out/preload/index.cjs'),
    });
    expect(panel!.url).toBe(pathToFileURL(resolve(root, 'out/renderer/index.html')).href);
    expect(panel!.hardened).toBe(true);
  });

  it('hardens the session: permissions denied, CSP header set', () => {
    expect(state.sessionHardened.sort()).toEqual(['csp-header', 'permission-check', 'permission-request']);
  });

  it('shows a tray icon (a file that exists) with the demo printer in tooltip and menu', () => {
    expect(state.missingImages).toEqual([]);
    expect(state.trays).toHaveLength(1);
    expect(state.trays[0]!.image).toMatch(/tray-ok.*\.png$/);
    expect(state.trays[0]!.tooltip).toMatch(/^Trayside — /);
    expect(state.trays[0]!.menu).toEqual(expect.arrayContaining(['Open Trayside', 'Launch at login', 'Quit Trayside']));
    expect(state.trays[0]!.menu.some((label) => label.startsWith('Trayside Demo Printer — '))).toBe(true);
  });

  it('registers an IPC handler for every call of the contract (else out/ is stale: npm run build)', () => {
    const calls = listEndpoints(contract)
      .filter((endpoint) => endpoint.spec.kind === 'call')
      .map(({ feature, name }) => channelName(feature, name));
    expect([...state.handles].sort()).toEqual(calls.sort());
  });

  it('stays alive without windows, takes the single-instance hand-off and cleans up on quit', () => {
    expect(state.appEvents).toEqual(expect.arrayContaining(['window-all-closed', 'web-contents-created', 'second-instance', 'before-quit', 'will-quit']));
  });
});
