// `npm start` with the bundled demo branding brings its own message server: the Node host as a
// person starts it, no backend flags, a fresh data dir. The demo backend (server/embedded.ts) is a
// child of the host; its low-supply campaign reaches the inbox, read over the contract socket the
// way the panel reads it, and the child goes when the host goes, even when the host is SIGKILLed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MessagesStateSchema, type InboxView } from '../../common/contract/messages.js';
import {
  CONTRACT_SOCKET_PATH,
  CONTRACT_SOCKET_PROTOCOL,
  SOCKET_SECRET_META,
  SOCKET_SECRET_PROTOCOL_PREFIX,
  ServerFrameSchema,
} from '../../common/contract/wire.js';

const root = resolve(import.meta.dirname, '../..');
const temp = mkdtempSync(join(tmpdir(), 'trayside-demo-backend-'));
const children: ChildProcess[] = [];
/** Process ids of demo backends the tests saw, killed after the run if a test failed before they went. */
const backendPids: number[] = [];

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
});
afterAll(async () => {
  // Give orphans the grace the test expects, then make sure nothing outlives the suite.
  await new Promise((done) => setTimeout(done, 500));
  for (const pid of backendPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(temp, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** The Node host from source, the way node-host-cli.test.ts starts it; no backend overrides in its environment. */
function host(args: string[]): Run {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'host/cli.ts', '--port', '0', '--data-dir', mkdtempSync(join(temp, 'data-')), ...args],
    {
      cwd: root,
      env: { ...process.env, TRAYSIDE_BRANDING: '', TRAYSIDE_BACKEND_URL: '', TRAYSIDE_PUBLIC_KEY: '', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function waitFor(run: Run, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpExecArray> {
  for (;;) {
    const match = pattern.exec(run[stream]());
    if (match) return match;
    const ended = await Promise.race([run.exit.then(() => true), new Promise<false>((done) => setTimeout(() => done(false), 100))]);
    if (ended && !pattern.exec(run[stream]())) throw new Error(`the host ended before ${pattern}:\n${run.stdout()}\n${run.stderr()}`);
  }
}

/** The process id of the host's demo backend child (ps lists the host's children). */
async function backendChildOf(hostPid: number): Promise<number> {
  const ps = spawn('ps', ['-o', 'pid=,args=', '--ppid', String(hostPid)]);
  let listing = '';
  ps.stdout.on('data', (chunk: Buffer) => (listing += chunk.toString()));
  await new Promise((done) => ps.once('exit', done));
  const line = listing.split('\n').find((entry) => entry.includes('server/embedded.ts'));
  if (!line) throw new Error(`no demo backend among the host's children:\n${listing}`);
  const pid = Number(line.trim().split(/\s+/)[0]);
  backendPids.push(pid);
  return pid;
}

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return !alive(pid);
}

/** The inbox as the panel reads it: the secret from the served page, then `messages.getState` on the contract socket. */
async function inbox(panelUrl: string): Promise<InboxView> {
  const page = await (await fetch(panelUrl)).text();
  const secret = new RegExp(`<meta name="${SOCKET_SECRET_META}" content="([^"]+)"`).exec(page)?.[1];
  if (!secret) throw new Error('the served page carries no socket secret');
  const origin = new URL(panelUrl).origin;
  const socket = new WebSocket(
    `${origin.replace('http', 'ws')}${CONTRACT_SOCKET_PATH}`,
    [CONTRACT_SOCKET_PROTOCOL, `${SOCKET_SECRET_PROTOCOL_PREFIX}${secret}`],
    { origin },
  );
  try {
    await new Promise((done, fail) => {
      socket.once('open', done);
      socket.once('error', fail);
    });
    const reply = new Promise<unknown>((done) => {
      socket.on('message', (data: Buffer) => {
        const frame = ServerFrameSchema.parse(JSON.parse(data.toString()));
        if (frame.type === 'result' && frame.id === 1) done(frame.envelope.ok ? frame.envelope.value : frame.envelope);
      });
    });
    socket.send(JSON.stringify({ type: 'call', id: 1, channel: 'trayside:messages.getState' }));
    return MessagesStateSchema.parse(await reply).inbox;
  } finally {
    socket.close();
  }
}

describe('demo backend of the bundled demo branding', () => {
  it('starts with the host, puts the low-cyan demo message in the inbox within a minute, and stops with the host', async () => {
    const started = Date.now();
    const run = host([]);
    const [, panel] = await waitFor(run, 'stdout', /Trayside panel: (http:\/\/127\.0\.0\.1:\d+\/)/);
    expect(run.stderr()).toMatch(/demo backend: started on http:\/\/127\.0\.0\.1:\d+ in \d+ ms \(data in .*demo-backend\)/);
    expect(run.stderr()).not.toContain('messages: off');
    const backend = await backendChildOf(run.child.pid!);

    let view: InboxView = await inbox(panel!);
    while (!view.items.some((item) => item.campaignId === 'cyan-low-805xl') && Date.now() - started < 60_000) {
      await new Promise((done) => setTimeout(done, 1000));
      view = await inbox(panel!);
    }
    const message = view.items.find((item) => item.campaignId === 'cyan-low-805xl');
    expect(message?.title, run.stderr()).toMatch(/^Cyan running low/);
    expect(Date.now() - started).toBeLessThan(60_000);

    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(await goneWithin(backend, 6000)).toBe(true);
  }, 90_000);

  it('goes away when the host is SIGKILLed (it watches the pipe to its parent)', async () => {
    const run = host([]);
    await waitFor(run, 'stderr', /demo backend: started on /);
    const backend = await backendChildOf(run.child.pid!);
    expect(alive(backend)).toBe(true);
    run.child.kill('SIGKILL');
    await run.exit;
    expect(await goneWithin(backend, 6000)).toBe(true);
  }, 90_000);

  it('--no-demo-backend turns it off and the panel runs without it', async () => {
    const run = host(['--no-demo-backend']);
    await waitFor(run, 'stdout', /Trayside panel: /);
    expect(run.stderr()).toContain('demo backend: off (turned off with --no-demo-backend)');
    expect(run.stderr()).not.toContain('demo backend: start');
    await expect(backendChildOf(run.child.pid!)).rejects.toThrow(/no demo backend/);
  }, 60_000);

  it('an OEM branding never starts it', async () => {
    const demo = JSON.parse(readFileSync(resolve(root, 'assets/branding/demo.json'), 'utf8')) as Record<string, unknown>;
    const file = join(temp, 'oem.json');
    // An OEM's config: its own (closed) backend; the placeholder key keeps messages off without a network call leaving the machine.
    writeFileSync(file, JSON.stringify({ ...demo, name: 'Acme Ink', backendUrl: 'https://messages.acme.example' }));
    const run = host(['--branding', file]);
    await waitFor(run, 'stdout', /Trayside panel: /);
    expect(run.stderr()).toContain(`branding: Acme Ink from ${file}`);
    expect(run.stderr()).not.toContain('demo backend');
    await expect(backendChildOf(run.child.pid!)).rejects.toThrow(/no demo backend/);
  }, 60_000);
});
