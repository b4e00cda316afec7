import { z } from 'zod';
import { SupplySchema, type Supply } from './supply.js';

/** Which kind of transport a device was read through. */
export const TransportKindSchema = z.enum(['simulated', 'usb-printer', 'hid', 'ipp']);
export type TransportKind = z.infer<typeof TransportKindSchema>;

/** Who the device is: from the IEEE 1284 ID, USB descriptors, HID strings or IPP attributes. */
export const DeviceIdentitySchema = z.object({
  manufacturer: z.string().max(200),
  model: z.string().max(200),
  serial: z.string().max(200).optional(),
  firmware: z.string().max(200).optional(),
  vendorId: z.number().int().min(0).max(0xffff).optional(),
  productId: z.number().int().min(0).max(0xffff).optional(),
  /** Command sets from the 1284 ID (PJL, PCL, …), empty where not known. */
  commandSet: z.array(z.string().max(64)).max(64).default([]),
});
export type DeviceIdentity = z.infer<typeof DeviceIdentitySchema>;

/**
 * A condition that needs the owner's attention. Codes follow IPP printer-state-reasons where one
 * fits (`media-empty`, `door-open`, `offline`, `toner-low`), so every source maps to one vocabulary.
 */
export const DeviceConditionSchema = z.object({
  code: z.string().min(1).max(64),
  severity: z.enum(['info', 'warning', 'error']),
  message: z.string().max(300),
});
export type DeviceCondition = z.infer<typeof DeviceConditionSchema>;

/** Overall state: ok, needs attention (low supply, warning), error (cannot print), or unreachable. */
export const DeviceStateSchema = z.enum(['ok', 'attention', 'error', 'unreachable']);
export type DeviceState = z.infer<typeof DeviceStateSchema>;

/** A HID report descriptor in brief: what support asks first about a battery device. */
export interface HidDescriptorSummary {
  /** The first application collection's usage page and usage (0x84/0x04 is a UPS). */
  usagePage?: number;
  usage?: number;
  /** How many distinct reports of each kind the descriptor declares. */
  reports: { input: number; output: number; feature: number };
  /** Each usage the descriptor names once, by name where this project knows it, else `0xPPPP:0xUUUU`. */
  usages: string[];
}

/**
 * What a device said about itself before decoding. The panel never shows it; the diagnostics
 * bundle carries it so support can see what the device really sent, not only what the app made
 * of it. Each source fills the part it read.
 */
export interface DeviceIdentitySources {
  /** IEEE 1284 Device ID fields as the printer sent them (MFG, MDL, CMD, SN, …). */
  ieee1284?: Record<string, string>;
  hid?: HidDescriptorSummary;
  /** IPP printer attributes as read, each value as text. */
  ipp?: Record<string, string | string[]>;
}

/** What one read of a device gives; the monitor adds identity bookkeeping and staleness. */
export interface DeviceReading {
  identity: DeviceIdentity;
  conditions: DeviceCondition[];
  supplies: Supply[];
  /** Battery devices: charging, on mains, runtime left; free-form facts shown as "label: value". */
  facts?: Record<string, string>;
  sources?: DeviceIdentitySources;
}

/** A device as every view sees it. */
export const DeviceSnapshotSchema = z.object({
  id: z.string().min(1).max(200),
  transport: TransportKindSchema,
  identity: DeviceIdentitySchema,
  state: DeviceStateSchema,
  /** One line a person reads: "Ready", "Paper out", "Cyan low (8 %)", "Not responding". */
  statusLine: z.string().max(300),
  conditions: z.array(DeviceConditionSchema).max(64),
  supplies: z.array(SupplySchema).max(64),
  facts: z.record(z.string().max(64), z.string().max(200)).default({}),
  /** True when the last reads failed and the values shown are the last good ones. */
  stale: z.boolean(),
  /** Epoch ms of the last successful read, or null if none yet. */
  updatedAt: z.number().nullable(),
});
export type DeviceSnapshot = z.infer<typeof DeviceSnapshotSchema>;
