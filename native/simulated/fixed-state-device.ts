import type { DeviceReading } from '../../common/device.js';
import type { DeviceSession } from '../transport.js';

/**
 * A device that reports one reading, unchanged, for as long as it is attached: the campaign
 * preview's printer (host/preview-cli.ts), whose supplies must stay exactly at the levels the
 * marketer chose. The SimulatedPrinter drains and has a fixed set of inks; this one has whatever
 * supplies the reading names. Behind the same DeviceSession interface as the real transports.
 */
export class FixedStateDevice implements DeviceSession {
  readonly transport = 'simulated' as const;
  private closed = false;

  constructor(
    readonly id: string,
    private readonly reading: DeviceReading,
  ) {}

  async read(signal: AbortSignal): Promise<DeviceReading> {
    if (this.closed) throw new Error(`${this.id} is closed`);
    signal.throwIfAborted();
    // A copy each time: the monitor may keep what it is given, and the next read must be the same.
    return structuredClone(this.reading);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
