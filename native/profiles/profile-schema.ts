import { z } from 'zod';
import { SupplyColorSchema, SupplyKindSchema, SupplyRoleSchema } from '../../common/supply.js';
import { TransportKindSchema } from '../../common/device.js';

// Declarative device profiles (DESIGN.md "Profiles"): a manufacturer adds a device family by
// writing JSON, not code. Everything a person types is checked here, with messages that name the field.

/** A 16-bit id written as a number or as hex text, "0x04b8" (what lsusb prints). */
const UsbIdSchema = z.union(
  [
    z.number().int().min(0).max(0xffff),
    z
      .string()
      .regex(/^0x[0-9a-fA-F]{1,4}$/, 'expected a number or hex text like "0x04b8"')
      .transform((text) => Number.parseInt(text, 16)),
  ],
  { error: 'expected a USB id: a number from 0 to 65535 or hex text like "0x04b8"' },
);

/** A 32-bit HID usage, page << 16 | id, as a number or hex text "0x850066" (NUT `drivers/hidtypes.h` spelling). */
const HidUsageSchema = z.union(
  [
    z.number().int().min(0).max(0xffffffff),
    z
      .string()
      .regex(/^0x[0-9a-fA-F]{1,8}$/, 'expected a number or hex text like "0x850066"')
      .transform((text) => Number.parseInt(text, 16)),
  ],
  { error: 'expected a HID usage: a number or hex text like "0x850066" (page 0x85, usage 0x66)' },
);

/** A regular expression written as text; compiled case-insensitively when matching. Bounded, so a profile cannot ask for an absurd pattern. */
const PatternSchema = z
  .string()
  .min(1)
  .max(200)
  .refine(
    (pattern) => {
      try {
        new RegExp(pattern, 'i');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

/** Which devices a profile is for; every given criterion must hold. */
export const ProfileMatchSchema = z
  .object({
    transport: TransportKindSchema,
    /** USB ids; a missing productId matches every product of the vendor. */
    usb: z
      .array(z.object({ vendorId: UsbIdSchema, productId: UsbIdSchema.optional() }).strict())
      .max(64)
      .optional(),
    /** IEEE 1284 MFG/MDL (from GET_DEVICE_ID or IPP printer-device-id), as regular expressions. */
    ieee1284: z.object({ manufacturer: PatternSchema.optional(), model: PatternSchema.optional() }).strict().optional(),
    /** HID usage pages the device's descriptor must declare (0x84 Power Device, 0x85 Battery System, 0x06 Generic Device). */
    hidUsagePages: z.array(z.number().int().min(0).max(0xffff)).min(1).max(8).optional(),
  })
  .strict();

/** Where a supply's level comes from. */
export const SupplySourceSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('hid'),
        usage: HidUsageSchema,
        reportType: z.enum(['input', 'feature']).optional(),
        reportId: z.number().int().min(1).max(255).optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('ipp'),
        /** printer-supply (PWG 5100.13) or marker-levels (CUPS). */
        attribute: z.enum(['printer-supply', 'marker-levels']),
        /** printer-supply `index=` value, or the 1-based position in marker-levels. */
        index: z.number().int().min(1).max(64),
      })
      .strict(),
    z
      .object({
        kind: z.literal('pjl'),
        command: z
          .string()
          .regex(/^@PJL [A-Z][A-Z ]*$/, 'expected a PJL command like "@PJL INFO STATUS"')
          .max(64),
        /** The reply field that carries the level, e.g. a vendor `TONER` line. */
        field: z
          .string()
          .regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case field name')
          .max(32),
      })
      .strict(),
    z.object({ kind: z.literal('simulated'), supplyId: z.string().min(1).max(64) }).strict(),
  ],
  { error: 'expected "hid", "ipp", "pjl" or "simulated"' },
);

/** Part numbers by region: ISO 3166 alpha-2 codes, "EU", or "*" for everywhere else, e.g. {"US":"805XL","EU":"805XL-E"}. */
export const PartNumbersSchema = z.record(
  z.string().regex(/^([A-Z]{2}|\*)$/, 'expected a region code like "US", "EU" or "*"'),
  z.string().min(1).max(64),
);

/** One supply a profile describes. */
export const ProfileSupplySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and hyphens')
      .max(64),
    name: z.string().min(1).max(120),
    kind: SupplyKindSchema,
    role: SupplyRoleSchema,
    source: SupplySourceSchema,
    /** Raw value × scale = percent (e.g. 0.1 for a device that reports tenths; NUT's battery_scale for descriptors off by ten). */
    scale: z.number().positive().max(1_000_000).default(1),
    /** Added after scaling. */
    offset: z.number().min(-1_000_000).max(1_000_000).default(0),
    color: SupplyColorSchema.optional(),
    lowThreshold: z.number().min(0).max(100).optional(),
    partNumbers: PartNumbersSchema.optional(),
  })
  .strict();

/** How often the device may be read. During a print job, reading status can mix the reply into print data (Linux usblp.c), so jobs get their own floor. */
export const PollingSchema = z
  .object({
    minIntervalMs: z.number().int().min(1_000).max(86_400_000),
    maxIntervalMs: z.number().int().min(1_000).max(86_400_000),
    duringJobMinIntervalMs: z.number().int().min(1_000).max(86_400_000),
  })
  .strict()
  .refine((polling) => polling.minIntervalMs <= polling.maxIntervalMs, {
    message: 'minIntervalMs must not exceed maxIntervalMs',
    path: ['minIntervalMs'],
  })
  .refine((polling) => polling.duringJobMinIntervalMs >= polling.minIntervalMs, {
    message: 'duringJobMinIntervalMs must be at least minIntervalMs',
    path: ['duringJobMinIntervalMs'],
  });

/** A device profile file. */
export const DeviceProfileSchema = z
  .object({
    $schema: z.string().optional(),
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and hyphens')
      .max(64),
    name: z.string().min(1).max(120),
    /** Higher wins among equally specific matches; generic profiles stay at 0. */
    priority: z.number().int().min(-100).max(100).default(0),
    match: ProfileMatchSchema,
    supplies: z.array(ProfileSupplySchema).max(64).default([]),
    polling: PollingSchema.optional(),
    /**
     * The printer answers `@PJL INFO STATUS` on its bulk endpoints. Off unless a profile says so:
     * a printer that does not speak PJL may print the query as a page of text.
     */
    pjlStatus: z.boolean().default(false),
  })
  .strict()
  .superRefine((profile, context) => {
    const seen = new Set<string>();
    profile.supplies.forEach((supply, index) => {
      if (seen.has(supply.id))
        context.addIssue({ code: 'custom', message: `duplicate supply id "${supply.id}"`, path: ['supplies', index, 'id'] });
      seen.add(supply.id);
    });
  });

/** A validated profile, defaults filled in. */
export type DeviceProfile = z.output<typeof DeviceProfileSchema>;
/** One supply of a validated profile. */
export type ProfileSupply = DeviceProfile['supplies'][number];
