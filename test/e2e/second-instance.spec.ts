// A second `npm start` while one runs: the compiled Node host (out/node/host/cli.js, as the e2e
// tier builds it) answers in one line where the running Trayside is, exits 1 and prints no stack;
// a port held by some other program is named as such.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';

const root = resolve(import.meta.dirname, '../..');
const CLI = 'out/node/host/cli.js';
const temp = mkdtempSync(join(tmpdir(), 'trayside-second-e2e-'));
const running: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exit: Promise<number | null>;
}

/** The compiled host, with no demo backend and no message server, so it is up in a second. */
function startHost(port: number): Run {
  if (!existsSync(resolve(root, CLI))) throw new Error(`${CLI} is missing: run "npm run build" first`);
  const child = spawn(
    process.execPath,
    [CLI, '--port', String(port), '--no-demo-backend', '--data-dir', mkdtempSync(join(temp, 'data-'))],
    {
      cwd: root,
      // Port 9 is one fetch never connects to ("bad port"): no message server anywhere is asked.
      env: { ...process.env, TRAYSIDE_BRANDING: '', TRAYSIDE_BACKEND_URL: 'http://127.0.0.1:9', TRAYSIDE_PUBLIC_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, output: () => ({ stdout, stderr }), exit: new Promise((done) => child.once('exit', done)) };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

test.afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
});
test.afterAll(() => rmSync(temp, { recursive: true, force: true }));

test('a second start on the same port says Trayside is already running there, in one line, exit 1, no stack', async () => {
  test.setTimeout(60_000);
  const port = await freePort();
  const first = startHost(port);
  await expect.poll(() => first.output().stdout, { timeout: 30_000 }).toContain(`Trayside panel: http://127.0.0.1:${port}/`);

  const second = startHost(port);
  expect(await second.exit).toBe(1);
  const { stdout, stderr } = second.output();
  expect(stderr).toBe(`trayside: Trayside is already running at http://127.0.0.1:${port}/ — open that, or start another with --port 0\n`);
  expect(stdout).toBe('');
  // The first one is untouched and still serves its panel.
  expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
});

test('a port held by another program: one line naming that and --port, exit 1', async () => {
  const port = await freePort();
  // Accepts connections but never answers HTTP, like many programs that are not web servers.
  const other: Server = createServer((socket) => socket.on('error', () => undefined));
  await new Promise<void>((done) => other.listen(port, '127.0.0.1', done));
  try {
    const run = startHost(port);
    expect(await run.exit).toBe(1);
    expect(run.output().stderr).toBe(
      `trayside: port ${port} on 127.0.0.1 is taken by another program — start Trayside with --port 0 (any free port) or --port N\n`,
    );
  } finally {
    other.close();
  }
});
