import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

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
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});
