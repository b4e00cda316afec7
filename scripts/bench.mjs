// `npm run bench`: every benchmark, one after another, each printing its own figures (ratios
// against a baseline measured in the same run where one applies). Not a test: nothing here fails
// the build; the figures go into the issue notes.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const benches = [
  { name: 'idle Node host', file: 'bench/idle-host.mjs', command: ['node'], needsBuild: true },
  { name: 'manifest polls', file: 'bench/server-polls.ts', command: ['npx', 'tsx'] },
  { name: 'targeting evaluations', file: 'bench/targeting.ts', command: ['npx', 'tsx'] },
  { name: 'event ingestion', file: 'bench/events.ts', command: ['npx', 'tsx'] },
  { name: 'dismiss clicks: ledger blocking time', file: 'bench/ledger-dismiss.ts', command: ['npx', 'tsx'] },
  { name: 'fleet: polls across segments, events with retries', file: 'bench/fleet.ts', command: ['npx', 'tsx'] },
  { name: 'panel render', file: 'bench/panel-render.ts', command: ['npx', 'tsx'], needsBuild: true },
  { name: 'diagnostics capture: 30 days of history + 5 MB of logs', file: 'bench/diagnostics-capture.ts', command: ['npx', 'tsx'] },
];
// Words pick benchmarks by file name; flags after them (`npm run bench -- fleet --big`) go to the ones picked.
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));

if (
  benches.some((bench) => bench.needsBuild) &&
  !['out/node/host/cli.js', 'out/host-bundle/cli.mjs'].every((file) => existsSync(resolve(root, file)))
) {
  spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}
for (const bench of benches) {
  if (only.length > 0 && !only.some((word) => bench.file.includes(word))) continue;
  if (!existsSync(resolve(root, bench.file))) {
    console.log(`\n--- ${bench.name}: ${bench.file} is not there yet, skipped`);
    continue;
  }
  console.log(`\n--- ${bench.name} (${bench.file})`);
  const [command, ...args] = bench.command;
  spawnSync(command, [...args, bench.file, ...(only.length > 0 ? flags : [])], { cwd: root, stdio: 'inherit' });
}
