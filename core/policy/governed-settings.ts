import type { Disposable } from '../../common/lifecycle.js';
import type { EffectivePolicy } from '../../common/policy.js';
import type { Settings } from '../../common/settings.js';
import type { SettingsService } from '../settings-service.js';
import { governSettings } from './policy.js';

/** A settings file of an earlier version keeps no record of which fields were defaults: every field there counts as the owner's. */
const OWNER_FIELDS: ReadonlySet<keyof Settings> = new Set(['consent', 'messageCategories']);

/** The fields the owner chose; the rest follow recommended policy, then the OEM default. */
export function chosenFieldsOf(settings: Settings): ReadonlySet<keyof Settings> {
  return settings.chosenFields === undefined ? OWNER_FIELDS : new Set(settings.chosenFields);
}

/**
 * The settings as the features must obey them: the owner's, with the enforced policy applied on
 * every read. Writes go to the owner's settings untouched, so the policy is never written back and
 * lifting it gives the owner their own choice again.
 */
export function governedSettings(owner: SettingsService, policy: EffectivePolicy): SettingsService {
  const govern = (settings: Settings): Settings => governSettings(settings, chosenFieldsOf(settings), policy).settings;
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
