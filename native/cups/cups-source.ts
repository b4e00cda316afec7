import type { DeviceIdentity, DeviceReading } from '../../common/device.js';
import { Emitter, systemTimers, type Disposable, type Timers } from '../../common/lifecycle.js';
import { parseDeviceIdString } from '../decoders/ieee1284.js';
import { ippInteger, ippText, type IppAttributes, type IppValue } from '../decoders/ipp-supplies.js';
import { describeError } from '../device-io.js';
import { IppRequestError, PRINTER_ATTRIBUTES_WANTED, sendIppRequest, type IppRequestOptions } from '../ipp/ipp-client.js';
import { encodeIppMessage, IPP_GROUP, IPP_TAG } from '../ipp/ipp-encoding.js';
import { IppSession, readingFromAttributes, type FetchPrinterAttributes } from '../ipp/ipp-source.js';
import { makerFromMakeAndModel } from '../ipp/vendor-names.js';
import type { DeviceSession, DeviceSource, DeviceSourceEvent } from '../transport.js';

/** CUPS-Get-Printers (CUPS `doc/help/spec-ipp.html`, operation 0x4002): every local queue in one reply. */
export const CUPS_GET_PRINTERS = 0x4002;

/** The queue attributes a listing needs: where to read it and who the printer is. */
const QUEUE_ATTRIBUTES = [
  'printer-name',
  'printer-uri-supported',
  'device-uri',
  'printer-device-id',
  'printer-make-and-model',
  'printer-info',
] as const;

/** What a queue read asks for: Trayside's usual set plus when CUPS last heard levels, and the queue's device. */
export const CUPS_QUEUE_ATTRIBUTES = [...PRINTER_ATTRIBUTES_WANTED, 'marker-change-time', 'device-uri'] as const;

/** One CUPS queue as CUPS-Get-Printers lists it. */
export interface CupsQueue {
  name: string;
  /** Where to send Get-Printer-Attributes: `ipp://localhost:631/printers/<name>`. */
  uri: string;
  deviceUri?: string;
  deviceId?: string;
  makeAndModel?: string;
}

/** How a CupsSource reaches the scheduler. */
export interface CupsSourceOptions {
  /** host:port of the scheduler; default localhost:631 (macOS and Linux both listen there). */
  server?: string;
  timeoutMs?: number;
  timers?: Timers;
  /** Test seam for the queue reads (default: Get-Printer-Attributes over HTTP). */
  fetch?: FetchPrinterAttributes;
}

function first(attributes: IppAttributes, name: string): IppValue | undefined {
  return Object.hasOwn(attributes, name) ? attributes[name]?.[0] : undefined;
}

function text(attributes: IppAttributes, name: string): string | undefined {
  const value = ippText(first(attributes, name))
    // eslint-disable-next-line no-control-regex -- names end up on one line
    ?.replace(/[\u0000-\u001f\u007f]/g, ' ')
    .trim();
  return value ? value.slice(0, 1000) : undefined;
}

/** Encodes CUPS-Get-Printers, asking only for what a listing needs. */
export function encodeCupsGetPrinters(requestId: number): Uint8Array {
  return encodeIppMessage({
    version: [2, 0],
    code: CUPS_GET_PRINTERS,
    requestId,
    groups: [
      {
        tag: IPP_GROUP.operation,
        attributes: [
          { name: 'attributes-charset', tag: IPP_TAG.charset, values: ['utf-8'] },
          { name: 'attributes-natural-language', tag: IPP_TAG.naturalLanguage, values: ['en'] },
          { name: 'requesting-user-name', tag: IPP_TAG.name, values: ['trayside'] },
          { name: 'requested-attributes', tag: IPP_TAG.keyword, values: QUEUE_ATTRIBUTES },
        ],
      },
    ],
  });
}

/**
 * Who a USB queue's printer is, from its device-uri: `usb://Make/Model?serial=…` (CUPS
 * `backend/usb-*.c` percent-encode make and model). Undefined for other schemes.
 */
