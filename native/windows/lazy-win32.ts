import type { Win32Printers } from './win32-printers.js';

/**
 * A Win32Printers that loads the real layer (koffi) on first use, so nothing is imported at
 * startup and a missing koffi binary becomes the source's "could not list" problem, not a crash.
 */
export function lazyWin32(load?: () => Promise<Win32Printers>): Win32Printers {
  let loaded: Promise<Win32Printers> | undefined;
  const get = (): Promise<Win32Printers> => {
    loaded ??= (load ?? (async () => (await import('./koffi-win32.js')).loadKoffiWin32()))();
    return loaded;
  };
  return {
    listInterfaces: async () => (await get()).listInterfaces(),
    listOtherPrinterFunctions: async () => (await get()).listOtherPrinterFunctions(),
    open: async (path) => (await get()).open(path),
    ioctl: async (handle, code, outSize, timeoutMs) => (await get()).ioctl(handle, code, outSize, timeoutMs),
    write: async (handle, bytes, timeoutMs) => (await get()).write(handle, bytes, timeoutMs),
    read: async (handle, maxBytes, timeoutMs) => (await get()).read(handle, maxBytes, timeoutMs),
    close: async (handle) => (await get()).close(handle),
  };
}
