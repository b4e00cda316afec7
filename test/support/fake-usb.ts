import type {
  UsbApi,
  UsbConfigurationLike,
  UsbConnectionEventLike,
  UsbControlSetup,
  UsbDeviceLike,
  UsbInResult,
} from '../../native/usb/usb-bus.js';

/** What a scripted transfer does: answer bytes, stall, fail, or never answer. */
export type Scripted = Uint8Array | 'stall' | Error | 'hang';

/** Bytes as the DataView WebUSB transfers resolve with. */
export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** An IEEE 1284 Device ID reply: 2-byte big-endian length (counting itself), then the text. */
export function deviceIdReply(text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  const length = body.length + 2;
  return Uint8Array.from([length >> 8, length & 0xff, ...body]);
}

/**
 * A USB printer (class 7/1/2, bulk in 1 / out 2) behind usb 3.1's WebUSB surface, with scripted
 * replies and a record of every call, including how many ran at once.
 */
export class FakeUsbPrinter implements UsbDeviceLike {
  readonly vendorId: number;
  readonly productId = 0x7701;
  readonly manufacturerName = 'ACME';
  readonly productName = 'USB Laser';
  readonly serialNumber: string | null;
  readonly handle: string;
  readonly bus = '1';
  readonly ports = [1];
  readonly address = 2;
  readonly deviceVersionMajor = 1;
  readonly deviceVersionMinor = 2;
  opened = false;
  readonly configuration: UsbConfigurationLike;
  readonly configurations: UsbConfigurationLike[];
  /** The kernel driver on interface 0 ('usblp' like a Linux desktop), or undefined. */
  kernelDriver: string | undefined;
  claimed = false;
  readonly calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  deviceId: Scripted[] = [];
  portStatus: Scripted[] = [];
  pjlReplies: Scripted[] = [];
  readonly sentOut: Uint8Array[] = [];

  constructor(options: { vendorId?: number; serial?: string | null; handle?: string; protocol?: number; kernelDriver?: string } = {}) {
    this.vendorId = options.vendorId ?? 0x04b8;
    this.serialNumber = options.serial === undefined ? 'X1' : options.serial;
    this.handle = options.handle ?? 'dev-1-2';
    this.kernelDriver = options.kernelDriver;
    const alternate = {
      alternateSetting: 0,
      interfaceClass: 7,
      interfaceSubclass: 1,
      interfaceProtocol: options.protocol ?? 2,
      endpoints: [
        { endpointNumber: 1, direction: 'in' as const, type: 'bulk', packetSize: 64 },
        { endpointNumber: 2, direction: 'out' as const, type: 'bulk', packetSize: 64 },
      ],
    };
    this.configuration = { configurationValue: 1, interfaces: [{ interfaceNumber: 0, alternate, alternates: [alternate] }] };
    this.configurations = [this.configuration];
  }

  private async run(name: string, script: Scripted | undefined): Promise<UsbInResult> {
    this.calls.push(name);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await Promise.resolve();
      if (script === undefined) throw new Error(`${name}: nothing scripted`);
      if (script === 'hang') return await new Promise<never>(() => undefined);
      if (script === 'stall') return { status: 'stall' };
      if (script instanceof Error) throw script;
      return { data: view(script), status: 'ok' };
    } finally {
      this.inFlight -= 1;
    }
  }

  async open(): Promise<void> {
    this.calls.push('open');
    this.opened = true;
  }
  async close(): Promise<void> {
    this.calls.push('close');
    this.opened = false;
  }
  async claimInterface(n: number): Promise<void> {
    this.calls.push(`claim ${n}`);
    if (this.kernelDriver) throw new Error('claimInterface error: interface is busy (errno 16)');
    this.claimed = true;
  }
  async releaseInterface(n: number): Promise<void> {
    this.calls.push(`release ${n}`);
    this.claimed = false;
  }
  async selectAlternateInterface(n: number, alt: number): Promise<void> {
    this.calls.push(`alt ${n} ${alt}`);
  }
  async detachKernelDriver(n: number): Promise<void> {
    this.calls.push(`detach ${n}`);
    this.kernelDriver = undefined;
  }
  async attachKernelDriver(n: number): Promise<void> {
    this.calls.push(`attach ${n}`);
    this.kernelDriver = 'usblp';
  }
  controlTransferIn(setup: UsbControlSetup, length: number): Promise<UsbInResult> {
    const name = `control ${setup.requestType}/${setup.recipient} req=${setup.request} value=${setup.value} index=${setup.index} len=${length}`;
    if (setup.request === 0) return this.run(name, this.deviceId.shift());
    if (setup.request === 1) return this.run(name, this.portStatus.shift());
    return this.run(name, new Error('unexpected request'));
  }
  async transferOut(endpoint: number, data: Uint8Array): Promise<{ bytesWritten: number; status: string }> {
    this.calls.push(`out ${endpoint}`);
    this.sentOut.push(data);
    return { bytesWritten: data.length, status: 'ok' };
  }
  transferIn(endpoint: number, length: number): Promise<UsbInResult> {
    return this.run(`in ${endpoint} len=${length}`, this.pjlReplies.shift());
  }
}

/** The bus: scripted device list or a "no bus" failure, and hot-plug events on demand. */
export class FakeUsbApi implements UsbApi {
  devices: UsbDeviceLike[] = [];
  /** When set, getDevices() rejects like usb 3.1 without /sys/bus/usb. */
  noBus = false;
  readonly listeners = new Map<string, Set<(event: UsbConnectionEventLike) => void>>();

  async getDevices(): Promise<UsbDeviceLike[]> {
    if (this.noBus) throw new Error('getDevices error: /sys/bus/usb/devices/ not found (errno 2)');
    return [...this.devices];
  }
  addEventListener(type: 'connect' | 'disconnect', listener: (event: UsbConnectionEventLike) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(listener);
  }
  removeEventListener(type: 'connect' | 'disconnect', listener: (event: UsbConnectionEventLike) => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  get listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }
  plug(device: UsbDeviceLike): void {
    this.devices.push(device);
    for (const listener of this.listeners.get('connect') ?? []) listener({ device });
  }
  unplug(device: UsbDeviceLike): void {
    this.devices = this.devices.filter((d) => d !== device);
    for (const listener of this.listeners.get('disconnect') ?? []) listener({ device });
  }
}
