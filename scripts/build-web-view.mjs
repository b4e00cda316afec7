// Bundles one of the backend's web views, by name: its browser code (server/<view>/main.ts) and its
// styles (server/<view>/<view>.css, which import server/view-kit/base.css and, for the support view,
// uPlot's) into out/<view>/, which the server serves under the view's assets path. The server runs
// this by itself when the bundle is missing or older than its sources:
//   node scripts/build-web-view.mjs support-view
//   node scripts/build-web-view.mjs dashboard-view
import { resolve } from 'node:path';
import { build } from 'esbuild';

const VIEWS = ['support-view', 'dashboard-view'];
const view = process.argv[2];
if (!VIEWS.includes(view)) {
  process.stderr.write(
    `build-web-view: name a view to build (${VIEWS.join(' or ')}); got ${view === undefined ? 'nothing' : JSON.stringify(view)}.\n`,
  );
  process.exit(2);
}

const root = resolve(import.meta.dirname, '..');
await build({
  absWorkingDir: root,
  entryPoints: [
    { in: `server/${view}/main.ts`, out: view },
    { in: `server/${view}/${view}.css`, out: view },
  ],
  outdir: `out/${view}`,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome120', 'firefox120', 'safari16'],
  legalComments: 'linked',
  logLevel: 'warning',
});
