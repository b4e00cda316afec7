import {
  channelName,
  listEndpoints,
  ResultEnvelopeSchema,
  TraysideError,
  type ClientApi,
  type ContractSpec,
  type Unsubscribe,
} from './define.js';
import type { ConnectionApi, ConnectionState } from './connection.js';

export type { ConnectionState } from './connection.js';

/** How a bridge moves calls and events: Electron IPC or the Node host's WebSocket. */
export interface BridgeTransport {
  invoke(channel: string, input: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): Unsubscribe;
  /** Reports whether the core can be reached; the Electron bridge is always connected. */
  onConnectionChanged(listener: (state: ConnectionState) => void): Unsubscribe;
}

/**
 * Builds `window.trayside` from the contract: one function per call, one subscriber per event.
 * Answers are checked against the contract here too, so the panel never renders a shape it did
 * not expect, whichever host it runs in.
 */
export function createClientApi<C extends ContractSpec>(contract: C, transport: BridgeTransport): ClientApi<C> & ConnectionApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const { feature, name, spec } of listEndpoints(contract)) {
    const channel = channelName(feature, name);
    const where = `${feature}.${name}`;
    const target = (api[feature] ??= {});
    if (spec.kind === 'call') {
      target[name] = async (input?: unknown) => {
        const envelope = ResultEnvelopeSchema.safeParse(await transport.invoke(channel, input));
        if (!envelope.success) throw new TraysideError('internal', `${where}: the app sent an answer the panel does not understand`);
        if (!envelope.data.ok) throw new TraysideError(envelope.data.error.code, envelope.data.error.message);
        const output = spec.output.safeParse(envelope.data.value);
        if (!output.success) throw new TraysideError('internal', `${where}: the app sent an answer the panel does not understand`);
        return output.data;
      };
    } else {
      target[name] = (listener: (payload: unknown) => void): Unsubscribe =>
        transport.subscribe(channel, (payload) => {
          const parsed = spec.payload.safeParse(payload);
          if (parsed.success) listener(parsed.data);
        });
    }
  }
  api.connection = { onChanged: (listener: (state: ConnectionState) => void) => transport.onConnectionChanged(listener) };
  return api as unknown as ClientApi<C> & ConnectionApi;
}
