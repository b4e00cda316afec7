// Lint config. The import rules below are the process boundaries of ../shared/DESIGN.md:
// a file's folder says which process it runs in, and these rules keep its imports honest.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)].filter(
  (name) => !name.startsWith('_'),
);

const noNode = { group: nodeBuiltins, message: 'This folder runs without Node: no node:* imports here.' };
const noElectron = {
  group: ['electron', 'electron/*', 'electron-store'],
  message: 'Only main/shell/ (and preload/electron-bridge.ts) may import electron.',
};
const noShell = { group: ['**/main/shell/**', '**/shell/**'], message: 'The core, host and devices never import the Electron shell.' };
const noReact = { group: ['react', 'react-dom', 'react/*', 'react-dom/*', 'zustand', 'zustand/*'], message: 'React and zustand belong in renderer/.' };
const noBackend = { group: ['**/server/**'], message: 'Only the backend imports server/.' };
const noRawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Raw ipcMain/ipcRenderer only in the contract adapters (main/shell/ipc-adapter.ts, preload/electron-bridge.ts).',
};

/** One restriction rule per folder; later entries override earlier ones for the same files. */
function restrict(files, patterns, paths = []) {
  return {
    files,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns, paths }] },
  };
}

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**', '.hil-out/**', '.cache/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='only'][callee.object.name=/^(it|test|describe)$/]", message: 'A focused test hides the rest: remove .only.' },
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (STYLE.md).' },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'preload/websocket-bridge.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  { files: ['renderer/**/*.tsx'], plugins: { 'react-hooks': reactHooks }, rules: reactHooks.configs.recommended.rules },
  // Config files need default exports for their tools.
  { files: ['*.config.{ts,js,mjs}', 'electron.vite.config.ts'], rules: { 'no-restricted-syntax': 'off' } },

  // --- process boundaries ---
  restrict(['common/**'], [noNode, noElectron, noReact, noBackend, { group: ['**/main/**', '**/native/**', '**/renderer/**', '**/preload/**'], message: 'common/ is the contract: it imports nothing but zod and itself.' }]),
  restrict(['native/**'], [noElectron, noReact, noBackend, { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'native/ (devices) imports only common/.' }]),
  // Decoders are pure functions over bytes and strings (STYLE.md "Logic apart from effects"); their tests may use node.
  { ...restrict(['native/decoders/**'], [noNode, noElectron, noReact, noBackend, { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'native/ (devices) imports only common/.' }]), ignores: ['native/decoders/**/*.test.ts'] },
  restrict(['main/core/**', 'main/host/**'], [noElectron, noReact, noBackend, noShell, { group: ['**/renderer/**'], message: 'The core does not import the panel.' }]),
  restrict(['main/shell/**'], [noReact, noBackend, { group: ['**/renderer/**'], message: 'The shell does not import the panel.' }], [noRawIpc]),
  {
    files: ['main/shell/ipc-adapter.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noReact, noBackend] }] },
  },
  restrict(['renderer/**'], [noNode, noElectron, noBackend, { group: ['**/main/**', '**/native/**', '**/preload/**'], message: 'The panel reaches the app only through window.trayside.' }]),
  restrict(['preload/**'], [noNode, noElectron, noReact, noBackend, { group: ['**/main/**', '**/native/**', '**/renderer/**'], message: 'The bridge imports only common/.' }]),
  restrict(['preload/electron-bridge.ts'], [noNode, noReact, noBackend, { group: ['**/main/**', '**/native/**', '**/renderer/**'], message: 'The bridge imports only common/.' }]),
  restrict(['server/**'], [noElectron, noReact, noShell, { group: ['**/main/**', '**/native/**', '**/renderer/**', '**/preload/**'], message: 'The backend shares only common/ with the app.' }]),
);
