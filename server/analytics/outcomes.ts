import type { OutcomeRow, OutcomeStats } from '../../common/analytics.js';
import { CONTROL_VARIANT, HOLDOUT_VARIANT } from '../../common/events.js';
import { GENUINE_REPLACEMENT_ROLLUP, type EventCounts } from '../store/analytics-store.js';
import { upliftInterval } from './uplift.js';

/** Variant ids that name an arm kept from the campaign, never a variant shown. */
export const WITHHELD_VARIANTS: readonly string[] = [HOLDOUT_VARIANT, CONTROL_VARIANT];

function emptyRow(variantId: string): OutcomeRow {
  return {
    variantId,
    exposures: 0,
    wouldHaveShown: 0,
    exposedInstalls: 0,
    clicks: 0,
    reorders: 0,
    feedback: 0,
    replacements: 0,
    genuineReplacements: 0,
    replacedInstalls: 0,
    replacementRate: null,
    uplift: null,
  };
}

function add(target: OutcomeRow, source: OutcomeRow): void {
  for (const key of [
    'exposures',
    'wouldHaveShown',
    'exposedInstalls',
    'clicks',
    'reorders',
    'feedback',
    'replacements',
    'genuineReplacements',
    'replacedInstalls',
  ] as const)
    target[key] += source[key];
}

const rate = (row: OutcomeRow): number | null => (row.exposedInstalls > 0 ? row.replacedInstalls / row.exposedInstalls : null);

/**
 * Outcomes from the stats rollups: an install is in one arm and one variant per campaign (the
 * assignment is a function of its id), so per-row install counts add up across rows. The rate is
 * installs with a device-measured replacement over installs exposed (or withheld from), so the
 * treated and withheld groups are counted the same way; clicks play no part in it.
 */
export function buildOutcomeStats(counts: readonly EventCounts[], liveVariantIds: readonly string[]): OutcomeStats {
  const rows = new Map<string, OutcomeRow>();
  const row = (id: string): OutcomeRow => {
    const found = rows.get(id) ?? emptyRow(id);
    rows.set(id, found);
    return found;
  };
  for (const id of liveVariantIds) row(id);
  for (const id of WITHHELD_VARIANTS) row(id);
  for (const count of counts) {
    const entry = row(count.variantId);
    switch (count.type) {
      case 'impression':
        entry.exposures += count.count;
        entry.exposedInstalls += count.installs;
        break;
      case 'would-have-shown':
        entry.wouldHaveShown += count.count;
        entry.exposedInstalls += count.installs;
        break;
      case 'click':
        entry.clicks += count.count;
        break;
      case 'reorder':
        entry.reorders += count.count;
        break;
      case 'feedback':
        entry.feedback += count.count;
        break;
      case 'replacement':
        entry.replacements += count.count;
        entry.replacedInstalls += count.installs;
        break;
      case GENUINE_REPLACEMENT_ROLLUP:
        entry.genuineReplacements += count.count;
        break;
      default:
        break;
    }
  }
  const withheld = emptyRow('withheld');
  add(withheld, row(HOLDOUT_VARIANT));
  add(withheld, row(CONTROL_VARIANT));
  const total = emptyRow('(all)');
  const variants = [...rows.values()]
    .filter((entry) => !WITHHELD_VARIANTS.includes(entry.variantId))
    .sort((a, b) => a.variantId.localeCompare(b.variantId));
  for (const entry of variants) add(total, entry);
  const comparison = { successes: withheld.replacedInstalls, trials: withheld.exposedInstalls };
  for (const entry of [...rows.values(), withheld, total]) entry.replacementRate = rate(entry);
  for (const entry of [...variants, total])
    entry.uplift = upliftInterval({ successes: entry.replacedInstalls, trials: entry.exposedInstalls }, comparison);
  return { total, variants, holdout: row(HOLDOUT_VARIANT), control: row(CONTROL_VARIANT), withheld };
}
