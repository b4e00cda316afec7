import type { UnreadablePrinter } from '../../common/contract/devices.js';
import type { OtherPrinterFunction } from './win32-printers.js';

/** Who reads the explanation: the devices report suggests its own --ipp flag, the panel its network printer list. */
export type ExplanationAudience = 'report' | 'panel';

/**
 * Why Trayside cannot read a USB printer Windows has bound to another class driver, and what
 * works instead, in words an owner can act on. Many HP multifunction printers bind to Dot4
 * (IEEE 1284.4 packets over its own driver stack, no usbprint interface); a vendor driver can hold
 * a printer the same way.
 */
export function explainUnreadablePrinter(printer: OtherPrinterFunction, audience: ExplanationAudience): UnreadablePrinter {
  const name = (printer.description ?? printer.instanceId).slice(0, 200) || 'A USB printer';
  const driver = printer.service ?? 'no driver';
  const why = /^dot4/i.test(driver)
    ? `Windows talks to it through the ${driver} driver (IEEE 1284.4), which gives other programs no way to ask for status or levels`
    : printer.service
      ? `it is held by the ${driver} driver, not Windows' USB printer driver (usbprint), so its status and levels cannot be read over USB`
      : 'Windows has no driver bound to it yet, so it cannot be opened';
  const add =
    audience === 'report'
      ? 'add it by its IPP address (npm run devices -- --ipp ipp://ADDRESS/ipp/print)'
      : 'add it from the network printers Trayside found, or start Trayside with --ipp ipp://ADDRESS/ipp/print';
  return {
    name,
    why: why.slice(0, 500),
    whatWorks: `If the printer is also on the network, ${add}; otherwise its own maker's software shows its levels.`,
  };
}