export function identityFromDeviceUri(
  deviceUri: string | undefined,
): { manufacturer?: string; model?: string; serial?: string } | undefined {
  if (!deviceUri || !/^usb:\/\//i.test(deviceUri)) return undefined;
  const rest = deviceUri.slice('usb://'.length);
  const [path = '', query = ''] = rest.split('?', 2);
  const decode = (part: string | undefined): string | undefined => {
    if (!part) return undefined;
    try {
      return decodeURIComponent(part.replace(/\+/g, ' ')).trim() || undefined;
    } catch {
      return part.trim() || undefined;
    }
  };
  const [make, ...model] = path.split('/');
  const serial = decode(new URLSearchParams(query).get('serial') ?? undefined);
  const result: { manufacturer?: string; model?: string; serial?: string } = {};
  const manufacturer = decode(make);
  const modelText = decode(model.join('/'));
  if (manufacturer) result.manufacturer = manufacturer;
  if (modelText) result.model = modelText;
  if (serial) result.serial = serial;
  return result;
}

/** The make-and-model CUPS gives an IPP Everywhere queue: it names no maker. */
const GENERIC_MAKE_AND_MODEL = /ipp everywhere|^generic\b|^local raw printer/i;

/**
 * Identity of a queue's printer: printer-device-id (the 1284 ID, as the printer or its driver
 * reported it), then the device-uri, then printer-make-and-model through the vendor table unless it
 * is CUPS's generic "… - IPP Everywhere". The queue's uuid is CUPS's, not the printer's: never a serial.
 */
export function cupsIdentity(attributes: IppAttributes, queueName: string): DeviceIdentity {
  const deviceId = text(attributes, 'printer-device-id');
  const ieee = deviceId ? parseDeviceIdString(deviceId) : undefined;
  const fromUri = identityFromDeviceUri(text(attributes, 'device-uri'));
  const makeAndModel = text(attributes, 'printer-make-and-model');
  const usable = makeAndModel && !GENERIC_MAKE_AND_MODEL.test(makeAndModel) ? makeAndModel : undefined;
  const fromMakeAndModel = usable ? makerFromMakeAndModel(usable) : undefined;
  const manufacturer = ieee?.manufacturer ?? fromUri?.manufacturer ?? fromMakeAndModel?.manufacturer ?? 'Unknown maker';
  let model = ieee?.model ?? fromUri?.model ?? fromMakeAndModel?.model ?? text(attributes, 'printer-info') ?? queueName;
  if (model.toLowerCase().startsWith(`${manufacturer.toLowerCase()} `)) model = model.slice(manufacturer.length + 1);
  const identity: DeviceIdentity = {
    manufacturer: manufacturer.slice(0, 200),
    model: model.slice(0, 200),
    commandSet: (ieee?.commandSet ?? []).map((command) => command.slice(0, 64)).slice(0, 64),
  };
  const serial = ieee?.serial ?? fromUri?.serial;
  if (serial) identity.serial = serial.slice(0, 200);
  const firmware = text(attributes, 'printer-firmware-string-version');
  if (firmware) identity.firmware = firmware.slice(0, 200);
  return identity;
}

/**
 * A queue's reading: the IPP decode of its marker-* attributes (CUPS relays no printer-supply),
 * each level stamped with marker-change-time, because CUPS refreshes them only when a job or a
 * driver's report goes through the queue — an old level must never look live.
 */
export function cupsReading(attributes: IppAttributes, uri: string, queueName: string): DeviceReading {
  const reading = readingFromAttributes(attributes, uri);
  reading.identity = cupsIdentity(attributes, queueName);
  const facts = reading.facts ?? {};
  reading.facts = facts;
  facts['CUPS queue'] = queueName.slice(0, 200);
  const changed = ippInteger(first(attributes, 'marker-change-time'));
  if (reading.supplies.length === 0) {
    facts['Levels'] = 'CUPS has no levels for this queue yet: the driver reports them when a job prints';
  } else if (changed !== undefined && changed > 0) {
    // CUPS keeps marker-change-time in seconds since the epoch (printers.conf MarkerChangeTime).
    const asOf = changed * 1000;
    for (const supply of reading.supplies) supply.levelsAsOf = asOf;
    facts['Levels as of'] = new Date(asOf).toISOString();
  } else {
    facts['Levels'] = 'as CUPS last relayed them (it does not say when)';
  }
  return reading;
}

/** The key that says two queues are one printer: its serial, else its 1284 ID, else its device-uri. */
export function printerKey(queue: CupsQueue): string | undefined {
  const ieee = queue.deviceId ? parseDeviceIdString(queue.deviceId) : undefined;
  const serial = ieee?.serial ?? identityFromDeviceUri(queue.deviceUri)?.serial;
  if (serial) return `sn:${serial.toLowerCase()}`;
  if (queue.deviceId) return `id:${queue.deviceId}`;
  return queue.deviceUri ? `uri:${queue.deviceUri}` : undefined;
}

let nextRequestId = 1;

/** client-error-not-found (RFC 8011 §5.4.2.5): what CUPS-Get-Printers answers when there is no queue. */
const IPP_STATUS_NOT_FOUND = 0x0406;

/** Lists the local CUPS queues; rejects with an IppRequestError when no scheduler answers. */
export async function listCupsQueues(server: string, options: IppRequestOptions = {}): Promise<CupsQueue[]> {
  const requestId = nextRequestId;
  nextRequestId = (nextRequestId % 0x7fffffff) + 1;
  let message;
  try {
    message = await sendIppRequest(`ipp://${server}/`, encodeCupsGetPrinters(requestId), 'CUPS-Get-Printers', options);
  } catch (error) {
    // A scheduler with no queues at all answers client-error-not-found: that is an empty list, not a missing CUPS.
    if (error instanceof IppRequestError && error.status === IPP_STATUS_NOT_FOUND) return [];
    throw error;
  }
  const queues: CupsQueue[] = [];
  for (const group of message.groups) {
    if (group.tag !== IPP_GROUP.printer) continue;
    const name = text(group.attributes, 'printer-name');
    if (!name) continue;
    const queue: CupsQueue = { name, uri: `ipp://${server}/printers/${encodeURIComponent(name)}` };
    const deviceUri = text(group.attributes, 'device-uri');
    const deviceId = text(group.attributes, 'printer-device-id');
    const makeAndModel = text(group.attributes, 'printer-make-and-model');
    if (deviceUri) queue.deviceUri = deviceUri;
    if (deviceId) queue.deviceId = deviceId;
    if (makeAndModel) queue.makeAndModel = makeAndModel;
    queues.push(queue);
  }
  return queues;
}

/** One CUPS queue, read through the IPP session with the CUPS interpretation. */
class CupsQueueSession implements DeviceSession {
  readonly transport = 'ipp' as const;
  readonly id: string;
  private readonly ipp: IppSession;

  constructor(
    readonly queue: CupsQueue,
    server: string,
    options: CupsSourceOptions,
  ) {
    this.id = `cups:${server}/${queue.name}`.slice(0, 200);
    this.ipp = new IppSession(queue.uri, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.timers ? { timers: options.timers } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      requestedAttributes: CUPS_QUEUE_ATTRIBUTES,
      interpret: (attributes, uri) => cupsReading(attributes, uri, queue.name),
    });
  }

  read(signal: AbortSignal): Promise<DeviceReading> {
    return this.ipp.read(signal).catch((error: unknown) => {
      throw new Error(`${this.id}: ${describeError(error)}`);
    });
  }

  close(): Promise<void> {
    return this.ipp.close();
  }
}

