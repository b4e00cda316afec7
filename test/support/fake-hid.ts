import type { HidApi, HidDeviceInfo, HidHandle } from '../../native/hid/hid-api.js';

/**
 * The report descriptor of test/hardware/fixtures/uhid_ups.py: a Power Device UPS with
 * RemainingCapacity as input (report 1) and feature (report 2), RunTimeToEmpty u16 seconds
 * (feature 3), Charging/Discharging/ACPresent bits (feature 5) and an AudibleAlarmControl output (4).
 */
export const UPS_DESCRIPTOR = Uint8Array.from([
  0x05,
  0x84,
  0x09,
  0x04,
  0xa1,
  0x01, // Usage Page (Power Device), Usage (UPS), Collection (Application)
  0x09,
  0x24,
  0xa1,
  0x02, //               Usage (PowerSummary), Collection (Logical)
  0x05,
  0x85,
  0x85,
  0x01,
  0x09,
  0x66, //   Usage Page (Battery System), Report ID 1, Usage (RemainingCapacity)
  0x15,
  0x00,
  0x25,
  0x64,
  0x75,
  0x08,
  0x95,
  0x01,
  0x81,
  0x02, // 0..100, 8 bits × 1, Input
  0x85,
  0x02,
  0x09,
  0x66,
  0xb1,
  0x02, //   Report ID 2, Usage (RemainingCapacity), Feature
  0x85,
  0x03,
  0x09,
  0x68,
  0x66,
  0x01,
  0x10, // Report ID 3, Usage (RunTimeToEmpty), Unit (seconds)
  0x27,
  0xff,
  0xff,
  0x00,
  0x00,
  0x75,
  0x10,
  0xb1,
  0x02, // Logical Max 65535, 16 bits, Feature
  0x65,
  0x00,
  0x05,
  0x84,
  0x09,
  0x02,
  0xa1,
  0x02, // Unit (none), Usage (PresentStatus), Collection
  0x85,
  0x05,
  0x05,
  0x85,
  0x09,
  0x44,
  0x09,
  0x45,
  0x09,
  0xd0, // Report ID 5: Charging, Discharging, ACPresent
  0x25,
  0x01,
  0x75,
  0x01,
  0x95,
  0x03,
  0xb1,
  0x02, // 1 bit × 3, Feature
  0x75,
  0x05,
  0x95,
  0x01,
  0xb1,
  0x03,
  0xc0, //     5 bits padding (Const), End Collection
  0xc0, //                                          End Collection (PowerSummary)
  0x05,
  0x84,
  0x85,
  0x04,
  0x09,
  0x5a,
  0x15,
  0x01,
  0x25,
  0x03,
  0x75,
  0x08,
  0x95,
  0x01,
  0x91,
  0x02, // Output report 4
  0xc0,
]);

/** What a scripted feature request does: answer bytes, fail, or never answer. */
export type HidScripted = number[] | Error | 'hang';

/** An open fake device: feature replies by report id, input reports pushed by the test. */
export class FakeHidHandle implements HidHandle {
  readonly requests: string[] = [];
  closed = false;
  inFlight = 0;
  maxInFlight = 0;
  private dataListeners: ((data: Uint8Array) => void)[] = [];

  constructor(readonly features: Map<number, HidScripted[]>) {}

  async getFeatureReport(reportId: number, length: number): Promise<number[]> {
    this.requests.push(`feature ${reportId} len=${length}`);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await Promise.resolve();
      const queue = this.features.get(reportId) ?? [];
      const script = queue.length > 1 ? queue.shift() : queue[0];
      if (script === undefined) throw new Error(`could not get feature report ${reportId}`);
      if (script === 'hang') return await new Promise<never>(() => undefined);
      if (script instanceof Error) throw script;
      return script;
    } finally {
      this.inFlight -= 1;
    }
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  on(event: 'data' | 'error', listener: ((data: Uint8Array) => void) & ((error: unknown) => void)): unknown {
    if (event === 'data') this.dataListeners.push(listener);
    return this;
  }
  removeAllListeners(): unknown {
    this.dataListeners = [];
    return this;
  }
  /** The device sends an input report on its interrupt-in endpoint. */
  input(bytes: number[]): void {
    for (const listener of this.dataListeners) listener(Uint8Array.from(bytes));
  }
}

/** node-hid's enumerate/open over scripted devices. */
export class FakeHidApi implements HidApi {
  infos: HidDeviceInfo[] = [];
  readonly handles = new Map<string, FakeHidHandle>();
  opens = 0;

  async devices(): Promise<HidDeviceInfo[]> {
    return [...this.infos];
  }
  async open(path: string): Promise<HidHandle> {
    const handle = this.handles.get(path);
    if (!handle) throw new Error(`cannot open ${path}`);
    this.opens += 1;
    return handle;
  }
}

/** The uhid UPS as node-hid lists it on Linux. */
export function upsInfo(path = '/dev/hidraw0'): HidDeviceInfo {
  return {
    vendorId: 0x1209,
    productId: 0x7702,
    path,
    serialNumber: 'HILUPS01',
    manufacturer: '',
    product: 'Trayside HIL UPS',
    release: 0x0100,
    interface: -1,
    usagePage: 0x84,
    usage: 0x04,
  };
}
