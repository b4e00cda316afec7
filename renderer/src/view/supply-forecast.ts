import type { Supply } from '../../../common/supply.js';

/**
 * The run-out forecast a gauge shows under its bar: "about 4 days left" ("full in about 4 days"
 * for a waste box). It agrees with the level: nothing while the level is not a number or there is
 * no forecast, and nothing once the supply is empty (full) — the gauge's own word says that.
 */
export function describeDaysLeft(supply: Pick<Supply, 'daysLeft' | 'empty' | 'role' | 'level'>): string | null {
  const days = supply.daysLeft;
  if (days === undefined || supply.level.kind !== 'percent' || supply.empty) return null;
  const receptacle = supply.role === 'receptacle';
  if (days >= 365) return receptacle ? 'full in more than a year' : 'more than a year left';
  if (days < 1) return receptacle ? 'full within a day' : 'less than a day left';
  const rounded = Math.round(days);
  const span = rounded === 1 ? 'about 1 day' : `about ${rounded} days`;
  return receptacle ? `full in ${span}` : `${span} left`;
}
