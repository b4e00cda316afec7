import type { DeviceSnapshot } from '../../common/device.js';
import { summarizeReading } from '../../common/device-summary.js';
import type { SupplyThreshold } from '../../common/settings.js';
import { classifySupply, type Supply, type SupplyKind, type SupplyRole } from '../../common/supply.js';

/** One kind/colour of supply as the owner sets a mark for it, with the device's own mark beside it. */
export interface ThresholdTarget {
  kind: SupplyKind;
  /** Lower-case colour name, or null for a supply without one (a battery, a waste box). */
  color: string | null;
  /** The device's words for it ("Cyan ink"), from the first device seen with it. */
  name: string;
  role: SupplyRole;
  /** The device's own mark, before the owner's. */
  deviceThreshold: number;
}

function colorOf(supply: Supply): string | null {
  return supply.color ? supply.color.name.toLowerCase() : null;
}

/** The owner's mark for a supply: a colour's own before the one for every colour of its kind; undefined = the device's. */
export function ownerThresholdFor(supply: Supply, thresholds: readonly SupplyThreshold[]): number | undefined {
  const color = colorOf(supply);
  const kindOnly = thresholds.find((t) => t.kind === supply.kind && t.color === null);
  const exact = color === null ? undefined : thresholds.find((t) => t.kind === supply.kind && t.color?.toLowerCase() === color);
  return (exact ?? kindOnly)?.percent;
}

/**
 * The supply with the owner's mark in place of the device's, `low` derived again from its level.
 * Only a percentage can be compared with a mark: a level the device gives in words keeps what the
 * device said, and "empty" always stays what the device said.
 */
function withThreshold(supply: Supply, percent: number): Supply {
  if (supply.level.kind !== 'percent' || supply.lowThreshold === percent) return supply;
  const { low: _low, empty, daysLeft, ...reading } = supply;
  const next = classifySupply({ ...reading, lowThreshold: percent, emptyReported: empty });
  return daysLeft === undefined ? next : { ...next, daysLeft };
}

/**
 * Applies the owner's low-supply marks to each fresh snapshot before anything sees it, so the tray,
 * the panel, supply alerts and message triggers (which read `supply.low`) all agree; and remembers
 * each kind/colour seen with the device's own mark, for the preference center.
 */
export function createSupplyThresholds(thresholds: () => readonly SupplyThreshold[]) {
  const seen = new Map<string, ThresholdTarget>();
  return {
    annotate(snapshot: DeviceSnapshot): DeviceSnapshot {
      const marks = thresholds();
      for (const supply of snapshot.supplies) {
        const color = colorOf(supply);
        const key = `${supply.kind}\u0000${color ?? ''}`;
        if (!seen.has(key))
          seen.set(key, { kind: supply.kind, color, name: supply.name, role: supply.role, deviceThreshold: supply.lowThreshold });
      }
      if (marks.length === 0) return snapshot;
      let changed = false;
      const supplies = snapshot.supplies.map((supply) => {
        const percent = ownerThresholdFor(supply, marks);
        const next = percent === undefined ? supply : withThreshold(supply, percent);
        if (next !== supply) changed = true;
        return next;
      });
      if (!changed) return snapshot;
      // The state and status line speak of low supplies too ("Cyan low (8 %)"): derive them again.
      const { state, statusLine } = summarizeReading({ ...snapshot, supplies });
      return { ...snapshot, supplies, state, statusLine };
    },
    /** Every kind/colour seen since start, in the order first seen. */
    targets(): ThresholdTarget[] {
      return [...seen.values()];
    },
  };
}
export type SupplyThresholds = ReturnType<typeof createSupplyThresholds>;
