import { z } from 'zod';

/**
 * The data a targeting rule is evaluated against, on the device (DESIGN.md, Messages: raw
 * device data never leaves the machine for targeting). The app builds one context per attached
 * device and a message matches when its rule is truthy for any of them; with no device attached
 * it evaluates once with `device: null` and no supplies.
 *
 * Rules read it with json-logic `var` paths, e.g. `{"var": "device.model"}`,
 * `{"var": "crm.segments"}`; inside `some`/`all`/`none`/`filter`/`map` over `supplies` the paths
 * are relative to one supply (`{"var": "level"}`). See docs/targeting.md.
 */

/** One supply as a rule sees it. */
export const RuleSupplySchema = z.object({
  /** Supply kind from common/supply.ts: `ink`, `toner`, `drum`, `waste`, `battery`, … */
  kind: z.string().max(40),
  /** Lowercase colour name (`black`, `cyan`, `magenta`, `yellow`), or null for a supply without one (waste). */
  color: z.string().max(40).nullable(),
  /** `consumable` runs down, `receptacle` (waste) fills up. */
  role: z.enum(['consumable', 'receptacle']),
  /**
   * Percent 0–100 when the device reports a number, else null (unknown, unavailable, "some
   * left"). For a receptacle it is how full it is. json-logic compares null like 0, so guard
   * with `{"!=": [{"var": "level"}, null]}` before `<` (docs/targeting.md).
   */
  level: z.number().min(0).max(100).nullable(),
  /** At or past the low mark (nearly full for a receptacle); from common/supply.ts `classifySupply`. */
  low: z.boolean(),
  /** Empty (or full, for a receptacle). */
  empty: z.boolean(),
  /** Predicted days until empty from the level history, or null while there is too little history. */
  daysLeft: z.number().min(0).nullable(),
  /** The part number to reorder, when the device profile knows it. */
  partNumber: z.string().max(64).nullable(),
});
export type RuleSupply = z.infer<typeof RuleSupplySchema>;

/** The device a rule is evaluated for. */
export const RuleDeviceSchema = z.object({
  /** Manufacturer as the device reports it (1284 `MFG`, USB/HID strings, IPP), e.g. `Trayside`. */
  vendor: z.string().max(200),
  /** Model as the device reports it, e.g. `Trayside Demo Printer`. */
  model: z.string().max(200),
  /** Firmware version string, or null when the device does not say; compare with `version<` etc. */
  firmware: z.string().max(200).nullable(),
  /** USB vendor/product ids where known, else null. */
  vendorId: z.number().int().nullable(),
  productId: z.number().int().nullable(),
});
export type RuleDevice = z.infer<typeof RuleDeviceSchema>;

/** Everything a rule may read; the roots are the only top-level `var` paths the server accepts. */
export const RuleContextSchema = z.object({
  /** The device, or null when none is attached. */
  device: RuleDeviceSchema.nullable(),
  supplies: z.array(RuleSupplySchema).max(64),
  /** Codes of the device's active conditions (IPP printer-state-reasons vocabulary: `media-jam`, `door-open`, …). */
  errors: z.array(z.string().max(64)).max(64),
  os: z.enum(['windows', 'macos', 'linux']),
  /** OS version as the OS reports it (`10.0.22631`, `14.5`). */
  osVersion: z.string().max(64),
  /** The app's UI locale, canonical BCP 47 (`de-DE`). */
  locale: z.string().max(35),
  /** ISO 3166-1 alpha-2 region, uppercase (`DE`), or null when unknown. */
  region: z.string().max(2).nullable(),
  appVersion: z.string().max(64),
  /** Whole days since the app was first started on this machine. */
  daysSinceInstall: z.number().int().min(0),
  /** CRM segments this owner belongs to (imported from the CRM; empty when the owner has not consented). */
  crm: z.object({ segments: z.array(z.string().max(100)).max(200) }),
});
export type RuleContext = z.infer<typeof RuleContextSchema>;

/** Top-level names a rule's `var` may start with (outside `some`/`all`/`none`/`filter`/`map`/`reduce` bodies). */
export const RULE_CONTEXT_ROOTS: readonly string[] = Object.keys(RuleContextSchema.shape);

/**
 * What a `var` path can reach, derived from the schemas above so the docs, the app and the
 * server's checks cannot drift apart: an object's fields, an array's items (reached by index,
 * or per item inside `some`/`all`/…), or a value with nothing below it.
 */
export type RuleShape =
  | { kind: 'object'; fields: Readonly<Record<string, RuleShape>> }
  | { kind: 'array'; item: RuleShape }
  | { kind: 'value'; type: string }
  /** Unknown (the result of `map`, `merge`, a reduce accumulator): nothing is checked below it. */
  | { kind: 'any' };

/** Reads the shape out of a zod schema (only the kinds RuleContextSchema uses). */
function shapeOf(schema: z.ZodType): RuleShape {
  if (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional) return shapeOf(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodObject) {
    return {
      kind: 'object',
      fields: Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => [name, shapeOf(field)])),
    };
  }
  if (schema instanceof z.ZodArray) return { kind: 'array', item: shapeOf(schema.element as z.ZodType) };
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum) return { kind: 'value', type: 'a string' };
  if (schema instanceof z.ZodNumber) return { kind: 'value', type: 'a number' };
  if (schema instanceof z.ZodBoolean) return { kind: 'value', type: 'true or false' };
  return { kind: 'any' };
}

/** The whole context as a rule sees it. */
export const RULE_CONTEXT_SHAPE: RuleShape = shapeOf(RuleContextSchema);
