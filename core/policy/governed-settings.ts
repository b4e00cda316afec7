import type { Disposable } from '../../common/lifecycle.js';
import type { EffectivePolicy } from '../../common/policy.js';
import type { Settings } from '../../common/settings.js';
import type { SettingsService } from '../settings-service.js';
import { governSettings } from './policy.js';

/** Every field counts as the owner's: the settings file keeps no record of which ones were defaults. */
const OWNER_FIELDS: ReadonlySet<keyof Settings> = new Set(['consent', 'messageCategories']);

/**
 * The settings as the features must obey them: the owner's, with the enforced policy applied on
 * every read. Writes go to the owner's settings untouched, so the policy is never written back and
 * lifting it gives the owner their own choice again.
 */
export function governedSettings(owner: SettingsService, policy: EffectivePolicy): SettingsService {
  const govern = (settings: Settings): Settings => governSettings(settings, OWNER_FIELDS, policy).settings;
  return {
    get: () => govern(owner.get()),
    status: () => owner.status(),
    update: (patch) => govern(owner.update(patch)),
    pauseNotifications: (choice) => govern(owner.pauseNotifications(choice)),
    notificationsPaused: () => owner.notificationsPaused(),
    get firstStart() {
      return owner.firstStart;
    },
    consentLost: (problem) => owner.consentLost(problem),
    onChanged: (listener): Disposable => owner.onChanged((settings) => listener(govern(settings))),
    onStatusChanged: (listener) => owner.onStatusChanged(listener),
    onConsentChanged: (listener) => owner.onConsentChanged(() => listener(govern(owner.get()).consent)),
    onConsentWithdrawn: (listener) => owner.onConsentWithdrawn(listener),
  };
}
