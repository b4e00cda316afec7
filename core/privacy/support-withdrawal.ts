import type { Consent } from '../../common/settings.js';
import type { Disposable } from '../../common/lifecycle.js';
import type { SettingsService } from '../settings-service.js';

/**
 * Calls `listener` with the new level each time the owner lowers consent from "support sharing"
 * (to anonymous usage or to nothing). A level lost to a damaged settings file is no choice: it
 * withdraws nothing until the owner chooses again, and then counts from the level before the loss.
 */
export function onSupportSharingWithdrawn(
  settings: Pick<SettingsService, 'get' | 'status' | 'onConsentChanged'>,
  listener: (level: Exclude<Consent, 'support-sharing'>) => void,
): Disposable {
  let level: Consent = settings.get().consent;
  return settings.onConsentChanged((next) => {
    if (settings.status().consent === 'unknown') return;
    const before = level;
    level = next;
    if (before === 'support-sharing' && next !== 'support-sharing') listener(next);
  });
}
