import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const BRIDGE_ENTRY = 'trayside-bridge';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'main/index.ts') } },
      // node-hid and usb carry native .node files: load them from node_modules, never bundle.
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot load ES modules or require anything but electron: one CJS file.
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'preload/electron-bridge.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
      externalizeDeps: { exclude: ['zod'] },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'renderer/index.html'),
          // The Node host's WebSocket bridge, built with the panel so both load zod and the contract
          // from one shared chunk; the host injects it as a module script before the panel's own.
          [BRIDGE_ENTRY]: resolve(import.meta.dirname, 'host/page/websocket-bridge.ts'),
        },
        output: {
          // A fixed name: the host finds it without reading a manifest, and revalidates it on each
          // load (it is small); everything it imports is content-hashed and cached for good.
          entryFileNames: (chunk) => (chunk.name === BRIDGE_ENTRY ? `${BRIDGE_ENTRY}.js` : 'assets/[name]-[hash].js'),
        },
      },
    },
  },
});
