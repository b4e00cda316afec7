import type { TraysideBridge } from '../../common/contract/index.js';

declare global {
  interface Window {
    /** The app, as the bridge (Electron preload or the Node host's WebSocket) exposes it. */
    readonly trayside: TraysideBridge;
  }
}
