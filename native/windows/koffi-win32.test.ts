import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKoffiWin32 } from './koffi-win32.js';
import { WIN32_ERROR, Win32Error, Win32TimeoutError, type Win32Printers } from './win32-printers.js';

// The real Win32 layer against kernel32/cfgmgr32. It can only run on Windows: the devices
// workflow runs it on windows-latest; elsewhere the one test checks that loading says why not.

const onWindows = process.platform === 'win32';

describe('koffi Win32 layer: loading', () => {
  it.runIf(!onWindows)('refuses to load off Windows with a sentence, without loading koffi', async () => {
    await expect(loadKoffiWin32()).rejects.toThrow(/runs on Windows only/);
  });
});

describe('koffi Win32 layer against the real kernel32 (Windows only)', () => {
  if (!onWindows) {
    it('needs Windows', (context) => {
      console.info('skipped: the kernel32/cfgmgr32 tests run on windows-latest in .github/workflows/devices.yml');
      context.skip('needs Windows');
    });
    return;
  }
  let server: net.Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function pipe(onConnection: (socket: net.Socket) => void): Promise<string> {
    const path = `\\\\.\\pipe\\trayside-test-${process.pid}-${Math.random().toString(16).slice(2)}`;
    server = net.createServer(onConnection);
    await new Promise<void>((resolve) => server!.listen(path, resolve));
    return path;
  }

  it('enumerates usbprint interfaces without error (a runner has no printer: [])', async () => {
    const win32 = await loadKoffiWin32();
    const paths = await win32.listInterfaces();
    expect(Array.isArray(paths)).toBe(true);
    expect(Array.isArray(await win32.listOtherPrinterFunctions())).toBe(true);
  });

  it('CreateFileW on a path that is not there fails with ERROR_FILE_NOT_FOUND', async () => {
    const win32 = await loadKoffiWin32();
    const error = await win32
      .open('\\\\?\\USB#VID_0000&PID_0000#none#{28d78fad-5a12-11d1-ae5b-0000f803a8c2}')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Win32Error);
    expect([WIN32_ERROR.fileNotFound, WIN32_ERROR.pathNotFound]).toContain((error as Win32Error).code);
  });

  it('overlapped write and read over a named pipe, and a read with nothing to say is cancelled at its time limit', async () => {
    const received: Buffer[] = [];
    const path = await pipe((socket) => {
      socket.on('data', (chunk) => {
        received.push(chunk);
        socket.write('@PJL INFO STATUS\r\nCODE=10001\r\n\f');
      });
    });
    const win32: Win32Printers = await loadKoffiWin32();
    const handle = await win32.open(path);
    try {
      expect(await win32.write(handle, new TextEncoder().encode('hello'), 2000)).toBe(5);
      const reply = new TextDecoder().decode(await win32.read(handle, 512, 2000));
      expect(reply).toContain('CODE=10001');
      expect(Buffer.concat(received).toString()).toBe('hello');

      const started = Date.now();
      const error = await win32.read(handle, 512, 300).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Win32TimeoutError);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(3000);
      // The event loop kept running while the read waited (no blocking call on the main thread).
    } finally {
      await win32.close(handle);
    }
  });
});
