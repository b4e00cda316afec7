import type { DeviceProfileLookup } from './device-sources.js';
import type { HidDeviceInfo } from './hid/hid-api.js';
import { matchProfile, type DeviceProfile } from './profiles/index.js';
import { DEFAULT_PRINTER_POLICY, type UsbPrinterMatch, type UsbPrinterPolicy } from './usb/usb-printer-source.js';

/**
 * Answers the transports' questions from declarative profiles: whether a printer may be asked for
 * PJL status and how gently to poll it during a job, and whether a HID device is named by a
 * profile. A device no profile names gets the safe defaults.
 */
export function createProfileLookup(profiles: readonly DeviceProfile[]): DeviceProfileLookup {
  return {
    printerPolicy(match: UsbPrinterMatch): UsbPrinterPolicy {
      const profile = matchProfile(profiles, {
        transport: 'usb-printer',
        vendorId: match.vendorId,
        productId: match.productId,
        ...(match.manufacturer !== undefined ? { manufacturer: match.manufacturer } : {}),
        ...(match.model !== undefined ? { model: match.model } : {}),
      });
      if (!profile) return DEFAULT_PRINTER_POLICY;
      return {
        pjl: profile.pjlStatus,
        minIntervalDuringJobMs: profile.polling?.duringJobMinIntervalMs ?? DEFAULT_PRINTER_POLICY.minIntervalDuringJobMs,
        profile: profile.name,
      };
    },
    // Report layouts come from the descriptor the OS exposes (Linux sysfs); profiles name usages,
    // not bit positions, so they cannot stand in for a missing descriptor yet.
    hidFields: () => undefined,
    hasHidProfile(info: HidDeviceInfo): boolean {
      const profile = matchProfile(profiles, {
        transport: 'hid',
        vendorId: info.vendorId,
        productId: info.productId,
        ...(info.manufacturer ? { manufacturer: info.manufacturer } : {}),
        ...(info.product ? { model: info.product } : {}),
        hidUsagePages: info.usagePage !== undefined ? [info.usagePage] : [],
      });
      // Generic profiles match by usage page, which the HID source already reads; only a
      // profile that names the device by its USB ids makes an otherwise unknown device readable.
      return profile?.match.usb !== undefined;
    },
  };
}