/**
 * How often the queue list is compared while watched: CUPS queues come and go with lpadmin or a
 * plug-in, and an owner expects a printer in the tray within a few seconds (the transport
 * contract's 3 s). One CUPS-Get-Printers on localhost costs a few milliseconds.
 */
const RESCAN_MS = 2_000;
/**
 * While no scheduler answers (none installed, or stopped) the wait doubles up to this, so a machine
 * without CUPS is not woken every 2 s for nothing (the idle benchmark's wake-ups); a scheduler
 * started later is still found within a minute, and its first answer brings back the 2 s rescan.
 */
const RESCAN_UNANSWERED_MAX_MS = 60_000;

/**
 * The local CUPS scheduler's queues (macOS always; Linux where CUPS holds the printer). Two queues
 * for one printer (same serial or 1284 ID) are shown once: the first listed.
 */
export class CupsSource implements DeviceSource {
  readonly name = 'cups';
  readonly server: string;
  private readonly sessions = new Map<string, CupsQueueSession>();
  private readonly events = new Emitter<DeviceSourceEvent>();
  private readonly timers: Timers;
  private rescan: Disposable | undefined;
  private rescanDelayMs = RESCAN_MS;
  private problemText: string | undefined;
  private lastQueues: CupsQueue[] = [];

  constructor(private readonly options: CupsSourceOptions = {}) {
    this.server = options.server ?? 'localhost:631';
    this.timers = options.timers ?? systemTimers;
  }

