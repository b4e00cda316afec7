import type { Unsubscribe } from './define.js';

/** Whether the panel can reach the core right now. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/**
 * Not a call of the core: the bridge's own word on whether the core is reachable. The Electron
 * bridge is always connected; the Node host's WebSocket bridge reports drops and reconnects.
 */
export interface ConnectionApi {
  readonly connection: { onChanged(listener: (state: ConnectionState) => void): Unsubscribe };
}
