// A stand-in for `window.trayside` in the panel's unit tests: generated from the contract, so it
// grows with it, with calls answered by whatever the test provides and events the test emits.
import {
  contract,
  listEndpoints,
  TraysideError,
  type ConnectionState,
  type TraysideApi,
  type TraysideBridge,
} from '../../../common/contract/index.js';

type Implementations = { [F in keyof TraysideApi]?: Partial<TraysideApi[F]> };

/** The fake bridge and the levers a test pulls. */
export interface FakeBridge {
  readonly bridge: TraysideBridge;
  /** Every call made, as "feature.name". */
  readonly calls: string[];
  /** Replaces how calls are answered. */
  answer(implementations: Implementations): void;
  /** Pushes an event; the payload is checked against the contract as the real bridge does. */
  emit(feature: string, name: string, payload: unknown): void;
  setConnection(state: ConnectionState): void;
  /** Live subscriptions, to catch leaks. */
  listenerCount(): number;
}

/** Builds a fake bridge; calls without an answer fail as an unreachable app would. */
export function createFakeBridge(implementations: Implementations = {}): FakeBridge {
  let answers: Implementations = implementations;
  const calls: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  const api: Record<string, Record<string, unknown>> = {};

  for (const { feature, name, spec } of listEndpoints(contract)) {
    const target = (api[feature] ??= {});
    const key = `${feature}.${name}`;
    if (spec.kind === 'call') {
      target[name] = async (input?: unknown) => {
        calls.push(key);
        const implementation = (answers as Record<string, Record<string, ((input?: unknown) => Promise<unknown>) | undefined> | undefined>)[
          feature
        ]?.[name];
        if (!implementation) throw new TraysideError('unavailable', 'Trayside is not reachable right now');
        return implementation(input);
      };
    } else {
      target[name] = (listener: (payload: unknown) => void) => {
        let set = listeners.get(key);
        if (!set) listeners.set(key, (set = new Set()));
        set.add(listener);
        return () => set.delete(listener);
      };
    }
  }
  api.connection = {
    onChanged: (listener: (state: ConnectionState) => void) => {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };

  return {
    bridge: api as unknown as TraysideBridge,
    calls,
    answer(next) {
      answers = next;
    },
    emit(feature, name, payload) {
      const spec = (contract as Record<string, Record<string, { kind: string; payload?: { parse(value: unknown): unknown } }>>)[feature]?.[
        name
      ];
      if (spec?.kind !== 'event' || !spec.payload) throw new Error(`${feature}.${name} is not an event of the contract`);
      const parsed = spec.payload.parse(payload);
      for (const listener of [...(listeners.get(`${feature}.${name}`) ?? [])]) listener(parsed);
    },
    setConnection(state) {
      for (const listener of [...connectionListeners]) listener(state);
    },
    listenerCount: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0) + connectionListeners.size,
  };
}
