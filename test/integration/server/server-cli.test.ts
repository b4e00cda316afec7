import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ManifestSchema, SignedEnvelopeSchema } from '../../../common/messages/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

interface Started {
  child: ChildProcess;
  url: string;
  output: string;
}

/** Starts `npm run server` (tsx server/cli.ts) and waits for the line with its URL. */
function startCli(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [tsxCli, 'server/cli.ts', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', TRAYSIDE_ADMIN_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*API:/.exec(output);
      if (match) {
        clearTimeout(timer);
        // Give the rest of the banner a moment to arrive in the same chunk sequence.
        setTimeout(() => resolve({ child, url: match[1]!, output }), 50);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

function stop(started: Started): Promise<void> {
  return new Promise((resolve) => {
    started.child.removeAllListeners('exit');
    if (started.child.exitCode !== null) return resolve();
    started.child.once('exit', () => resolve());
    started.child.kill('SIGTERM');
  });
}

/** Runs a CLI through tsx and collects its output. */
function runTsx(script: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [tsxCli, script, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('every CLI answers --help', () => {
  it.each([
    ['npm run server', 'server/cli.ts', /--data-dir DIR[\s\S]*--branding FILE[\s\S]*--no-demo/],
    ['npm run admin', 'server/admin-cli.ts', /publish <campaign\.json>[\s\S]*--branding <file>[\s\S]*--data-dir <dir>/],
    ['npm run devices', 'native/cli/devices.ts', /--json[\s\S]*--ipp URI/],
    ['the Node host', 'host/cli.ts', /--port N/],
  ])('%s (%s) prints its usage and exits 0', { timeout: 60_000 }, async (_name, script, options) => {
    const result = await runTsx(script, ['--help']);
    expect(result.stderr).not.toMatch(/Unknown option/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: /);
    expect(result.stdout).toMatch(options);
  });

  it('npm run server names an unknown option and shows the usage (exit 2), without starting', { timeout: 60_000 }, async () => {
    const result = await runTsx('server/cli.ts', ['--prot', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--prot'");
    expect(result.stderr).toContain('Usage: npm run server');
    expect(result.stdout).not.toContain('listening');
  });
});

describe('npm run server', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it(
    'starts with demo campaigns, never prints secrets, and keeps campaigns, versions and the key across a restart',
    { timeout: 120_000 },
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'trayside-cli-'));
      cleanup.push(() => rm(dataDir, { recursive: true, force: true }));

      const first = await startCli(dataDir);
      cleanup.push(() => stop(first));
      const token = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
      expect(token.length).toBeGreaterThan(20);
      expect(first.output).not.toContain(token);
      expect(first.output).not.toMatch(/PRIVATE KEY/);
      expect(first.output).toContain(path.join(dataDir, 'admin-token'));
      const publicKey = /public key:\s+(\S+)/.exec(first.output)![1]!;
      expect(publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(first.output).toMatch(
        /published cyan-low-805xl, firmware-2-4-eu, guide-jam-rear-unit, guide-replace-cyan-805xl, print-quality-survey/,
      );

      const poll = async (url: string) => {
        const response = await fetch(`${url}/v1/manifests/trayside-demo/en`);
        const envelope = SignedEnvelopeSchema.parse(await response.json());
        return { etag: response.headers.get('etag'), manifest: ManifestSchema.parse(JSON.parse(envelope.payload)) };
      };
      expect((await poll(first.url)).manifest.messages).toHaveLength(3);
      const archived = await fetch(`${first.url}/v1/admin/campaigns/print-quality-survey/archive`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(archived.status).toBe(200);
      const before = await poll(first.url);
      expect(before.manifest.messages.map((message) => message.campaignId)).toEqual(['firmware-2-4-eu', 'cyan-low-805xl']);
      await stop(first);

      const second = await startCli(dataDir);
      cleanup.push(() => stop(second));
      expect(second.output).toContain(publicKey);
      expect(second.output).toMatch(/campaigns already in the store/);
      const after = await poll(second.url);
      expect(after.manifest.version).toBe(before.manifest.version);
      expect(after.manifest.messages.map((message) => message.campaignId)).toEqual(['firmware-2-4-eu', 'cyan-low-805xl']);
      // Same version, same signing period, deterministic Ed25519: the restarted node serves identical bytes.
      expect(after.etag).toBe(before.etag);
      const listed = await fetch(`${second.url}/v1/admin/campaigns?status=archived`, { headers: { authorization: `Bearer ${token}` } });
      expect(listed.status).toBe(200);
    },
  );
});
