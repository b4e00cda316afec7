// The Node host as a person starts it (`npx tsx host/cli.ts …`): branding from the flag, the
// env or the bundled demo; IPP printers from --ipp; a bad config stops it with one line and exit 2.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const temp = mkdtempSync(join(tmpdir(), 'trayside-host-cli-'));
const demo = JSON.parse(readFileSync(resolve(root, 'assets/branding/demo.json'), 'utf8')) as Record<string, unknown>;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function host(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'host/cli.ts', '--port', '0', '--data-dir', mkdtempSync(join(temp, 'data-')), ...args],
    {
      cwd: root,
      env: { ...process.env, TRAYSIDE_BRANDING: '', TRAYSIDE_BACKEND_URL: '', TRAYSIDE_PUBLIC_KEY: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.once('exit', done));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Resolves with the first match of `pattern` in the stream's text, or rejects when the process ends first. */
async function waitFor(run: Run, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpExecArray> {
  for (;;) {
    const match = pattern.exec(run[stream]());
    if (match) return match;
    const ended = await Promise.race([run.exit.then(() => true), new Promise<false>((done) => setTimeout(() => done(false), 100))]);
    if (ended && !pattern.exec(run[stream]())) throw new Error(`the host ended before ${pattern}:\n${run.stdout()}\n${run.stderr()}`);
  }
}

describe('Node host start-up', () => {
  it('with no flags: demo branding, demo printer, messages off with a reason, and the panel served', async () => {
    // The demo branding names http://127.0.0.1:8787; point it at a closed port so a server someone runs there does not matter.
    const run = host([], { TRAYSIDE_BACKEND_URL: `http://127.0.0.1:${await closedPort()}` });
    const [, url] = await waitFor(run, 'stdout', /Trayside panel: (http:\/\/127\.0\.0\.1:\d+\/)/);
    expect(run.stderr()).toContain('branding: Trayside from the bundled demo branding');
    expect(run.stderr()).toContain('demo printer: fallback');
    // The key is asked for at each poll (a server started later needs no restart), so the line comes with the first poll.
    await waitFor(
      run,
      'stderr',
      /messages: could not read the signing key of the local server .*connection refused.*asking again.*npm run server/,
    );
    const page = await fetch(url!);
    expect(page.status).toBe(200);
  }, 60_000);

  it('--ipp against nothing: starts, and the unreachable printer is one clear log line, not a crash', async () => {
    const printer = `ipp://127.0.0.1:${await closedPort()}/ipp/print`;
    const run = host(['--ipp', printer, '--no-demo']);
    await waitFor(run, 'stdout', /Trayside panel: /);
    expect(run.stderr()).toContain('1 IPP printer(s); demo printer: never');
    const [line] = await waitFor(run, 'stderr', /ipp:ipp:\/\/127\.0\.0\.1:\d+\/ipp\/print: read failed \([^\n]*\); retrying in \d+ s/);
    expect(line).toContain(printer);
    expect(run.child.exitCode).toBeNull();
  }, 60_000);

  it('a bad branding file stops it: exit 2 and one line naming the file and the field', async () => {
    const file = join(temp, 'oem-branding.json');
    writeFileSync(file, JSON.stringify({ ...demo, vendorIds: ['0x04b8'] }));
    const run = host(['--branding', file]);
    expect(await run.exit).toBe(2);
    const lines = run
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('trayside:'));
    expect(lines).toEqual([`trayside: Branding config ${file} is invalid: vendorIds[0]: Invalid input: expected number, received string`]);
    expect(run.stdout()).toBe('');
  }, 60_000);

  it('TRAYSIDE_BRANDING is read when --branding is not given', async () => {
    const run = host([], { TRAYSIDE_BRANDING: join(temp, 'missing.json') });
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(`trayside: Branding config ${join(temp, 'missing.json')} could not be read (ENOENT)`);
  }, 60_000);

  it('an --ipp value that is not a printer address stops it with exit 2 and the expected form', async () => {
    const run = host(['--ipp', 'printer.local']);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('trayside: --ipp: "printer.local" is not a printer address: expected ipp://host[:port]/path');
  }, 60_000);
});
