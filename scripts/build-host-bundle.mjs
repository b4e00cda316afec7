// Builds the Node host (host/cli.ts and everything it imports, zod and ws included) into one
// minified ESM file, out/host-bundle/cli.mjs, which `npm start` runs. One file instead of ~250
// modules: Node keeps far less per-module bookkeeping and source text, and code nobody calls is
// left out (bench/idle-host.mjs measures the gain against the tsc output in the same run).
// usb and node-hid stay external: they load native addons from their own package folders.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
export const HOST_BUNDLE = resolve(root, 'out/host-bundle/cli.mjs');

/**
 * zod 4 re-exports every message locale (~260 kB of source, a third of the bundle) as `z.locales`,
 * and the classic build installs English itself. Nothing here reads `z.locales`, so the bundle gets
 * an index with English only; the messages the app shows are unchanged.
 */
export const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(builder) {
    builder.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/zod/`) ? { path: 'zod-locales-en', namespace: 'trayside' } : undefined,
    );
    builder.onLoad({ filter: /^zod-locales-en$/, namespace: 'trayside' }, () => ({
      contents: `export { default as en } from ${JSON.stringify(resolve(root, 'node_modules/zod/v4/locales/en.js'))};`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

/** esbuild options shared with bench/idle-host.mjs, which bundles zod alone the same way to weigh it. */
export const NODE_BUNDLE_OPTIONS = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  minify: true,
  // A stack trace in the log still names its source file and line with `node --enable-source-maps`.
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // Native addons, ws's optional native helpers (absent; ws falls back to plain JS), and pino,
  // whose transports start worker threads from files inside its own package.
  external: ['usb', 'node-hid', 'bufferutil', 'utf-8-validate', 'pino', 'pino-roll', 'thread-stream'],
  // ws is CommonJS and calls require('events') etc.; an ESM bundle has no `require` of its own.
  banner: {
    js: "import { createRequire as __trayside_createRequire } from 'node:module'; const require = __trayside_createRequire(import.meta.url);",
  },
  plugins: [englishOnlyZodLocales],
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  mkdirSync(resolve(root, 'out/host-bundle'), { recursive: true });
  await build({ ...NODE_BUNDLE_OPTIONS, entryPoints: [resolve(root, 'host/cli.ts')], outfile: HOST_BUNDLE }).catch(() => {
    // esbuild has already printed each error with its file and line; a stack of its own adds nothing.
    process.exit(1);
  });
}
