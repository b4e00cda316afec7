import { readFile, readdir, readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { UsbDeviceLike } from './usb-bus.js';

const SYSFS_USB = '/sys/bus/usb/devices';

/**
 * Which kernel driver holds an interface (Linux), e.g. `usblp`, or `usbfs` when another program
 * has claimed it through libusb (CUPS's usb backend while it prints). undefined when unbound or
 * not knowable (other OSes, no sysfs).
 */
export async function linuxInterfaceDriver(device: UsbDeviceLike, interfaceNumber: number): Promise<string | undefined> {
  if (process.platform !== 'linux' || device.address === undefined) return undefined;
  const busNumber = Number.parseInt(device.bus ?? '', 10);
  try {
    for (const name of await readdir(SYSFS_USB)) {
      if (name.includes(':') || name.startsWith('usb')) continue;
      const [busnum, devnum] = await Promise.all([
        readFile(`${SYSFS_USB}/${name}/busnum`, 'utf8').catch(() => ''),
        readFile(`${SYSFS_USB}/${name}/devnum`, 'utf8').catch(() => ''),
      ]);
      if (Number(devnum) !== device.address || (Number.isInteger(busNumber) && Number(busnum) !== busNumber)) continue;
      const config = device.configuration?.configurationValue ?? 1;
      const link = await readlink(`${SYSFS_USB}/${name}:${config}.${interfaceNumber}/driver`).catch(() => undefined);
      return link === undefined ? undefined : basename(link);
    }
  } catch {
    // No sysfs (containers, other OSes): the caller goes ahead without knowing.
  }
  return undefined;
}
