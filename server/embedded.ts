/**
 * The app's demo backend: the reference server as a child process of a Trayside host started with
 * the bundled demo branding (core/demo-backend.ts starts it). PGlite store in --data-dir,
 * the demo campaigns (or, for the campaign preview, the files in --campaigns DIR), 127.0.0.1 on a
 * free port. When it listens it writes one JSON line on stdout
 * (`{"demoBackend":"ready","url":…,"publicKey":…}`) and nothing secret; the host pins that key.
 *
 * It ends when its stdin closes: the host holds the other end, so the pipe closes when the host
 * exits in any way, SIGKILL included, and no orphaned server keeps the port and the store.
 *
 * Fastify and PGlite are devDependencies: a packaged app never runs this (the hosts start it only
 * from a source checkout with the demo branding), so an OEM's installer never carries them.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, type StartedServer } from './start-server.js';
import { describeError } from '../common/errors.js';

/** The checkout's root: this file runs from server/ under tsx and from out/node/server/ once compiled. */
function projectRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, campaigns: { type: 'string' } } });
if (values['data-dir'] === undefined) fail('--data-dir is required');
const dataDir = path.resolve(values['data-dir']);

/** True while a process with this id exists (EPERM: it exists but belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One server per store: two PGlite processes on one folder would corrupt it (a second app start
 * with the same data dir). A lock left by a killed backend names a process that is gone; it is taken over.
 */
function takeLock(): string {
  const file = path.join(dataDir, 'embedded.lock');
  mkdirSync(dataDir, { recursive: true });
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder))
      fail(`its data folder ${dataDir} is in use by process ${holder} (another Trayside running?)`);
    rmSync(file, { force: true });
  }
}
const lock = takeLock();
process.on('exit', () => rmSync(lock, { force: true }));

let server: StartedServer | undefined;
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Closing the store flushes PGlite; a hung close must not keep a parentless process alive.
  setTimeout(() => process.exit(0), 5000).unref();
  await server?.close().catch(() => undefined);
  process.exit(0);
}
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

try {
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    // The demo backend always uses its own embedded store and admin-token file, whatever the shell exports.
    databaseUrl: undefined,
    adminToken: undefined,
    // The campaign files stay in the source tree; tsc does not copy JSON next to the compiled server.
    // --campaigns: the campaign preview's folder holding only the draft it previews.
    demoDir: values.campaigns !== undefined ? path.resolve(values.campaigns) : path.join(projectRoot(), 'server', 'demo'),
    // pino writes to stdout; only warnings and errors, which the host shows as log lines.
    logLevel: 'warn',
  });
  const ready = {
    demoBackend: 'ready',
    url: server.address,
    publicKey: server.key.publicKey,
    keyId: server.key.keyId,
    storeOpenedMs: server.storeOpenedMs,
    seeded: server.seeded,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
} catch (error) {
  fail(describeError(error));
}
