import type { Branding } from '../../common/branding.js';
import type { DeviceSnapshot } from '../../common/device.js';
import { ownerPlace } from '../environment.js';
import { createCrmSegments, type CrmSegments } from './crm-segments.js';
import { DEFAULT_DELIVERY_POLICY } from './delivery.js';
import type { DeliveryInput } from './delivery-plan.js';
import type { Ledger } from './ledger.js';
import type { CurrentManifest } from './manifest-source.js';
import type { MessageServiceOptions } from './message-service.js';
import { buildRuleContext, type TargetingEnvironment } from './targeting.js';
import type { ExposureSubject } from './trigger-context.js';
import type { TriggerLog } from './triggers.js';

/** What the message service reads before each delivery pass: the owner's place, the manifest URLs, CRM segments, the plan's input. */

/** Most specific first: `de-AT` → `de-AT`, `de`, then the branding default. */
export function localeChain(locale: string, fallback: string): string[] {
  const chain: string[] = [];
  const parts = locale.split('-');
  for (let length = parts.length; length >= 1; length -= 1) chain.push(parts.slice(0, length).join('-'));
  chain.push(fallback);
  return [...new Set(chain)];
}

/** The manifest URLs for the owner's locale chain; none without a backend. */
export function manifestUrls(branding: Branding | null, locale: string): string[] {
  if (!branding) return [];
  const base = `${branding.backendUrl.replace(/\/+$/, '')}/v1/manifests/${branding.productLine}/`;
  return localeChain(locale, branding.defaultLocale).map((tag) => base + encodeURIComponent(tag));
}

/** One targeting subject per device (with its supplies' ids, for the exposure's trigger context), or one without a device. */
function subjectsOf(environment: TargetingEnvironment, snapshots: readonly DeviceSnapshot[]): ExposureSubject[] {
  if (snapshots.length === 0) return [{ deviceId: null, context: buildRuleContext(environment, null) }];
  return snapshots.map((snapshot) => ({
    deviceId: snapshot.id,
    context: buildRuleContext(environment, snapshot),
    supplyIds: snapshot.supplies.map((supply) => supply.id),
  }));
}

/** The owner's locale and region, as message targeting and the manifest segment use them. */
export const ownPlace = (options: MessageServiceOptions) =>
  ownerPlace(options.settings.get(), options.environment.systemLocale, options.branding?.defaultLocale ?? 'en');

/** CRM segments from the backend, unless the host gives them (or there is no backend). */
export function segmentsFor(
  options: MessageServiceOptions,
  log: (message: string) => void,
  onChanged: () => void,
): CrmSegments | undefined {
  const { branding, install, clock, timers } = options;
  if (!branding || options.crmSegments) return undefined;
  const consent = () => options.settings.get().consent;
  return createCrmSegments({
    backendUrl: branding.backendUrl,
    installId: install.installId,
    ...(options.authorization ? { authorization: options.authorization } : {}),
    storageDir: options.storageDir,
    fetch: options.fetch,
    consent,
    clock,
    timers,
    log,
    onChanged,
    ...(options.random ? { random: options.random } : {}),
  });
}

/** Gathers what delivery decides from: the targeting context of every device, the trigger events, the ledger, the owner's settings. */
export function gatherDeliveryInput(
  options: MessageServiceOptions,
  parts: { current: CurrentManifest; ledger: Ledger; triggers: TriggerLog; segments: CrmSegments | undefined; now: number },
): DeliveryInput {
  const { now, current } = parts;
  const { locale, region } = ownPlace(options);
  const { os, osVersion, appVersion, timeZone } = options.environment;
  const daysSinceInstall = Math.max(0, Math.floor((now - options.install.installedAt) / 86_400_000));
  const crmSegments = options.crmSegments?.() ?? parts.segments?.current() ?? [];
  const environment: TargetingEnvironment = { os, osVersion, locale, region, appVersion, daysSinceInstall, crmSegments };
  const settings = options.settings.get();
  return {
    manifest: current.manifest,
    rules: current.rules,
    context: {
      subjects: subjectsOf(environment, options.devices.snapshots()),
      events: parts.triggers.events,
      region,
      timeZone,
      installId: options.install.installId,
    },
    ledger: parts.ledger,
    settings: {
      categories: settings.messageCategories,
      quietHours: settings.quietHours,
      notificationsPaused: options.settings.notificationsPaused(),
      frequencyLimit: settings.frequencyLimit ?? null,
    },
    policy: options.policy ?? DEFAULT_DELIVERY_POLICY,
    now,
  };
}
