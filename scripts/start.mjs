// `npm start`: the Electron app where it can run, else the Node host serving the panel on
// 127.0.0.1, after one line saying why. Builds first when the needed output is missing.
//   npm start -- --demo              (Electron: always show the demo printer)
//   npm start -- --port 0 --sim-speed 3600   (Node host options, see host/cli.ts --help)
//   npm start -- --no-demo-backend   (both hosts: no embedded demo message server)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chooseHost } from './electron-probe.mjs';
import { NODE_HOST_ENTRY, NODE_HOST_FLAGS } from './node-host-launch.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);

// out/node/server/embedded.js is the demo backend both hosts start for the bundled demo branding.
const NEEDS = {
  electron: ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/node/server/embedded.js'],
  node: ['out/renderer/index.html', 'out/renderer/trayside-bridge.js', 'out/host-bundle/cli.mjs', 'out/node/server/embedded.js'],
};

function ensureBuilt(host) {
  const missing = () => NEEDS[host].filter((file) => !existsSync(resolve(root, file)));
  if (missing().length === 0) return;
  process.stdout.write(`Building first (${missing().join(', ')} missing)…\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (missing().length > 0) {
    process.stderr.write(`trayside: the build did not produce ${missing().join(', ')}; run "npm run build" and read its errors\n`);
    process.exit(1);
  }
}

/** Runs the child in the foreground: its exit code is ours, and Ctrl+C / kill reach it. */
function runForeground(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const choice = chooseHost({ root });
if (choice.host === 'electron') {
  ensureBuilt('electron');
  // ELECTRON_RUN_AS_NODE from an outer tool would start a Node REPL instead of the app.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  runForeground(choice.binary, [root, ...args], env);
} else {
  process.stdout.write(`${choice.reason} — starting the Node host instead\n`);
  ensureBuilt('node');
  // The one-file bundle, not tsx nor the tsc output: a tray companion idles for days, and the
  // loader's memory and per-module bookkeeping are waste (bench/idle-host.mjs has the figures).
  runForeground(process.execPath, [...NODE_HOST_FLAGS, NODE_HOST_ENTRY, ...args]);
}
