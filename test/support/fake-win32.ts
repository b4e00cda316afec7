import type { Timers } from '../../common/lifecycle.js';
import { encodeDeviceIdPayload } from '../../native/decoders/ieee1284.js';
import { encodePjlStatusReply } from '../../native/decoders/pjl.js';
import {
  GUID_DEVINTERFACE_USBPRINT,
  IOCTL_USBPRINT_GET_1284_ID,
  IOCTL_USBPRINT_GET_LPT_STATUS,
  IOCTL_USBPRINT_GET_PROTOCOL,
  Win32Error,
  Win32TimeoutError,
  type OtherPrinterFunction,
  type Win32Handle,
  type Win32Printers,
} from '../../native/windows/win32-printers.js';

/** One printer behind usbprint.sys, as the fake Win32 layer serves it. */
export class FakeUsbPrintPrinter {
  /** What usbprint answers to GET_PROTOCOL (2 bidi, 4 IPP over USB); 'fail' = older Windows without the IOCTL. */
  protocol: number | 'fail' = 2;
  deviceId: string;
  portStatus = 0x18;
  /** CreateFileW fails with this Win32 error (32 sharing violation while a job prints). */
  openError: number | undefined;
  /** Every request waits until the layer's own time limit, then fails as a cancelled overlapped call would. */
  hanging = false;
  /** Bytes the host wrote on the bulk channel. */
  written: Uint8Array[] = [];
  /** What the next ReadFile calls return. */
  replies: Uint8Array[] = [];
  inFlight = 0;
  maxInFlight = 0;
  opens = 0;
  closes = 0;

  constructor(
    readonly path: string,
    options: { deviceId?: string } = {},
  ) {
    this.deviceId = options.deviceId ?? 'MFG:ACME;MDL:Laser 1;CMD:PJL,PCL;SN:X1;';
  }
}

/** A usbprint interface path the way CM_Get_Device_Interface_List gives it. */
export function usbPrintPath(vendorId: number, productId: number, instance: string): string {
  const hex = (value: number): string => value.toString(16).padStart(4, '0');
  return `\\\\?\\USB#VID_${hex(vendorId)}&PID_${hex(productId)}#${instance}#${GUID_DEVINTERFACE_USBPRINT}`;
}

interface FakeHandle extends Win32Handle {
  printer: FakeUsbPrintPrinter;
  open: boolean;
}

/**
 * The Win32 seam with scripted printers. Calls honour their timeoutMs the way the real layer
 * does (wait, CancelIoEx, ERROR_OPERATION_ABORTED), on the timers the test moves.
 */
export class FakeWin32Printers implements Win32Printers {
  printers: FakeUsbPrintPrinter[] = [];
  others: OtherPrinterFunction[] = [];
  enumerationError: Win32Error | undefined;
  /** PJL replies for the status request: a READY reply unless a test queues its own. */
  autoPjlReply = true;

  constructor(private readonly timers: Timers) {}

  async listInterfaces(): Promise<string[]> {
    if (this.enumerationError) throw this.enumerationError;
    return this.printers.map((printer) => printer.path);
  }

  async listOtherPrinterFunctions(): Promise<OtherPrinterFunction[]> {
    return this.others;
  }

  async open(path: string): Promise<Win32Handle> {
    const printer = this.printers.find((candidate) => candidate.path === path);
    if (!printer) throw new Win32Error('CreateFileW', 2, 'ERROR_FILE_NOT_FOUND');
    if (printer.openError !== undefined) throw new Win32Error('CreateFileW', printer.openError);
    printer.opens += 1;
    const handle: FakeHandle = { path, printer, open: true };
    return handle;
  }

  ioctl(handle: Win32Handle, code: number, outSize: number, timeoutMs: number): Promise<Uint8Array> {
    return this.request(handle, timeoutMs, (printer) => {
      if (code === IOCTL_USBPRINT_GET_PROTOCOL) {
        if (printer.protocol === 'fail') throw new Win32Error('DeviceIoControl', 1, 'ERROR_INVALID_FUNCTION');
        const bytes = new Uint8Array(4);
        new DataView(bytes.buffer).setUint32(0, printer.protocol, true);
        return bytes;
      }
      if (code === IOCTL_USBPRINT_GET_1284_ID) return encodeDeviceIdPayload(printer.deviceId).slice(0, outSize);
      if (code === IOCTL_USBPRINT_GET_LPT_STATUS) return Uint8Array.of(printer.portStatus);
      throw new Win32Error('DeviceIoControl', 1, 'ERROR_INVALID_FUNCTION');
    });
  }

  write(handle: Win32Handle, bytes: Uint8Array, timeoutMs: number): Promise<number> {
    return this.request(handle, timeoutMs, (printer) => {
      printer.written.push(bytes.slice());
      if (this.autoPjlReply && printer.replies.length === 0)
        printer.replies.push(encodePjlStatusReply({ code: 10001, display: 'READY', online: true }));
      return bytes.length;
    });
  }

  read(handle: Win32Handle, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
    return this.request(handle, timeoutMs, (printer) => {
      const next = printer.replies.shift() ?? new Uint8Array();
      if (next.length > maxBytes) {
        printer.replies.unshift(next.slice(maxBytes));
        return next.slice(0, maxBytes);
      }
      return next;
    });
  }

  async close(handle: Win32Handle): Promise<void> {
    const fake = handle as FakeHandle;
    if (fake.open) fake.printer.closes += 1;
    fake.open = false;
  }

  private request<T>(handle: Win32Handle, timeoutMs: number, answer: (printer: FakeUsbPrintPrinter) => T): Promise<T> {
    const fake = handle as FakeHandle;
    if (!fake.open) return Promise.reject(new Win32Error('DeviceIoControl', 6, 'ERROR_INVALID_HANDLE'));
    const printer = fake.printer;
    printer.inFlight += 1;
    printer.maxInFlight = Math.max(printer.maxInFlight, printer.inFlight);
    const done = (): void => {
      printer.inFlight -= 1;
    };
    if (printer.hanging) {
      return new Promise<T>((_resolve, reject) => {
        this.timers.setTimeout(() => {
          done();
          reject(new Win32TimeoutError(`no answer within ${timeoutMs} ms; cancelled (ERROR_OPERATION_ABORTED)`));
        }, timeoutMs);
      });
    }
    return Promise.resolve()
      .then(() => answer(printer))
      .finally(done);
  }
}
