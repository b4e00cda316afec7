// The FFI seam of the Windows usbprint.sys reader: the few Win32 calls it makes, as an interface.
// koffi-win32.ts implements it against kernel32/cfgmgr32; tests drive the reader with a fake.

/**
 * usbprint.sys control codes: CTL_CODE(FILE_DEVICE_UNKNOWN = 0x22, USBPRINT_IOCTL_INDEX + n,
 * METHOD_BUFFERED, FILE_ANY_ACCESS), n = 12, 13, 17 — the values in usbprint.h and
 * microsoft/win32metadata (0x220038 is VENDOR_SET_COMMAND, which public samples often mistake
 * for GET_1284_ID).
 */
export const IOCTL_USBPRINT_GET_LPT_STATUS = 0x220030;
export const IOCTL_USBPRINT_GET_1284_ID = 0x220034;
export const IOCTL_USBPRINT_GET_PROTOCOL = 0x220044;

/** What IOCTL_USBPRINT_GET_PROTOCOL answers (usbprint.h): a DWORD, 2 bidirectional, 4 IPP over USB. */
export const USB_PRINTER_PROTOCOL_BIDI = 2;
export const USB_PRINTER_PROTOCOL_IPPOVERUSB = 4;

/** GUID_DEVINTERFACE_USBPRINT (usbprint.h). */
export const GUID_DEVINTERFACE_USBPRINT = '{28d78fad-5a12-11d1-ae5b-0000f803a8c2}';

/** Win32 error codes the reader tells apart (winerror.h). */
export const WIN32_ERROR = {
  fileNotFound: 2,
  pathNotFound: 3,
  accessDenied: 5,
  invalidHandle: 6,
  genFailure: 31,
  sharingViolation: 32,
  notSupported: 50,
  invalidParameter: 87,
  semTimeout: 121,
  insufficientBuffer: 122,
  busy: 170,
  deviceNotConnected: 1167,
  operationAborted: 995,
  ioPending: 997,
} as const;

/** A Win32 call that failed, with the GetLastError code koffi preserved for it. */
export class Win32Error extends Error {
  override readonly name = 'Win32Error';
  constructor(
    readonly call: string,
    readonly code: number,
    detail?: string,
  ) {
    super(`${call} failed with Win32 error ${code}${detail ? ` (${detail})` : ''}`);
  }
}

/** Overlapped I/O that did not complete in time; the implementation has cancelled it with CancelIoEx. */
export class Win32TimeoutError extends Error {
  override readonly name = 'Win32TimeoutError';
}

/** An open usbprint interface; opaque to the reader. */
export interface Win32Handle {
  readonly path: string;
}

/** A USB printer function bound to another class driver (Dot4, a vendor driver): no usbprint interface. */
export interface OtherPrinterFunction {
  /** Device instance id, e.g. `USB\VID_03F0&PID_5417&MI_02\7&…`. */
  instanceId: string;
  /** The driver service that holds it, e.g. `Dot4Usb`; undefined when Windows has bound none. */
  service?: string;
  /** Windows' description of the device, e.g. "HP OfficeJet 8010 series (DOT4USB)". */
  description?: string;
}

/**
 * The Win32 calls the reader needs. Every call resolves or rejects (Win32Error,
 * Win32TimeoutError) within its time limit: the real one runs overlapped I/O, waits with a
 * timeout and cancels with CancelIoEx, so nothing blocks the main process.
 */
export interface Win32Printers {
  /** Paths of the present GUID_DEVINTERFACE_USBPRINT interfaces (CM_Get_Device_Interface_List). */
  listInterfaces(): Promise<string[]>;
  /** USB printer-class functions that have no usbprint interface (bound to Dot4 or a vendor driver). */
  listOtherPrinterFunctions(): Promise<OtherPrinterFunction[]>;
  /** CreateFileW(GENERIC_READ|GENERIC_WRITE, FILE_SHARE_READ|FILE_SHARE_WRITE, OPEN_EXISTING, FILE_FLAG_OVERLAPPED). */
  open(path: string): Promise<Win32Handle>;
  /** DeviceIoControl without input; resolves with the bytes the driver returned (at most outSize). */
  ioctl(handle: Win32Handle, code: number, outSize: number, timeoutMs: number): Promise<Uint8Array>;
  /** WriteFile; resolves with the bytes written. */
  write(handle: Win32Handle, bytes: Uint8Array, timeoutMs: number): Promise<number>;
  /** ReadFile; resolves with what arrived (often nothing: usbprint returns 0 bytes when the printer has nothing to say). */
  read(handle: Win32Handle, maxBytes: number, timeoutMs: number): Promise<Uint8Array>;
  close(handle: Win32Handle): Promise<void>;
}

/** Where a usbprint interface path says the printer is: `\\?\usb#vid_04b8&pid_0005#<instance>#{guid}`. */
export interface InterfacePathParts {
  vendorId?: number;
  productId?: number;
  /** The USB serial when Windows used it as the instance id (no `&` in it), else undefined. */
  serial?: string;
  /** The instance part, stable for one port when the device has no serial. */
  instance?: string;
}

export function parseInterfacePath(path: string): InterfacePathParts {
  const parts: InterfacePathParts = {};
  const ids = /vid_([0-9a-f]{4})&pid_([0-9a-f]{4})/i.exec(path);
  if (ids) {
    parts.vendorId = Number.parseInt(ids[1]!, 16);
    parts.productId = Number.parseInt(ids[2]!, 16);
  }
  const segments = path.split('#');
  const instance = segments.length >= 4 ? segments[2] : undefined;
  if (instance) {
    parts.instance = instance;
    // Windows makes up an instance id with '&' in it (6&2d4b1c2&0&1) for a device without a serial.
    if (!instance.includes('&')) parts.serial = instance;
  }
  return parts;
}
