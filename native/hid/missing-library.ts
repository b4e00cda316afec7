import { existsSync } from 'node:fs';
import { describeError } from '../../common/errors.js';

// node-hid's Linux prebuilds link libusb-1.0.so.0 and libudev.so.1 (and the C++ runtime). When one
// is absent the dynamic loader's own words reach the owner ("libusb-1.0.so.0: cannot open shared
// object file: No such file or directory"), which says nothing about the fix. This turns that
// error into the one command that installs the library.

/** Linux package managers we can name a command for. */
export type PackageManager = 'apt' | 'dnf';

/** The package that provides each library node-hid's prebuilds link, per package manager. */
const PACKAGES: Readonly<Record<string, Readonly<Record<PackageManager, string>>>> = {
  'libusb-1.0.so.0': { apt: 'libusb-1.0-0', dnf: 'libusb1' },
  'libudev.so.1': { apt: 'libudev1', dnf: 'systemd-libs' },
  'libstdc++.so.6': { apt: 'libstdc++6', dnf: 'libstdc++' },
  'libgcc_s.so.1': { apt: 'libgcc-s1', dnf: 'libgcc' },
};

const INSTALL: Readonly<Record<PackageManager, (pkg: string) => string>> = {
  apt: (pkg) => `sudo apt-get install ${pkg}`,
  dnf: (pkg) => `sudo dnf install ${pkg}`,
};

/**
 * The library name in a dynamic loader error, or undefined. Only a bare soname counts: when the
 * addon file itself cannot be opened the loader names its path, and that is not a system library.
 */
export function missingSharedLibrary(error: unknown): string | undefined {
  const match = /(?:^|\s|\()([\w.+-]+\.so(?:\.\d+)*): cannot open shared object file/.exec(describeError(error));
  return match?.[1];
}

/** The package manager of this machine, by its binary; 'unknown' off Linux or when it is neither. */
export function detectPackageManager(exists: (path: string) => boolean = existsSync): PackageManager | 'unknown' {
  if (process.platform !== 'linux') return 'unknown';
  if (exists('/usr/bin/apt-get')) return 'apt';
  if (exists('/usr/bin/dnf')) return 'dnf';
  return 'unknown';
}

/**
 * What the owner reads when `error` is a missing system library: which one, and the command that
 * installs it ("the system library libusb-1.0.so.0 is missing — install it with `sudo apt-get
 * install libusb-1.0-0`"). undefined when the error is something else.
 */
export function missingLibraryAdvice(error: unknown, manager: PackageManager | 'unknown' = detectPackageManager()): string | undefined {
  const library = missingSharedLibrary(error);
  if (!library) return undefined;
  const pkg = PACKAGES[library];
  if (!pkg) return `the system library ${library} is missing — install the package of your distribution that provides it`;
  // Unknown package manager: the Debian/Ubuntu command, said to be that, as the nearest guide.
  const known = manager === 'unknown' ? 'apt' : manager;
  const command = INSTALL[known](pkg[known]);
  return `the system library ${library} is missing — install it with \`${command}\`${manager === 'unknown' ? ' (Debian, Ubuntu)' : ''}`;
}
