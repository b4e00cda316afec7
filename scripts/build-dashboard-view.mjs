// Bundles the campaign dashboard's browser code (server/dashboard-view/) and its styles into
// out/dashboard-view/, which the server serves under /dashboard/assets/. The server runs this by
// itself when the bundle is missing or older than its sources.
import { resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
await build({
  absWorkingDir: root,
  entryPoints: [
    { in: 'server/dashboard-view/main.ts', out: 'dashboard-view' },
    { in: 'server/dashboard-view/dashboard-view.css', out: 'dashboard-view' },
  ],
  outdir: 'out/dashboard-view',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome120', 'firefox120', 'safari16'],
  legalComments: 'linked',
  logLevel: 'warning',
});
