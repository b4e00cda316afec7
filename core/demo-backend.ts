// The demo backend a host starts for the bundled demo branding, so `npm start` shows messages
// without a second command: the reference server (server/embedded.ts) in a child process. A
// child, not an in-process server: a server fault cannot take the app down, the app's idle
// memory stays its own, and Fastify/PGlite (devDependencies) are never loaded into the app.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { BackendUrlSchema, PublicKeySchema, type Branding } from '../common/branding.js';
import { isLoopbackBackend } from './branding/signing-key.js';

/** The one line server/embedded.ts writes on stdout once it listens. */
const ReadyLineSchema = z.object({
  demoBackend: z.literal('ready'),
  url: BackendUrlSchema.refine(isLoopbackBackend, 'the demo backend must listen on 127.0.0.1'),
  publicKey: PublicKeySchema,
  keyId: z.string().max(64),
  storeOpenedMs: z.number().nonnegative(),
  seeded: z.array(z.string().max(100)).max(100),
});

/** Where a running demo backend answers and the key its manifests are signed with. */
export type DemoBackendInfo = z.infer<typeof ReadyLineSchema>;

/** Whether this start runs a demo backend, and if not, why (for the log line). */
export type DemoBackendDecision = { start: true } | { start: false; reason: string };

/**
 * Only the bundled demo branding from a source checkout gets one: an OEM's branding names the
 * OEM's backend and pins its key, a packaged app has no Fastify/PGlite, and a host pointed at
 * another server (--backend / --public-key) or told `--no-demo-backend` uses what it was given.
 */
export function decideDemoBackend(options: {
  bundledBranding: boolean;
  packaged: boolean;
  flag: boolean | undefined;
  backendOverridden: boolean;
}): DemoBackendDecision {
  if (!options.bundledBranding) return { start: false, reason: 'an OEM branding config names its own backend' };
  if (options.flag === false) return { start: false, reason: 'turned off with --no-demo-backend' };
  if (options.packaged) return { start: false, reason: 'a packaged app never runs the reference backend' };
  if (options.backendOverridden) return { start: false, reason: 'the message server was given with --backend / --public-key' };
  return { start: true };
}

/** How to run the child: the Node host's own node, or Electron's binary with ELECTRON_RUN_AS_NODE. */
export interface DemoBackendRuntime {
  command: string;
  env?: Record<string, string>;
}

/** What a host passes to start one. */
export interface DemoBackendOptions {
  /** The checkout's root (package.json). */
  root: string;
  /** Its store and admin token; a host passes <its data dir>/demo-backend. */
  dataDir: string;
  log: (message: string) => void;
  runtime?: DemoBackendRuntime;
  /** Run server/embedded.ts through tsx (a host itself run by tsx) instead of the compiled out/node/server/embedded.js. */
  fromSource?: boolean;
  /**
   * The campaign files it publishes at its first start (default the demo campaigns): the campaign
   * preview passes a folder holding only the draft, so nothing else competes for the panel.
   */
  campaignsDir?: string;
  /** Longest wait for the ready line (default 60 s; the first open of a new PGlite store takes about 8 s). */
  timeoutMs?: number;
}

/** A starting or running demo backend. */
export interface DemoBackend {
  /** Resolves when it listens; rejects with the reason it did not start (the child is gone by then). */
  readonly ready: Promise<DemoBackendInfo>;
  /** The child's process id (tests check it is gone). */
  readonly pid: number | undefined;
  /** Stops it and waits until the process has ended (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** The branding the message service runs with: the demo backend's URL and its key, pinned for this run. */
export function brandingWithDemoBackend(branding: Branding, backend: DemoBackendInfo): Branding {
  return { ...branding, backendUrl: backend.url, signingKeys: [backend.publicKey] };
}

/** Starts server/embedded.ts in a child process; never throws (a failure rejects `ready`). */
export function startDemoBackend(options: DemoBackendOptions): DemoBackend {
  const entry = options.fromSource
    ? ['--import', 'tsx', join(options.root, 'server/embedded.ts')]
    : [join(options.root, 'out/node/server/embedded.js')];
  const command = options.runtime?.command ?? process.execPath;
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!existsSync(entry.at(-1)!)) {
    const ready = Promise.reject(new Error(`${entry.at(-1)} is missing; run "npm run build"`));
    ready.catch(() => undefined);
    return { ready, pid: undefined, stop: async () => undefined };
  }

  // stdin is a pipe the child watches: it closes when this process ends, however it ends.
  const campaigns = options.campaignsDir === undefined ? [] : ['--campaigns', options.campaignsDir];
  const child: ChildProcess = spawn(command, [...entry, '--data-dir', options.dataDir, ...campaigns], {
    cwd: options.root,
    env: { ...withoutServerSettings(process.env), ...options.runtime?.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  let lastError = '';
  const forward = (line: string): void => {
    const text = line.trim();
    if (text === '') return;
    lastError = text.slice(0, 300);
    options.log(`demo backend: ${lastError}`);
  };
  createInterface({ input: child.stderr! }).on('line', forward);

  const ready = new Promise<DemoBackendInfo>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`it did not answer within ${Math.round(timeoutMs / 1000)} s`));
      child.kill('SIGKILL');
    }, timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = parseReadyLine(line);
      if (parsed) {
        clearTimeout(timer);
        resolve(parsed);
      } else forward(line);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not be started (${error.message})`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`it exited (${signal ?? `code ${code}`})${lastError ? `: ${lastError}` : ''}`));
    });
  });
  ready.catch(() => undefined);

  let stopping: Promise<void> | undefined;
  return {
    ready,
    pid: child.pid,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        // Closing stdin asks it to close Fastify and flush the store; SIGKILL if that hangs.
        child.stdin?.end();
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}

function parseReadyLine(line: string): DemoBackendInfo | undefined {
  if (!line.startsWith('{"demoBackend"')) return undefined;
  try {
    const parsed = ReadyLineSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The shell's server settings belong to `npm run server`; the demo backend always uses its own store and token file. */
function withoutServerSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, TRAYSIDE_ADMIN_TOKEN: _token, PORT: _port, ...rest } = env;
  return rest;
}

/**
 * The demo printer's starting levels while the demo backend runs: cyan just under the 15 % mark of
 * the demo low-supply campaign (server/demo/cyan-low-805xl.json), so its message arrives with the
 * first manifest. Draining from the simulator's 23 % at 0.9 %/h would take nine hours to get there,
 * and a faster simulation would empty every ink within minutes of a demo left running.
 */
export const DEMO_BACKEND_PRINTER_LEVELS: Readonly<Record<string, number>> = { cyan: 14 };
