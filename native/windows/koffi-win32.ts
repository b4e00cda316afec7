// The real Win32 layer of the usbprint reader, through koffi.
//
// Why koffi and not an N-API addon of our own: an addon must be compiled, and the owner's machine
// has no compiler; koffi ships a prebuilt koffi.node per platform as optional dependencies
// (@koromix/koffi-win32-x64, -arm64, …), so `npm ci` and the packaged app need no build step. It
// is Node-API, so the same binary loads in Electron's main process with no ABI rebuild (unlike a
// NAN addon), it keeps GetLastError intact between the call and our read of it, and its `.async`
// calls run on worker threads, which is how we wait for overlapped I/O without blocking the main
// process. Its install script would compile from source when a prebuilt is missing: package.json
// denies it in allowScripts, so a missing prebuilt shows up as "koffi could not load" here, never
// as a compiler run on the owner's machine.
//
// koffi is imported only on win32 and only inside native/windows/, by a dynamic import, so no
// other platform (or test) loads it.
import { asError, describeError } from '../device-io.js';
import {
  GUID_DEVINTERFACE_USBPRINT,
  WIN32_ERROR,
  Win32Error,
  Win32TimeoutError,
  type OtherPrinterFunction,
  type Win32Handle,
  type Win32Printers,
} from './win32-printers.js';

/** The bit of koffi's API used here; its own typings say `any`, this keeps `any` out of our code. */
interface KoffiFunction {
  (...args: unknown[]): unknown;
  async(...args: unknown[]): void;
}
interface KoffiLibrary {
  func(definition: string): KoffiFunction;
}
interface Koffi {
  load(path: string): KoffiLibrary;
  struct(name: string, members: Record<string, unknown>): unknown;
  array(type: string, length: number): unknown;
  alloc(type: unknown, length: number): unknown;
  free(pointer: unknown): void;
  encode(pointer: unknown, type: unknown, value: unknown): void;
  decode(pointer: unknown, type: unknown, length?: number): unknown;
}

const GENERIC_READ = 0x80000000;
const GENERIC_WRITE = 0x40000000;
const FILE_SHARE_READ = 0x1;
const FILE_SHARE_WRITE = 0x2;
const OPEN_EXISTING = 3;
const FILE_FLAG_OVERLAPPED = 0x40000000;
const INVALID_HANDLE_VALUE = -1;
const WAIT_OBJECT_0 = 0;
const WAIT_TIMEOUT = 0x102;
const CR_SUCCESS = 0;
const CR_BUFFER_SMALL = 0x1a;
const CM_GET_DEVICE_INTERFACE_LIST_PRESENT = 0;
const CM_GETIDLIST_FILTER_ENUMERATOR = 0x1;
const CM_GETIDLIST_FILTER_PRESENT = 0x100;
const CM_DRP_DEVICEDESC = 0x1;
const CM_DRP_COMPATIBLEIDS = 0x3;
const CM_DRP_SERVICE = 0x5;
/** Compatible id of a USB printer-class function (USB class 07). */
const PRINTER_CLASS_COMPATIBLE = /^USB\\Class_07/i;

/** `{28d78fad-5a12-11d1-ae5b-0000f803a8c2}` as GUID fields. */
function guidFields(text: string): { Data1: number; Data2: number; Data3: number; Data4: number[] } {
  const hex = text.replace(/[{}-]/g, '');
  const byte = (at: number): number => Number.parseInt(hex.slice(at, at + 2), 16);
  return {
    Data1: Number.parseInt(hex.slice(0, 8), 16),
    Data2: Number.parseInt(hex.slice(8, 12), 16),
    Data3: Number.parseInt(hex.slice(12, 16), 16),
    Data4: [16, 18, 20, 22, 24, 26, 28, 30].map(byte),
  };
}

/** A REG_MULTI_SZ / PZZWSTR of UTF-16 code units → its strings. */
function multiString(units: readonly number[]): string[] {
  const text = String.fromCharCode(...units);
  return text.split('\0').filter((part) => part !== '');
}

interface KoffiHandle extends Win32Handle {
  raw: number | bigint;
  closed: boolean;
}