  /** Why the list is empty when CUPS did not answer. */
  get problem(): string | undefined {
    return this.problemText;
  }

  /** The queues at the last list(), for deduplicating other sources against what CUPS holds. */
  get queues(): readonly CupsQueue[] {
    return this.lastQueues;
  }

  async list(): Promise<DeviceSession[]> {
    const queues = await this.fetchQueues();
    return queues ? this.sync(queues, false) : [];
  }

  watch(listener: (event: DeviceSourceEvent) => void): Disposable {
    const subscription = this.events.on(listener);
    if (!this.rescan) this.schedule();
    return {
      dispose: () => {
        subscription.dispose();
        if (this.events.size === 0) {
          this.rescan?.dispose();
          this.rescan = undefined;
        }
      },
    };
  }

  private schedule(): void {
    this.rescan = this.timers.setTimeout(() => {
      void this.fetchQueues().then((queues) => {
        if (!this.rescan) return;
        if (queues) this.sync(queues, true);
        this.rescanDelayMs = queues ? RESCAN_MS : Math.min(RESCAN_UNANSWERED_MAX_MS, this.rescanDelayMs * 2);
        this.schedule();
      });
    }, this.rescanDelayMs);
  }

  private async fetchQueues(): Promise<CupsQueue[] | undefined> {
    try {
      const queues = await listCupsQueues(this.server, {
        ...(this.options.timers ? { timers: this.options.timers } : {}),
        timeoutMs: this.options.timeoutMs ?? 3000,
      });
      this.problemText = undefined;
      return queues;
    } catch (error) {
      this.problemText = `no CUPS scheduler answered on ${this.server} (${describeError(error)})`;
      return undefined;
    }
  }

  private sync(all: CupsQueue[], notify: boolean): DeviceSession[] {
    const seen = new Set<string>();
    const queues = all.filter((queue) => {
      const key = printerKey(queue);
      if (key === undefined) return true;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    this.lastQueues = queues;
    const wanted = new Map(queues.map((queue) => [`cups:${this.server}/${queue.name}`.slice(0, 200), queue]));
    for (const [id, session] of this.sessions) {
      if (wanted.has(id)) continue;
      this.sessions.delete(id);
      void session.close();
      if (notify) this.events.fire({ type: 'detached', id });
    }
    for (const [id, queue] of wanted) {
      if (this.sessions.has(id)) continue;
      const session = new CupsQueueSession(queue, this.server, this.options);
      this.sessions.set(id, session);
      if (notify) this.events.fire({ type: 'attached', session });
    }
    return [...this.sessions.values()];
  }
}
