import { Emitter, type Disposable } from '../../common/lifecycle.js';
import type { DeviceSession, DeviceSource, DeviceSourceEvent } from '../transport.js';

/** A DeviceSource of simulated devices that tests and the demo plug in and out at will. */
export class SimulatedSource implements DeviceSource {
  readonly name = 'simulated';
  private readonly attached = new Map<string, DeviceSession>();
  private readonly events = new Emitter<DeviceSourceEvent>();

  constructor(initial: readonly DeviceSession[] = []) {
    for (const session of initial) this.attached.set(session.id, session);
  }

  async list(): Promise<DeviceSession[]> {
    return [...this.attached.values()];
  }

  watch(listener: (event: DeviceSourceEvent) => void): Disposable {
    return this.events.on(listener);
  }

  /** Plugs a device in. */
  attach(session: DeviceSession): void {
    this.attached.set(session.id, session);
    this.events.fire({ type: 'attached', session });
  }

  /** Unplugs a device. */
  detach(id: string): void {
    if (this.attached.delete(id)) this.events.fire({ type: 'detached', id });
  }
}
