import type { Supply } from '../../../common/supply.js';
import { englishTranslator, type Translator } from '../../../common/l10n/translator.js';

/**
 * The run-out forecast a gauge shows under its bar: "about 4 days left" ("full in about 4 days"
 * for a waste box). It agrees with the level: nothing while the level is not a number or there is
 * no forecast, and nothing once the supply is empty (full) — the gauge's own word says that.
 */
export function describeDaysLeft(
  supply: Pick<Supply, 'daysLeft' | 'empty' | 'role' | 'level'>,
  t: Translator['t'] = englishTranslator.t,
): string | null {
  const days = supply.daysLeft;
  if (days === undefined || supply.level.kind !== 'percent' || supply.empty) return null;
  const receptacle = supply.role === 'receptacle';
  if (days >= 365) return t(receptacle ? 'forecast.fullInMoreThanYear' : 'forecast.moreThanYearLeft');
  if (days < 1) return t(receptacle ? 'forecast.fullWithinDay' : 'forecast.lessThanDayLeft');
  return t(receptacle ? 'forecast.fullInDays' : 'forecast.daysLeft', { days: Math.round(days) });
}
