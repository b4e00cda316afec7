import { channelName, contract, type Contract, type EventNames, type EventPayload } from '../../common/contract/index.js';
import type { FeatureSpec } from '../../common/contract/define.js';
import { Emitter, type Disposable } from '../../common/lifecycle.js';

/** One event as adapters forward it: the channel and a payload already checked against the contract. */
export interface ContractEvent {
  channel: string;
  payload: unknown;
}

/** Where the core publishes contract events; adapters (IPC, WebSocket) subscribe and forward. */
export class EventHub {
  private readonly emitter = new Emitter<ContractEvent>();

  /** Publishes an event after checking it against its schema; a bad payload is a bug and throws here, in the core. */
  publish<F extends keyof Contract, E extends EventNames<Contract[F]>>(feature: F, name: E, payload: EventPayload<Contract[F][E]>): void {
    const spec = (contract[feature] as FeatureSpec)[name as string];
    if (!spec || spec.kind !== 'event') throw new Error(`${String(feature)}.${String(name)} is not an event of the contract`);
    this.emitter.fire({ channel: channelName(feature, name as string), payload: spec.payload.parse(payload) });
  }

  subscribe(listener: (event: ContractEvent) => void): Disposable {
    return this.emitter.on(listener);
  }

  get listenerCount(): number {
    return this.emitter.size;
  }
}