/** Loads koffi and binds the calls; rejects with a sentence when koffi or a DLL cannot load. */
export async function loadKoffiWin32(): Promise<Win32Printers> {
  if (process.platform !== 'win32') throw new Error(`the usbprint reader runs on Windows only (this is ${process.platform})`);
  let koffi: Koffi;
  try {
    const module = (await import('koffi')) as unknown as { default?: Koffi } & Koffi;
    koffi = module.default ?? module;
  } catch (error) {
    throw new Error(
      `koffi could not load (its prebuilt binary for ${process.platform}-${process.arch} may be missing): ${describeError(error)}`,
    );
  }
  return new KoffiWin32(koffi);
}

class KoffiWin32 implements Win32Printers {
  private readonly OVERLAPPED: unknown;
  private readonly fn: Record<string, KoffiFunction>;

  constructor(private readonly koffi: Koffi) {
    // Registered by name: the cfgmgr32 prototypes below take `GUID *`.
    koffi.struct('GUID', { Data1: 'uint32_t', Data2: 'uint16_t', Data3: 'uint16_t', Data4: koffi.array('uint8_t', 8) });
    // Internal/InternalHigh are ULONG_PTR; Offset/OffsetHigh overlap Pointer in a union we never use.
    this.OVERLAPPED = koffi.struct('OVERLAPPED', {
      Internal: 'uintptr_t',
      InternalHigh: 'uintptr_t',
      Offset: 'uint32_t',
      OffsetHigh: 'uint32_t',
      hEvent: 'intptr_t',
    });
    const kernel32 = koffi.load('kernel32.dll');
    const cfgmgr32 = koffi.load('cfgmgr32.dll');
    this.fn = {
      GetLastError: kernel32.func('uint32_t __stdcall GetLastError()'),
      CreateFileW: kernel32.func(
        'intptr_t __stdcall CreateFileW(const char16_t *name, uint32_t access, uint32_t share, void *security, uint32_t disposition, uint32_t flags, intptr_t templateFile)',
      ),
      CloseHandle: kernel32.func('bool __stdcall CloseHandle(intptr_t handle)'),
      CreateEventW: kernel32.func(
        'intptr_t __stdcall CreateEventW(void *security, bool manualReset, bool initialState, const char16_t *name)',
      ),
      DeviceIoControl: kernel32.func(
        'bool __stdcall DeviceIoControl(intptr_t device, uint32_t code, void *inBuffer, uint32_t inSize, void *outBuffer, uint32_t outSize, void *returned, void *overlapped)',
      ),
      ReadFile: kernel32.func('bool __stdcall ReadFile(intptr_t file, void *buffer, uint32_t size, void *read, void *overlapped)'),
      WriteFile: kernel32.func('bool __stdcall WriteFile(intptr_t file, void *buffer, uint32_t size, void *written, void *overlapped)'),
      WaitForSingleObject: kernel32.func('uint32_t __stdcall WaitForSingleObject(intptr_t handle, uint32_t milliseconds)'),
      GetOverlappedResult: kernel32.func(
        'bool __stdcall GetOverlappedResult(intptr_t file, void *overlapped, _Out_ uint32_t *transferred, bool wait)',
      ),
      CancelIoEx: kernel32.func('bool __stdcall CancelIoEx(intptr_t file, void *overlapped)'),
      CM_Get_Device_Interface_List_SizeW: cfgmgr32.func(
        'uint32_t __stdcall CM_Get_Device_Interface_List_SizeW(_Out_ uint32_t *length, GUID *guid, const char16_t *deviceId, uint32_t flags)',
      ),
      CM_Get_Device_Interface_ListW: cfgmgr32.func(
        'uint32_t __stdcall CM_Get_Device_Interface_ListW(GUID *guid, const char16_t *deviceId, void *buffer, uint32_t length, uint32_t flags)',
      ),
      CM_Get_Device_ID_List_SizeW: cfgmgr32.func(
        'uint32_t __stdcall CM_Get_Device_ID_List_SizeW(_Out_ uint32_t *length, const char16_t *filter, uint32_t flags)',
      ),
      CM_Get_Device_ID_ListW: cfgmgr32.func(
        'uint32_t __stdcall CM_Get_Device_ID_ListW(const char16_t *filter, void *buffer, uint32_t length, uint32_t flags)',
      ),
      CM_Locate_DevNodeW: cfgmgr32.func(
        'uint32_t __stdcall CM_Locate_DevNodeW(_Out_ uint32_t *devInst, const char16_t *deviceId, uint32_t flags)',
      ),
      CM_Get_DevNode_Registry_PropertyW: cfgmgr32.func(
        'uint32_t __stdcall CM_Get_DevNode_Registry_PropertyW(uint32_t devInst, uint32_t property, void *type, void *buffer, _Inout_ uint32_t *length, uint32_t flags)',
      ),
    };
  }

