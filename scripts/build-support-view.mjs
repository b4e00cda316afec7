// Bundles the support view's browser code (server/support-view/) and its styles, uPlot's included,
// into out/support-view/, which the server serves under /support/assets/. The server runs this by
// itself when the bundle is missing or older than its sources.
import { resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
await build({
  absWorkingDir: root,
  entryPoints: [
    { in: 'server/support-view/main.ts', out: 'support-view' },
    { in: 'server/support-view/support-view.css', out: 'support-view' },
  ],
  outdir: 'out/support-view',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome120', 'firefox120', 'safari16'],
  legalComments: 'linked',
  logLevel: 'warning',
});
