// Idle cost of the Node host with one simulated printer polled every 30 s, step by step against a
// bare Node process doing nothing but one 30 s interval, all measured side by side in one quiet
// window of the same run: peak RSS, V8 heap in use, CPU and timer wake-ups per minute. The zod rows
// weigh the library's parsed code (classic vs zod/mini, as node_modules files vs bundled) and the
// cost of building every schema in common/ (what lazy schema construction could save at most).
// The host runs with --no-demo-backend: the demo backend is a separate child process (PGlite,
// server/embedded.ts) and is measured apart, for information.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUNDLE_OPTIONS } from '../scripts/build-host-bundle.mjs';
import { NODE_HOST_ENTRY, NODE_HOST_FLAGS } from '../scripts/node-host-launch.mjs';

const root = resolve(import.meta.dirname, '..');
const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const ticksPerSecond = 100; // USER_HZ on Linux
const work = mkdtempSync(join(tmpdir(), 'trayside-bench-'));

function procStat(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime + stime, seconds
}
function statusMb(pid, field) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line.split(/\s+/)[1]) / 1024;
}
const ask = (child, message) =>
  new Promise((done) => {
    child.once('message', done);
    child.send(message);
  });

/** Starts one process under the timer probe; resolves once it says it is ready. */
async function launch(step) {
  const child = fork(step.module, step.args ?? [], {
    cwd: root,
    execArgv: [...(step.flags ?? []), '--import', resolve(root, 'bench/timer-probe.mjs')],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
  await new Promise((done, fail) => {
    child.stdout.on('data', (chunk) => (String(chunk).includes('ready') || String(chunk).includes('Trayside panel') ? done() : undefined));
    child.once('exit', (code) => fail(new Error(`${step.label} exited with ${code}: ${stderr}`)));
    setTimeout(done, 15_000);
  });
  return { step, child };
}

/** Source of a module that imports `specifiers` (kept alive), prints ready and idles like the baseline. */
function probeSource(specifiers) {
  const imports = specifiers.map((specifier, index) => `import * as m${index} from ${JSON.stringify(specifier)};`).join('\n');
  return `${imports}\nglobalThis.kept = [${specifiers.map((_, index) => `m${index}`).join(', ')}];\nsetInterval(() => {}, 30000);\nconsole.log('ready');\n`;
}
function probeModule(name, specifiers) {
  const file = join(work, `${name}.mjs`);
  writeFileSync(file, probeSource(specifiers));
  return file;
}
/** The same, bundled and minified the way the host is (scripts/build-host-bundle.mjs). */
async function bundledProbe(name, specifiers) {
  const outfile = join(work, `${name}.bundle.mjs`);
  await build({
    ...NODE_BUNDLE_OPTIONS,
    sourcemap: false,
    stdin: { contents: probeSource(specifiers), resolveDir: root, sourcefile: `${name}-probe.mjs` },
    outfile,
  });
  return outfile;
}

// Every common/ module the Node program compiles (tests and the web-only contract client aside).
const commonModules = readdirSync(resolve(root, 'common'), { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
  .map((file) => resolve(root, 'common', file));
const zodClassic = fileURLToPath(import.meta.resolve('zod'));
const zodMini = fileURLToPath(import.meta.resolve('zod/mini'));
const hostArgs = (dataDir) => ['--port', '0', '--data-dir', dataDir, '--no-demo-backend'];

writeFileSync(join(work, 'baseline.mjs'), "setInterval(() => {}, 30000); console.log('ready');\n");
const steps = [
  { label: 'bare node, one 30 s interval', module: join(work, 'baseline.mjs') },
  { label: '+ zod (classic, node_modules)', module: probeModule('zod', [zodClassic]) },
  { label: '+ zod/mini (node_modules)', module: probeModule('zod-mini', [zodMini]) },
  { label: '+ zod (classic, bundled)', module: await bundledProbe('zod', ['zod']) },
  { label: '+ zod/mini (bundled)', module: await bundledProbe('zod-mini', ['zod/mini']) },
  { label: '+ zod + every common/ schema (bundled)', module: await bundledProbe('common', ['zod', ...commonModules]) },
  {
    label: 'Node host, tsc output (out/node)',
    module: resolve(root, 'out/node/host/cli.js'),
    args: hostArgs(mkdtempSync(join(work, 'tsc-'))),
    flags: NODE_HOST_FLAGS,
    host: true,
  },
  {
    label: `Node host, bundle (${relative(root, NODE_HOST_ENTRY)}, npm start)`,
    module: NODE_HOST_ENTRY,
    args: hostArgs(mkdtempSync(join(work, 'bundle-'))),
    flags: NODE_HOST_FLAGS,
    host: true,
    final: true,
  },
];

console.log(
  `idle benchmark: all rows side by side in one ${seconds} s quiet window (set BENCH_IDLE_SECONDS to change); CPU is read in 10 ms kernel ticks, so ${((0.01 / seconds) * 100).toFixed(3)} % is one tick`,
);
console.log('the hosts run with --no-demo-backend (one simulated printer, 30 s poll): the demo backend child is measured below, apart');
// One after another, so start-up peaks do not compete for the two cores; then one shared window.
const running = [];
for (const step of steps) running.push(await launch(step));
await new Promise((done) => setTimeout(done, 3000)); // let start-up work settle
const cpuBefore = new Map();
for (const { child } of running) {
  child.send('timer-reset');
  cpuBefore.set(child.pid, procStat(child.pid));
}
await new Promise((done) => setTimeout(done, seconds * 1000));
const rows = [];
for (const { step, child } of running) {
  const cpuSeconds = procStat(child.pid) - cpuBefore.get(child.pid);
  const probe = await ask(child, 'timer-counts');
  rows.push({
    step,
    cpuPercentOfCore: (cpuSeconds / seconds) * 100,
    peakRssMb: statusMb(child.pid, 'VmHWM'),
    rssMb: statusMb(child.pid, 'VmRSS'),
    heapUsedMb: probe.heapUsedMb,
    wakeupsPerMinute: (probe.fired / seconds) * 60,
    // Infinity (no timer asked for) crosses the IPC channel as null.
    shortestTimerMs: probe.shortestMs ?? Number.POSITIVE_INFINITY,
  });
  child.kill('SIGTERM');
}
const [baseline] = rows;
for (const row of rows) {
  const delta = row === baseline ? '' : ` (+${(row.peakRssMb - baseline.peakRssMb).toFixed(1)})`;
  console.log(
    `${row.step.label.padEnd(56)} peak RSS ${row.peakRssMb.toFixed(1).padStart(5)} MB${delta.padEnd(8)} now ${row.rssMb.toFixed(1).padStart(5)} MB   heap ${row.heapUsedMb.toFixed(1).padStart(4)} MB   CPU ${row.cpuPercentOfCore.toFixed(3)} %   wake-ups ${row.wakeupsPerMinute.toFixed(1)}/min   shortest timer ${Number.isFinite(row.shortestTimerMs) ? `${row.shortestTimerMs} ms` : 'none'}`,
  );
}
const host = rows.find((row) => row.step.final);
const tscHost = rows.find((row) => row.step.host && !row.step.final);
console.log(
  `bundle vs tsc output: peak RSS ${(host.peakRssMb - tscHost.peakRssMb).toFixed(1)} MB, heap ${(host.heapUsedMb - tscHost.heapUsedMb).toFixed(1)} MB`,
);
console.log(
  `host/baseline: CPU ×${(host.cpuPercentOfCore / Math.max(baseline.cpuPercentOfCore, 0.001)).toFixed(1)}, RSS ×${(host.peakRssMb / baseline.peakRssMb).toFixed(2)}`,
);
const verdict = [
  ['CPU ≤ 0.1 % of one core', host.cpuPercentOfCore <= 0.1],
  ['peak RSS ≤ 60 MB', host.peakRssMb <= 60],
  ['no timer faster than 1 s while idle', !(host.shortestTimerMs < 1000)],
];
for (const [target, met] of verdict) console.log(`  ${met ? 'met ' : 'MISSED'} ${target} (bundled host, as npm start runs it)`);

await measureDemoBackend();
rmSync(work, { recursive: true, force: true });

/** For information: the RSS of the demo backend child the host starts with the bundled demo branding. */
async function measureDemoBackend() {
  const dataDir = mkdtempSync(join(work, 'demo-'));
  const child = spawn(process.execPath, [...NODE_HOST_FLAGS, NODE_HOST_ENTRY, '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  const started = await new Promise((done) => {
    const finish = (ok) => {
      clearTimeout(timer);
      done(ok);
    };
    const timer = setTimeout(() => finish(false), 120_000);
    child.stderr.on('data', () => {
      if (/demo backend: started/.test(log)) finish(true);
      else if (/messages: off/.test(log)) finish(false);
    });
    child.once('exit', () => finish(false));
  });
  const [backendPid] = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  if (!started || !backendPid) {
    console.log(`demo backend child (information): did not start — ${log.trim().split('\n').at(-1) ?? 'no log'}`);
  } else {
    await new Promise((done) => setTimeout(done, 5000)); // its first manifests are served; then it idles
    console.log(
      `demo backend child (information, not the app): peak RSS ${statusMb(backendPid, 'VmHWM').toFixed(1)} MB, now ${statusMb(backendPid, 'VmRSS').toFixed(1)} MB (PGlite + Fastify, its own process; off with --no-demo-backend)`,
    );
  }
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}
