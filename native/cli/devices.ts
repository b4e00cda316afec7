// `npm run devices -- [--json]`: what support staff ask an owner to run. Lists the printers and
// batteries this machine can see, with identity, status and supplies, or says why it sees none.
import { readFileSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { systemClock } from '../../common/lifecycle.js';
import { createDeviceSources } from '../device-sources.js';
import { describeError } from '../../common/errors.js';
import { SimulatedPrinter } from '../simulated/printer.js';
import { SimulatedSource } from '../simulated/simulated-source.js';
import type { DeviceSource } from '../transport.js';
import { startPrinterDiscovery } from '../discovery/start-discovery.js';
import { setActiveTranslator } from '../../common/l10n/active-translator.js';
import { loadTranslator } from '../../common/l10n/catalogues.js';
import { posixLocales, resolveUiLocale } from '../../common/l10n/locales.js';
import {
  buildReport,
  collectDevices,
  formatReport,
  parseVendorId,
  type DevicesReport,
  type NetworkPrinterLine,
  type ReportEnvironment,
} from './devices-report.js';

/** The app's version from the checkout's package.json (npm sets npm_package_version only under npm run). */
function appVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return z.object({ version: z.string() }).parse(JSON.parse(text)).version;
  } catch {
    return process.env.npm_package_version ?? 'unknown';
  }
}

function reportEnvironment(): ReportEnvironment {
  return { appVersion: appVersion(), os: { platform: platform(), release: release(), arch: arch() }, node: process.version };
}

const USAGE = `Usage: npm run devices -- [--json] [--vendor 0x04b8 ...] [--ipp URI ...] [--demo] [--timeout MS]
  --json         machine-readable output (send this to support)
  --vendor ID    only devices of this USB vendor id (hex 0x04b8 or decimal); repeatable; default: all
  --ipp URI      also read this network printer, e.g. ipp://192.168.1.20/ipp/print; repeatable
  --network      also list the printers on the network (DNS-SD, 3 s) with the address to give --ipp
  --demo         also list the simulated demo printer
  --timeout MS   time allowed per device read (default 8000)`;

/** How long --network listens: printers answer a DNS-SD query within a second; a second query goes out after 1 s. */
const NETWORK_BROWSE_MS = 3_000;

/** The IPP printers that answer DNS-SD within `ms`, and why none could be asked. */
async function browseNetwork(ms: number): Promise<{ printers: NetworkPrinterLine[]; problems: string[] }> {
  const problems: string[] = [];
  const discovery = startPrinterDiscovery({ log: (line) => problems.push(line) });
  if (!discovery) return { printers: [], problems };
  await new Promise((resolve) => setTimeout(resolve, ms));
  const printers = discovery
    .printers()
    .map((printer) => ({ name: printer.name, uri: printer.uri, ...(printer.model ? { model: printer.model } : {}) }));
  discovery.dispose();
  return { printers, problems };
}

function fail(message: string): never {
  process.stderr.write(`devices: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = (() => {
    try {
      return parseArgs({
        options: {
          json: { type: 'boolean', default: false },
          demo: { type: 'boolean', default: false },
          network: { type: 'boolean', default: false },
          vendor: { type: 'string', multiple: true, default: [] },
          ipp: { type: 'string', multiple: true, default: [] },
          timeout: { type: 'string', default: '8000' },
          help: { type: 'boolean', default: false },
        },
        allowPositionals: false,
      });
    } catch (error) {
      fail(describeError(error));
    }
  })();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const vendorIds = values.vendor.map(
    (text) => parseVendorId(text) ?? fail(`--vendor "${text}" is not a USB vendor id (use 0x04b8 or 1208)`),
  );
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000)
    fail(`--timeout must be a whole number of ms from 100 to 120000, got "${values.timeout}"`);

  for (const uri of values.ipp) if (!/^ipps?:\/\/[^/\s]+/i.test(uri)) fail(`--ipp "${uri}" is not an ipp:// or ipps:// printer URI`);
  const real = createDeviceSources({ vendorIds: vendorIds.length > 0 ? vendorIds : 'any', ippPrinters: values.ipp });
  const sources: DeviceSource[] = [...real.sources];
  if (values.demo) sources.push(new SimulatedSource([new SimulatedPrinter({ clock: systemClock })]));
  // The person reading the table reads it in the terminal's language (LC_ALL, LC_MESSAGES, LANGUAGE, LANG).
  setActiveTranslator(await loadTranslator(resolveUiLocale(posixLocales(process.env))));
  try {
    const [devices, network] = await Promise.all([
      collectDevices(sources, timeoutMs),
      values.network ? browseNetwork(NETWORK_BROWSE_MS) : undefined,
    ]);
    const report: DevicesReport = buildReport({
      devices,
      problems: [...real.problems(), ...(network?.problems ?? [])],
      environment: reportEnvironment(),
      now: new Date(),
      demo: values.demo,
      ...(network ? { network: network.printers } : {}),
    });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  } finally {
    real.dispose();
  }
}

try {
  await main();
  // Native modules (udev monitors, libusb contexts) may keep the event loop alive; the report is out.
  process.exit(0);
} catch (error) {
  process.stderr.write(`devices: ${describeError(error)}\n`);
  process.exit(1);
}
