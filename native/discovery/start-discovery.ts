import { describeError } from '../../common/errors.js';
import type { Timers } from '../../common/lifecycle.js';
import { createBonjourBrowser } from './dns-sd-browser.js';
import { DnsSdPrinterDiscovery, type PrinterDiscovery } from './printer-discovery.js';

/**
 * Starts DNS-SD discovery of IPP printers, or answers undefined (said once in the log) when the
 * mDNS socket cannot be made: the app then runs without the list, and --ipp still works.
 */
export function startPrinterDiscovery(options: {
  interfaceAddress?: string;
  timers?: Timers;
  log: (message: string) => void;
}): PrinterDiscovery | undefined {
  let said = false;
  const onProblem = (problem: string): void => {
    if (said) return;
    said = true;
    options.log(`network printers: ${problem}; printers can still be added with --ipp URI`);
  };
  try {
    const browser = createBonjourBrowser({
      ...(options.interfaceAddress ? { interfaceAddress: options.interfaceAddress } : {}),
      onProblem,
    });
    return new DnsSdPrinterDiscovery(browser, options.timers ? { timers: options.timers } : {});
  } catch (error) {
    onProblem(`discovery could not start (${describeError(error)})`);
    return undefined;
  }
}
