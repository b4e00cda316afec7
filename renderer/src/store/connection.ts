import type { ConnectionState } from '../../../common/contract/index.js';
import type { SliceDefinition } from './store.js';

/** Whether the panel can reach the app's core right now. */
export interface ConnectionSlice {
  connection: ConnectionState;
  /** True once the core was reached; afterwards a drop reads "can't reach" rather than "starting". */
  everConnected: boolean;
  setConnection(state: ConnectionState): void;
}

/** The connection slice: fed by `followApp` from the bridge's own connection events. */
export const connectionSlice: SliceDefinition<ConnectionSlice> = {
  create: (set) => ({
    connection: 'connecting',
    everConnected: false,
    setConnection: (connection) => set((state) => ({ connection, everConnected: state.everConnected || connection === 'connected' })),
  }),
};
