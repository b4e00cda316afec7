import { z } from 'zod';
import { DeviceSnapshotSchema } from '../device.js';
import { call, event } from './define.js';

/** A network printer found by DNS-SD (`_ipp._tcp` / `_ipps._tcp`) that the owner can add with one click. */
export const DiscoveredPrinterSchema = z
  .object({
    /** Stable while the printer advertises: its UUID when the TXT record gives one, else its service name. */
    id: z.string().min(1).max(300),
    /** The advertised service name, e.g. "HP OfficeJet 8010 [A1B2C3]". */
    name: z.string().min(1).max(200),
    /** The printer's model from the TXT `ty` key, when it sends one. */
    model: z.string().max(200).optional(),
    /** Where the printer says it stands (TXT `note`). */
    location: z.string().max(200).optional(),
    /** The IPP address Trayside will read, e.g. `ipp://192.168.1.20:631/ipp/print`. */
    uri: z.string().min(1).max(300),
    /** ipps: the printer offers IPP over TLS. */
    secure: z.boolean(),
    /** The printer's own web page (TXT `adminurl`), http(s) only. */
    adminUrl: z.string().max(300).optional(),
    /** Already among the printers Trayside reads (added before, or given with --ipp). */
    added: z.boolean(),
  })
  .strict();
export type DiscoveredPrinter = z.infer<typeof DiscoveredPrinterSchema>;

/** A printer the machine has but Trayside cannot read, with why in plain words and what works instead. */
export const UnreadablePrinterSchema = z
  .object({
    name: z.string().min(1).max(200),
    why: z.string().min(1).max(500),
    whatWorks: z.string().min(1).max(500),
  })
  .strict();
export type UnreadablePrinter = z.infer<typeof UnreadablePrinterSchema>;

/** Attached devices and their live state. */
export const devicesFeature = {
  list: call({ input: z.void(), output: z.array(DeviceSnapshotSchema), summary: 'Every device the monitor knows, newest state.' }),
  refresh: call({
    input: z.object({ deviceId: z.string().min(1).max(200) }).strict(),
    output: z.void(),
    summary: 'Reads one device now instead of waiting for the next poll.',
  }),
  onChanged: event({ payload: z.array(DeviceSnapshotSchema), summary: 'The device list or any device state changed.' }),
  discovered: call({
    input: z.void(),
    output: z.array(DiscoveredPrinterSchema).max(200),
    summary: 'Network printers found on the local network by DNS-SD.',
  }),
  addDiscovered: call({
    input: z.object({ id: z.string().min(1).max(300) }).strict(),
    output: z.void(),
    summary: 'Adds a discovered network printer to the printers Trayside reads, and keeps it for later starts.',
  }),
  onDiscoveredChanged: event({
    payload: z.array(DiscoveredPrinterSchema).max(200),
    summary: 'A network printer appeared, went away or was added.',
  }),
  unreadable: call({
    input: z.void(),
    output: z.array(UnreadablePrinterSchema).max(50),
    summary: 'Printers the machine has that Trayside cannot read, and what works instead.',
  }),
};
