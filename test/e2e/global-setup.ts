// Builds the panel and the host bridge when they are missing or older than their sources, so
// `npx playwright test` never runs against a stale build (and costs ~2 s when it must build).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const outputs = ['out/renderer/index.html', 'out/renderer/trayside-bridge.js'];
const sources = ['renderer', 'common', 'preload', 'host/page', 'electron.vite.config.ts'];

function newestMtime(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Playwright's global setup: build when needed. */
// eslint-disable-next-line no-restricted-syntax -- Playwright loads this file's default export.
export default function globalSetup(): void {
  const built = Math.min(...outputs.map((output) => statSync(resolve(root, output), { throwIfNoEntry: false })?.mtimeMs ?? 0));
  const changed = Math.max(...sources.map((source) => newestMtime(resolve(root, source))));
  if (built > changed) return;
  process.stdout.write('e2e: building the panel and the host bridge…\n');
  // The build step of `npm run build` this tier runs (the panel and the bridge are built together);
  // its type check is the typecheck tier's job.
  execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', timeout: 180_000 });
}
