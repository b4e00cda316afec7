import { describe, expect, it } from 'vitest';
import { FakeHidApi } from '../../test/support/fake-hid.js';
import { HidSource } from './hid-source.js';
import { detectPackageManager, missingLibraryAdvice, missingSharedLibrary } from './missing-library.js';

// What Node's process.dlopen throws on a machine without Debian's libusb-1.0-0 (the loader's text).
const NO_LIBUSB = new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory');

describe('missing system library advice', () => {
  it('names the library and the one command that installs it', () => {
    expect(missingLibraryAdvice(NO_LIBUSB, 'apt')).toBe(
      'the system library libusb-1.0.so.0 is missing — install it with `sudo apt-get install libusb-1.0-0`',
    );
    expect(missingLibraryAdvice(new Error('libudev.so.1: cannot open shared object file: No such file or directory'), 'apt')).toContain(
      '`sudo apt-get install libudev1`',
    );
    expect(missingLibraryAdvice(NO_LIBUSB, 'dnf')).toContain('`sudo dnf install libusb1`');
  });

  it('gives the Debian/Ubuntu command, labelled as such, when the package manager is unknown', () => {
    expect(missingLibraryAdvice(NO_LIBUSB, 'unknown')).toBe(
      'the system library libusb-1.0.so.0 is missing — install it with `sudo apt-get install libusb-1.0-0` (Debian, Ubuntu)',
    );
  });

  it('still names a library it has no package for', () => {
    expect(missingLibraryAdvice(new Error('libfoo.so.3: cannot open shared object file: No such file or directory'), 'apt')).toBe(
      'the system library libfoo.so.3 is missing — install the package of your distribution that provides it',
    );
  });

  it('leaves other errors alone, including a missing or broken addon file', () => {
    expect(
      missingSharedLibrary(
        new Error(
          '/app/node_modules/node-hid/prebuilds/HID-linux-x64/node-napi-v4.node: cannot open shared object file: No such file or directory',
        ),
      ),
    ).toBeUndefined();
    expect(missingSharedLibrary(new Error('EACCES: permission denied, open /dev/hidraw0'))).toBeUndefined();
    expect(missingLibraryAdvice('libusb-1.0.so.0: invalid ELF header', 'apt')).toBeUndefined();
  });

  it('finds the package manager by its binary, only on Linux', () => {
    const only = (path: string) => (candidate: string) => candidate === path;
    const expected = process.platform === 'linux';
    expect(detectPackageManager(only('/usr/bin/apt-get'))).toBe(expected ? 'apt' : 'unknown');
    expect(detectPackageManager(only('/usr/bin/dnf'))).toBe(expected ? 'dnf' : 'unknown');
    expect(detectPackageManager(() => false)).toBe('unknown');
  });
});

describe('HidSource on a machine without libusb', () => {
  it('reports the missing library and its install command as the HID problem (devices report, host log)', async () => {
    const api = new FakeHidApi();
    api.devices = () => Promise.reject(NO_LIBUSB);
    const source = new HidSource({ vendorIds: 'any', loadApi: async () => api });
    expect(await source.list()).toEqual([]);
    expect(source.problem).toMatch(
      /^HID devices cannot be listed: the system library libusb-1\.0\.so\.0 is missing — install it with `sudo (apt-get|dnf) install /,
    );
  });
});
