import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decideDemoBackend, startDemoBackend } from './demo-backend.js';

const temp = mkdtempSync(join(tmpdir(), 'trayside-demo-backend-unit-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A checkout whose compiled demo backend is this script. */
function fakeRoot(name: string, script: string): string {
  const root = join(temp, name);
  mkdirSync(join(root, 'out/node/server'), { recursive: true });
  writeFileSync(join(root, 'out/node/server/embedded.js'), script);
  return root;
}

describe('decideDemoBackend', () => {
  const demo = { bundledBranding: true, packaged: false, flag: undefined, backendOverridden: false };
  it('starts for the bundled demo branding in a checkout', () => {
    expect(decideDemoBackend(demo)).toEqual({ start: true });
  });
  it.each([
    [{ bundledBranding: false }, /OEM branding/],
    [{ flag: false }, /--no-demo-backend/],
    [{ packaged: true }, /packaged app/],
    [{ backendOverridden: true }, /--backend/],
  ])('does not start with %o, and says why', (change, reason) => {
    const decision = decideDemoBackend({ ...demo, ...change });
    expect(decision.start).toBe(false);
    expect(decision.start ? '' : decision.reason).toMatch(reason);
  });
});

describe('startDemoBackend failures: a reason for the log line, never a throw', () => {
  it('a checkout without the compiled server asks for the build', async () => {
    const backend = startDemoBackend({ root: join(temp, 'empty'), dataDir: join(temp, 'data'), log: () => undefined });
    await expect(backend.ready).rejects.toThrow(/out\/node\/server\/embedded\.js is missing; run "npm run build"/);
  });

  it('a server that dies names its exit and its last words, which are also logged', async () => {
    const log: string[] = [];
    const root = fakeRoot('dies', 'process.stderr.write("its data folder is in use by process 42\\n"); process.exit(1);');
    const backend = startDemoBackend({ root, dataDir: join(temp, 'data'), log: (line) => log.push(line) });
    await expect(backend.ready).rejects.toThrow('it exited (code 1): its data folder is in use by process 42');
    expect(log).toContain('demo backend: its data folder is in use by process 42');
  });

  it('a ready line that names a non-loopback address is not trusted; the wait ends and the child is killed', async () => {
    const line = JSON.stringify({
      demoBackend: 'ready',
      url: 'https://elsewhere.example',
      publicKey: `${'A'.repeat(43)}=`,
      keyId: 'k',
      storeOpenedMs: 1,
      seeded: [],
    });
    const root = fakeRoot('lies', `process.stdout.write(${JSON.stringify(`${line}\n`)}); setInterval(() => undefined, 1000);`);
    const backend = startDemoBackend({ root, dataDir: join(temp, 'data'), log: () => undefined, timeoutMs: 1500 });
    await expect(backend.ready).rejects.toThrow('it did not answer within 2 s');
    await backend.stop();
    expect(() => process.kill(backend.pid!, 0)).toThrow();
  });

  it('stop() ends a running server by closing its stdin', async () => {
    const line = JSON.stringify({
      demoBackend: 'ready',
      url: 'http://127.0.0.1:1',
      publicKey: `${'A'.repeat(43)}=`,
      keyId: 'k',
      storeOpenedMs: 1,
      seeded: [],
    });
    const root = fakeRoot(
      'runs',
      `process.stdout.write(${JSON.stringify(`${line}\n`)}); process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`,
    );
    const backend = startDemoBackend({ root, dataDir: join(temp, 'data'), log: () => undefined });
    expect((await backend.ready).url).toBe('http://127.0.0.1:1');
    await backend.stop();
    expect(() => process.kill(backend.pid!, 0)).toThrow();
  });
});