  private call(name: string, ...args: unknown[]): unknown {
    return (this.fn[name] as KoffiFunction)(...args);
  }

  private lastError(): number {
    return this.call('GetLastError') as number;
  }

  async listInterfaces(): Promise<string[]> {
    const guid = guidFields(GUID_DEVINTERFACE_USBPRINT);
    // The list can grow between the size call and the list call (a printer plugged in): retry then.
    for (let attempt = 0; attempt < 3; attempt++) {
      const length = [0];
      const sizeResult = this.call(
        'CM_Get_Device_Interface_List_SizeW',
        length,
        guid,
        null,
        CM_GET_DEVICE_INTERFACE_LIST_PRESENT,
      ) as number;
      if (sizeResult !== CR_SUCCESS) throw new Win32Error('CM_Get_Device_Interface_List_SizeW', sizeResult, 'CONFIGRET');
      const units = length[0] ?? 0;
      if (units <= 1) return [];
      const buffer = new Uint16Array(units);
      const result = this.call('CM_Get_Device_Interface_ListW', guid, null, buffer, units, CM_GET_DEVICE_INTERFACE_LIST_PRESENT) as number;
      if (result === CR_BUFFER_SMALL) continue;
      if (result !== CR_SUCCESS) throw new Win32Error('CM_Get_Device_Interface_ListW', result, 'CONFIGRET');
      return multiString([...buffer]);
    }
    throw new Win32Error('CM_Get_Device_Interface_ListW', CR_BUFFER_SMALL, 'the list kept growing');
  }

  async listOtherPrinterFunctions(): Promise<OtherPrinterFunction[]> {
    const flags = CM_GETIDLIST_FILTER_ENUMERATOR | CM_GETIDLIST_FILTER_PRESENT;
    const length = [0];
    if ((this.call('CM_Get_Device_ID_List_SizeW', length, 'USB', flags) as number) !== CR_SUCCESS) return [];
    const units = length[0] ?? 0;
    if (units <= 1) return [];
    const buffer = new Uint16Array(units);
    if ((this.call('CM_Get_Device_ID_ListW', 'USB', buffer, units, flags) as number) !== CR_SUCCESS) return [];
    const found: OtherPrinterFunction[] = [];
    for (const instanceId of multiString([...buffer])) {
      const devInst = [0];
      if ((this.call('CM_Locate_DevNodeW', devInst, instanceId, 0) as number) !== CR_SUCCESS) continue;
      const compatible = this.property(devInst[0] ?? 0, CM_DRP_COMPATIBLEIDS);
      if (!compatible?.some((id) => PRINTER_CLASS_COMPATIBLE.test(id))) continue;
      const service = this.property(devInst[0] ?? 0, CM_DRP_SERVICE)?.[0];
      // usbprint's own functions are listed through their interface; the rest is what we cannot read.
      if (service?.toLowerCase() === 'usbprint') continue;
      const description = this.property(devInst[0] ?? 0, CM_DRP_DEVICEDESC)?.[0];
      found.push({ instanceId, ...(service ? { service } : {}), ...(description ? { description } : {}) });
    }
    return found;
  }

  private property(devInst: number, property: number): string[] | undefined {
    const length = [2048];
    const buffer = new Uint16Array(1024);
    const result = this.call('CM_Get_DevNode_Registry_PropertyW', devInst, property, null, buffer, length, 0) as number;
    if (result !== CR_SUCCESS) return undefined;
    return multiString([...buffer.subarray(0, Math.floor((length[0] ?? 0) / 2))]);
  }

  async open(path: string): Promise<Win32Handle> {
    const raw = this.call(
      'CreateFileW',
      path,
      GENERIC_READ | GENERIC_WRITE,
      FILE_SHARE_READ | FILE_SHARE_WRITE,
      null,
      OPEN_EXISTING,
      FILE_FLAG_OVERLAPPED,
      0,
    ) as number | bigint;
    if (Number(raw) === INVALID_HANDLE_VALUE) throw new Win32Error('CreateFileW', this.lastError());
    const handle: KoffiHandle = { path, raw, closed: false };
    return handle;
  }

