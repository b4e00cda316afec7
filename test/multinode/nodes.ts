import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/**
 * One server node: `npm run server` as its own process (node --import tsx, so kill -9 hits the
 * server itself, not a wrapper), on a fixed loopback port so a restarted node comes back at the
 * same address, as behind a load balancer.
 */
export class ServerNode {
  private child: ChildProcess | undefined;
  private output = '';
  readonly url: string;
  private readonly dataDir = mkdtempSync(path.join(tmpdir(), 'trayside-node-'));

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the node and resolves when it prints its banner. */
  start(): Promise<void> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/cli.ts', '--port', String(this.port), '--data-dir', this.dataDir, '--no-demo', '--log-level', 'warn'],
      {
        cwd: root,
        env: { ...process.env, ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start:\n${this.output}`)), 90_000);
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString();
        if (/API:/.test(this.output.slice(this.output.lastIndexOf('listening on')))) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code ?? signal}):\n${this.output}`));
      });
    });
  }

  /** What a crashed machine does: SIGKILL, no shutdown hooks. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  logs(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Stops or starts again the scripts/pg/start.sh cluster in `dir` (scripts/pg/cluster.sh). */
export function cluster(action: 'stop' | 'start', dir: string): void {
  const result = spawnSync('bash', ['scripts/pg/cluster.sh', action, dir], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`scripts/pg/cluster.sh ${action} failed: ${result.stderr}`);
}
