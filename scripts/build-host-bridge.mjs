// Builds the Node host's WebSocket bridge as one classic script (an IIFE), so the host can load
// it before the panel's module code and `window.trayside` exists when the panel starts.
import { resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: resolve(root, 'out/host-bridge'),
    emptyOutDir: true,
    minify: true,
    lib: {
      entry: resolve(root, 'host/page/websocket-bridge.ts'),
      formats: ['iife'],
      name: 'TraysideBridge',
      fileName: () => 'trayside-bridge.js',
    },
  },
});