  ioctl(handle: Win32Handle, code: number, outSize: number, timeoutMs: number): Promise<Uint8Array> {
    return this.overlapped('DeviceIoControl', handle, outSize, timeoutMs, (raw, buffer, overlapped) =>
      this.call('DeviceIoControl', raw, code, null, 0, buffer, outSize, null, overlapped),
    );
  }

  async write(handle: Win32Handle, bytes: Uint8Array, timeoutMs: number): Promise<number> {
    let written = 0;
    await this.overlapped(
      'WriteFile',
      handle,
      bytes.length,
      timeoutMs,
      (raw, buffer, overlapped) => {
        this.koffi.encode(buffer, this.koffi.array('uint8_t', bytes.length), [...bytes]);
        return this.call('WriteFile', raw, buffer, bytes.length, null, overlapped);
      },
      (transferred) => {
        written = transferred;
      },
    );
    return written;
  }

  read(handle: Win32Handle, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
    return this.overlapped('ReadFile', handle, maxBytes, timeoutMs, (raw, buffer, overlapped) =>
      this.call('ReadFile', raw, buffer, maxBytes, null, overlapped),
    );
  }

  async close(handle: Win32Handle): Promise<void> {
    const own = handle as KoffiHandle;
    if (own.closed) return;
    own.closed = true;
    this.call('CloseHandle', own.raw);
  }

  /**
   * One overlapped call: native buffers that stay put until the I/O is over (a JS buffer could
   * move or be collected), an event to wait on, the wait on a koffi worker thread with the time
   * limit, CancelIoEx when it passes, and GetOverlappedResult(wait) so the kernel is done with
   * the memory before it is freed.
   */
  private async overlapped(
    what: string,
    handle: Win32Handle,
    size: number,
    timeoutMs: number,
    start: (raw: number | bigint, buffer: unknown, overlapped: unknown) => unknown,
    onTransferred?: (count: number) => void,
  ): Promise<Uint8Array> {
    const own = handle as KoffiHandle;
    if (own.closed) throw new Win32Error(what, WIN32_ERROR.invalidHandle, 'the handle is closed');
    const event = this.call('CreateEventW', null, true, false, null) as number | bigint;
    if (Number(event) === 0) throw new Win32Error('CreateEventW', this.lastError());
    const buffer = this.koffi.alloc('uint8_t', Math.max(1, size));
    const overlapped = this.koffi.alloc(this.OVERLAPPED, 1);
    try {
      this.koffi.encode(overlapped, this.OVERLAPPED, { Internal: 0, InternalHigh: 0, Offset: 0, OffsetHigh: 0, hEvent: event });
      const done = start(own.raw, buffer, overlapped) as boolean;
      if (!done) {
        const error = this.lastError();
        if (error !== WIN32_ERROR.ioPending) throw new Win32Error(what, error);
        const waited = await new Promise<number>((resolve, reject) => {
          (this.fn.WaitForSingleObject as KoffiFunction).async(event, timeoutMs, (err: unknown, result: number) =>
            err ? reject(asError(err)) : resolve(result),
          );
        });
        if (waited === WAIT_TIMEOUT) {
          this.call('CancelIoEx', own.raw, overlapped);
          await this.finish(own, overlapped, what).catch(() => 0);
          throw new Win32TimeoutError(`${what}: no answer within ${timeoutMs} ms; cancelled with CancelIoEx`);
        }
        if (waited !== WAIT_OBJECT_0) throw new Win32Error('WaitForSingleObject', this.lastError());
      }
      const transferred = await this.finish(own, overlapped, what);
      onTransferred?.(transferred);
      const bytes = this.koffi.decode(buffer, 'uint8_t', transferred) as number[];
      return Uint8Array.from(bytes);
    } finally {
      this.call('CloseHandle', event);
      this.koffi.free(buffer);
      this.koffi.free(overlapped);
    }
  }

  private async finish(own: KoffiHandle, overlapped: unknown, what: string): Promise<number> {
    const transferred = [0];
    const ok = await new Promise<boolean>((resolve, reject) => {
      (this.fn.GetOverlappedResult as KoffiFunction).async(own.raw, overlapped, transferred, true, (err: unknown, result: boolean) =>
        err ? reject(asError(err)) : resolve(result),
      );
    });
    if (!ok) throw new Win32Error(what, this.lastError());
    return transferred[0] ?? 0;
  }
}
