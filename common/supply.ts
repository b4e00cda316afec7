import { z } from 'zod';

/**
 * A supply level. A number is a percentage only when its source says so; the other states come
 * from IPP/SNMP (−1 unavailable, −2 unknown, −3 "some left") and must never be shown as 0 %.
 */
export const SupplyLevelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), percent: z.number().min(0).max(100) }),
  z.object({ kind: z.literal('unknown') }),
  z.object({ kind: z.literal('unavailable') }),
  z.object({ kind: z.literal('some-left') }),
]);
export type SupplyLevel = z.infer<typeof SupplyLevelSchema>;

/** What the supply is; `waste` and other receptacles fill up instead of running out. */
export const SupplyKindSchema = z.enum(['ink', 'toner', 'drum', 'fuser', 'waste', 'staples', 'paper', 'battery', 'other']);
export type SupplyKind = z.infer<typeof SupplyKindSchema>;

/** `consumable` runs down toward empty; `receptacle` fills up toward full (waste toner, waste ink). */
export const SupplyRoleSchema = z.enum(['consumable', 'receptacle']);
export type SupplyRole = z.infer<typeof SupplyRoleSchema>;

/**
 * Colour of a supply as its source knows it: `name` the colorant in words ("cyan", "light cyan"),
 * `hex` the device's own `#RRGGBB` where it sends one. The panel picks the display colour.
 */
export const SupplyColorSchema = z.object({
  name: z.string().min(1).max(40),
  hex: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .optional(),
});
export type SupplyColor = z.infer<typeof SupplyColorSchema>;

/** One supply of a device, in the one normalized form every source maps into. */
export const SupplySchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(120),
  kind: SupplyKindSchema,
  role: SupplyRoleSchema,
  color: SupplyColorSchema.optional(),
  level: SupplyLevelSchema,
  /** For a consumable: level at or below which it is low; for a receptacle: level at or above which it is nearly full. */
  lowThreshold: z.number().min(0).max(100),
  /** Derived from level and threshold by `classifySupply`; stored so every view agrees. */
  low: z.boolean(),
  /** Consumable empty, or receptacle full. */
  empty: z.boolean(),
  partNumber: z.string().min(1).max(64).optional(),
  /**
   * Epoch ms the level was last reported by the device, when it is not a live reading: CUPS
   * refreshes marker-levels only when a job goes through the queue (marker-change-time), so its
   * level is "as of" then. Absent = read from the device just now.
   */
  levelsAsOf: z.number().int().min(0).optional(),
  /**
   * Predicted days until empty (full, for a receptacle) from the level history the core keeps
   * (core/devices/supply-history.ts); absent while there is no forecast, and always while the level
   * is not a number; 0 once the supply is empty. Sources never set it.
   */
  daysLeft: z.number().min(0).max(3650).optional(),
  /**
   * Whether the device itself reports the installed supply as genuine (the maker's own) or not;
   * absent wherever the device does not say. Set only from a device's own report, never guessed from
   * the part number. Of the decoders in native/, only the simulated printer has such a report: none
   * of the protocols read today (IPP marker-*, PJL, the 1284 ID, HID power) carries one.
   */
  genuine: z.boolean().optional(),
});
export type Supply = z.infer<typeof SupplySchema>;

/** The input a source gives before low/empty are derived. */
export type SupplyReading = Omit<Supply, 'low' | 'empty' | 'daysLeft'> & {
  /** A source may know better than the level (e.g. IPP `toner-empty-report`). */
  lowReported?: boolean;
  emptyReported?: boolean;
};

/** Default low marks: 10 % left for consumables, 90 % full for receptacles (IPP marker-low-levels are typically 5–15 % and 85–95 %). */
export const DEFAULT_LOW_THRESHOLD: Record<SupplyRole, number> = { consumable: 10, receptacle: 90 };

/** Derives `low` and `empty` from a reading; a state that is not a number is never low or empty unless the source reports it. */
export function classifySupply(reading: SupplyReading): Supply {
  const { lowReported, emptyReported, ...rest } = reading;
  let low = false;
  let empty = false;
  if (reading.level.kind === 'percent') {
    const percent = reading.level.percent;
    if (reading.role === 'consumable') {
      empty = percent <= 0;
      low = empty || percent <= reading.lowThreshold;
    } else {
      empty = percent >= 100;
      low = empty || percent >= reading.lowThreshold;
    }
  }
  empty = empty || emptyReported === true;
  low = low || empty || lowReported === true;
  return { ...rest, low, empty };
}

/** How much attention a supply needs: 0 fine, 1 low, 2 empty/full. */
export function supplyUrgency(supply: Supply): 0 | 1 | 2 {
  if (supply.empty) return 2;
  if (supply.low) return 1;
  return 0;
}

/** Percentage of the supply that is still usable (for receptacles: room left), or undefined when not a number. */
export function remainingPercent(supply: Supply): number | undefined {
  if (supply.level.kind !== 'percent') return undefined;
  return supply.role === 'consumable' ? supply.level.percent : 100 - supply.level.percent;
}

/** The supply closest to running out (or filling up), for one-line summaries. */
export function lowestSupply(supplies: readonly Supply[]): Supply | undefined {
  let best: Supply | undefined;
  let bestKey = Number.POSITIVE_INFINITY;
  for (const supply of supplies) {
    const remaining = remainingPercent(supply);
    // Urgency first, then remaining room; supplies without a number sort after numbers of equal urgency.
    const key = (2 - supplyUrgency(supply)) * 1000 + (remaining ?? 500);
    if (key < bestKey) {
      best = supply;
      bestKey = key;
    }
  }
  return best;
}

/** The words a person reads for a level: "42 %", "Unknown", "Not reported", "Some left". */
export function describeLevel(level: SupplyLevel): string {
  switch (level.kind) {
    case 'percent':
      return `${Math.round(level.percent)} %`;
    case 'unknown':
      return 'Unknown';
    case 'unavailable':
      return 'Not reported';
    case 'some-left':
      return 'Some left';
  }
}
