import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MANIFEST_CACHE_CONTROL } from '../../server/manifest/fast-path.js';

/** Debian's nginx binary, or undefined with the reason it cannot run here. */
export function findNginx(): { binary: string } | { missing: string } {
  const binary = process.env.TRAYSIDE_NGINX ?? '/usr/sbin/nginx';
  if (!existsSync(binary)) return { missing: `${binary} not found; install Debian's nginx (apt-get install -y nginx-light)` };
  return { binary };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** An nginx of the test's own: its config, pid, logs and temp files in one temp folder; loopback only. */
export interface TestNginx {
  url: string;
  /** Lines nginx logged (errors and the access log), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/** The nobody user when running as root: the web server never runs privileged. */
const NOBODY = { uid: 65534, gid: 65534 };

/**
 * Starts nginx in the foreground serving `root` (a static export) the way a CDN origin would:
 * its own ETag (mtime and size) and conditional GETs, the manifests' Cache-Control, JSON content
 * type, 404 for a segment not exported. As root it runs as nobody (so `root` must be readable by others).
 */
export async function startNginx(binary: string, root: string): Promise<TestNginx> {
  const work = mkdtempSync(path.join(tmpdir(), 'trayside-nginx-'));
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const conf = path.join(work, 'nginx.conf');
  writeFileSync(
    conf,
    [
      'worker_processes 1;',
      'daemon off;',
      'master_process on;',
      `pid ${work}/nginx.pid;`,
      `error_log ${work}/error.log warn;`,
      'events { worker_connections 256; }',
      'http {',
      `  access_log ${work}/access.log;`,
      `  client_body_temp_path ${work}/body; proxy_temp_path ${work}/proxy; fastcgi_temp_path ${work}/fastcgi; uwsgi_temp_path ${work}/uwsgi; scgi_temp_path ${work}/scgi;`,
      '  types { }',
      '  default_type application/json;',
      '  charset utf-8; charset_types application/json;',
      `  server { listen 127.0.0.1:${port}; server_name localhost; root ${root};`,
      '    location ~ /\\. { return 404; }',
      `    location / { add_header Cache-Control "${MANIFEST_CACHE_CONTROL}" always; try_files $uri =404; }`,
      '  }',
      '}',
    ].join('\n'),
  );
  mkdirSync(path.join(work, 'body'));
  if (asRoot) {
    chmodSync(work, 0o755);
    for (const name of ['', 'body']) chownSync(path.join(work, name), NOBODY.uid, NOBODY.gid);
  }
  const child: ChildProcess = spawn(binary, ['-e', `${work}/error.log`, '-p', work, '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asRoot ? NOBODY : {}),
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const logs = (): string => {
    const read = (name: string) => (existsSync(path.join(work, name)) ? readFileSync(path.join(work, name), 'utf8') : '');
    return `${output}${read('error.log')}${read('access.log')}`;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${logs()}`);
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not answer on ${url}:\n${logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    logs,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGQUIT');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** `nginx -t` on nothing but its version, to fail early with a clear line when the binary is broken. */
export function nginxVersion(binary: string): string {
  const result = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  return (result.stderr || result.stdout).trim();
}
