// `npm start`: the Electron app where it can run, else the Node host serving the panel on
// 127.0.0.1, after one line saying why. Builds first when the needed output is missing.
//   npm start -- --demo              (Electron: always show the demo printer)
//   npm start -- --port 0 --sim-speed 3600   (Node host options, see host/cli.ts --help)
//   npm start -- --no-demo-backend   (both hosts: no embedded demo message server)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chooseHost } from './electron-probe.mjs';

const root = resolve(import.meta.dirname, '..');
/** V8 flags of the Node host; bench/idle-host.mjs measures with the same ones. */
const NODE_HOST_FLAGS = ['--max-semi-space-size=1'];
const args = process.argv.slice(2);

// out/node/server/embedded.js is the demo backend both hosts start for the bundled demo branding.
const NEEDS = {
  electron: ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/node/server/embedded.js'],
  node: ['out/renderer/index.html', 'out/host-bridge/trayside-bridge.js', 'out/node/host/cli.js', 'out/node/server/embedded.js'],
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
  // The compiled host, not tsx: a tray companion idles for days, and the loader's memory is waste.
  // A 1 MB young generation keeps the idle footprint down; the host allocates little per poll.
  runForeground(process.execPath, [...NODE_HOST_FLAGS, resolve(root, 'out/node/host/cli.js'), ...args]);
}
