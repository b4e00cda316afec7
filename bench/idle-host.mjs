// Idle cost of the Node host with one simulated printer polled every 30 s: CPU over a quiet
// window, peak RSS and timer wake-ups per minute, next to a bare Node process doing nothing but
// one 30 s interval (the baseline, measured in the same run).
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const ticksPerSecond = 100; // USER_HZ on Linux

function procStat(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime + stime, seconds
}
function peakRssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}
const ask = (child, message) =>
  new Promise((done) => {
    child.once('message', done);
    child.send(message);
  });

async function measure(label, modulePath, args, flags = []) {
  const child = fork(modulePath, args, {
    cwd: root,
    execArgv: [...flags, '--import', resolve(root, 'bench/timer-probe.mjs')],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  await new Promise((done, fail) => {
    child.stdout.on('data', (chunk) => String(chunk).includes('ready') || String(chunk).includes('Trayside panel') ? done() : undefined);
    child.once('exit', (code) => fail(new Error(`${label} exited with ${code}`)));
    setTimeout(done, 8000);
  });
  await new Promise((done) => setTimeout(done, 3000)); // let start-up work settle
  child.send('timer-reset');
  const cpuBefore = procStat(child.pid);
  await new Promise((done) => setTimeout(done, seconds * 1000));
  const cpuSeconds = procStat(child.pid) - cpuBefore;
  const timers = await ask(child, 'timer-counts');
  const result = {
    label,
    cpuPercentOfCore: (cpuSeconds / seconds) * 100,
    peakRssMb: peakRssMb(child.pid),
    wakeupsPerMinute: (timers.fired / seconds) * 60,
    shortestTimerMs: timers.shortestMs,
  };
  child.kill('SIGTERM');
  return result;
}

const dataDir = mkdtempSync(join(tmpdir(), 'trayside-bench-'));
const baselineScript = join(dataDir, 'baseline.mjs');
(await import('node:fs')).writeFileSync(baselineScript, "setInterval(() => {}, 30000); console.log('ready');\n");

console.log(`idle benchmark: ${seconds} s quiet window per process (set BENCH_IDLE_SECONDS to change); CPU is read in 10 ms kernel ticks, so ${((0.01 / seconds) * 100).toFixed(3)} % is one tick`);
const baseline = await measure('bare node, one 30 s interval', baselineScript, []);
// Same V8 flags as `npm start` gives the Node host (scripts/start.mjs NODE_HOST_FLAGS).
const host = await measure('Node host + simulated printer', resolve(root, 'out/node/host/cli.js'), ['--port', '0', '--data-dir', dataDir], ['--max-semi-space-size=1']);
for (const row of [baseline, host]) {
  console.log(
    `${row.label.padEnd(34)} CPU ${row.cpuPercentOfCore.toFixed(3)} % of a core   peak RSS ${row.peakRssMb.toFixed(1)} MB   timer wake-ups ${row.wakeupsPerMinute.toFixed(1)}/min   shortest timer ${Number.isFinite(row.shortestTimerMs) ? `${row.shortestTimerMs} ms` : 'none'}`,
  );
}
console.log(`host/baseline: CPU ×${(host.cpuPercentOfCore / Math.max(baseline.cpuPercentOfCore, 0.001)).toFixed(1)}, RSS ×${(host.peakRssMb / baseline.peakRssMb).toFixed(2)}`);
const verdict = [
  ['CPU ≤ 0.1 % of one core', host.cpuPercentOfCore <= 0.1],
  ['peak RSS ≤ 60 MB', host.peakRssMb <= 60],
  ['no timer faster than 1 s while idle', !(host.shortestTimerMs < 1000)],
];
for (const [target, met] of verdict) console.log(`  ${met ? 'met ' : 'MISSED'} ${target}`);
