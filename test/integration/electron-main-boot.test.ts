// Boots the built Electron main process (out/main/index.js) under plain Node with a stand-in
// `electron` module (test/support/fake-electron.mjs): the real entry's wiring runs here, where no
// Electron binary exists. The desktop tier (test/desktop) runs it in the real Electron on CI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../common/contract/index.js';
import { channelName, listEndpoints } from '../../common/contract/define.js';
import { makeTestKey, signManifest, testManifest, testMessage } from '../support/manifests.js';

const root = resolve(import.meta.dirname, '../..');
const temp = mkdtempSync(join(tmpdir(), 'trayside-boot-'));

interface FakeState {
  notifications: string[];
  errorBoxes: Array<{ title: string; content: string }>;
  fetches: string[];
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
let backend: Server;
let brandingFile = '';
const demoBranding = JSON.parse(readFileSync(resolve(root, 'assets/branding/demo.json'), 'utf8')) as Record<string, unknown>;

/** Runs the built main process once with these env vars until it ends by itself. */
async function boot(env: Record<string, string>): Promise<{ exitCode: number | null; state: FakeState; stderr: string }> {
  const stateFile = join(temp, `state-${Math.random().toString(36).slice(2)}.json`);
  const child = spawn(process.execPath, ['--import', './test/support/fake-electron-loader.mjs', 'out/main/index.js'], {
    cwd: root,
    // DNS-SD discovery is on in the desktop app; its multicast socket (rightly) keeps a real app alive, and a
    // test machine should not send multicast: off here, so the process still ends by itself.
    env: { ...process.env, TRAYSIDE_FAKE_ELECTRON_STATE: stateFile, TRAYSIDE_BRANDING: '', TRAYSIDE_DISCOVERY: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  // Every timer of the app is unref'd and the fake holds no handles, so the process ends by itself once started.
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  return { exitCode: code, state: JSON.parse(readFileSync(stateFile, 'utf8')) as FakeState, stderr: err };
}

beforeAll(async () => {
  if (!existsSync(resolve(root, 'out/main/index.js'))) {
    // CI builds before testing; a fresh checkout gets the one build it needs.
    spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  }
  // A message backend on 127.0.0.1 that the branding names: its key (read because the branding holds the
  // placeholder and the run is unpackaged) and a signed manifest with one urgent message for app start.
  const key = makeTestKey();
  const manifest = signManifest(
    key,
    testManifest(Date.now(), {
      messages: [
        testMessage({
          campaignId: 'boot-urgent',
          urgency: 'urgent',
          variants: [{ id: 'a', weight: 1, locale: 'en', content: { title: 'Boot urgent message', body: 'Hello', actions: [] } }],
        }),
      ],
    }),
  );
  backend = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url === '/v1/signing-key')
      response.end(JSON.stringify({ algorithm: 'Ed25519', keyId: key.keyId, publicKey: key.publicKeyBase64, publicKeyPem: '' }));
    // Only "en": the app asks en-US first (the fake's system locale) and moves on after the 404.
    else if (request.url === '/v1/manifests/trayside-demo/en') response.end(JSON.stringify(manifest));
    else response.writeHead(404).end('{}');
  });
  await new Promise<void>((done) => backend.listen(0, '127.0.0.1', done));
  brandingFile = join(temp, 'branding.json');
  writeFileSync(
    brandingFile,
    JSON.stringify({ ...demoBranding, backendUrl: `http://127.0.0.1:${(backend.address() as AddressInfo).port}` }),
  );
  ({ exitCode, state, stderr } = await boot({ TRAYSIDE_DEMO: '1', TRAYSIDE_BRANDING: brandingFile, LANG: 'en_US.UTF-8' }));
}, 120_000);
afterAll(() => {
  backend?.close();
  rmSync(temp, { recursive: true, force: true });
});

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
    // Attention, not ok: the backend's urgent message (below) is the tray's badge.
    expect(state.trays[0]!.image).toMatch(/tray-attention.*\.png$/);
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
    expect(state.appEvents).toEqual(
      expect.arrayContaining(['window-all-closed', 'web-contents-created', 'second-instance', 'before-quit', 'will-quit']),
    );
  });

  it('loads the branding file, reads the local server key (unpackaged run) and shows its urgent message as a notification and on the tray', () => {
    expect(stderr).toContain(`branding: Trayside from ${brandingFile}`);
    expect(stderr).toContain('using the signing key of the local server');
    expect(state.fetches.some((url) => url.endsWith('/v1/signing-key'))).toBe(true);
    expect(state.notifications).toContain('Boot urgent message');
    expect(state.trays[0]!.tooltip).toMatch(/^Trayside — 1 urgent message · /);
    expect(state.trays[0]!.menu).toContain('1 urgent message — read');
  });
});

describe('built Electron main process with a bad branding config', () => {
  it('shows one error box naming the file and the field, exits with 2 and opens nothing', async () => {
    const bad = join(temp, 'bad-branding.json');
    writeFileSync(bad, JSON.stringify({ ...demoBranding, signingKeys: ['not-a-key'] }));
    const run = await boot({ TRAYSIDE_BRANDING: bad });
    expect(run.exitCode).toBe(2);
    expect(run.state.errorBoxes).toHaveLength(1);
    const { content } = run.state.errorBoxes[0]!;
    expect(content).not.toContain('\n');
    expect(content).toContain(bad);
    expect(content).toMatch(/signingKeys\[0\]: Paste the base64/);
    expect(run.stderr).toContain(content);
    expect(run.state.windows).toHaveLength(0);
    expect(run.state.trays).toHaveLength(0);
  }, 60_000);
});
