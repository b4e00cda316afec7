import type { SupplyLevel } from '../supply.js';
import type { Translator } from './translator.js';

/** A supply level in words of the translator's locale: "23 %", "Unknown", "Some left" (common/supply.ts describeLevel in English). */
export function describeLevelIn(level: SupplyLevel, t: Translator['t']): string {
  switch (level.kind) {
    case 'percent':
      return t('level.percent', { percent: Math.round(level.percent) });
    case 'unknown':
      return t('level.unknown');
    case 'unavailable':
      return t('level.unavailable');
    case 'some-left':
      return t('level.someLeft');
  }
}
