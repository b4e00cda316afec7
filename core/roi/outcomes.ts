import {
  consentAllowsEvents,
  CONTROL_VARIANT,
  HOLDOUT_VARIANT,
  type Arm,
  type DeviceEventDraft,
  type TriggerContext,
} from '../../common/events.js';
import type { DeviceSnapshot } from '../../common/device.js';
import type { Clock } from '../../common/lifecycle.js';
import type { Consent } from '../../common/settings.js';
import type { EngagementService } from '../events/engagement.js';
import { createReplacementWatch, type ReplacementOptions } from './replacement.js';

/**
 * Closed-loop outcomes: remembers what each campaign showed (or, for holdout and control installs,
 * would have shown) and, when the device's own levels say a supply was replaced, records a
 * `replacement` event attributed to the last exposure within the attribution window — whether or
 * not the owner clicked anything. Both kinds of event go through the engagement service, so the
 * durable queue and its consent gate apply; without consent nothing is measured at all.
 */

/** Replacements later than this after the last exposure are nobody's doing (default 30 days). */
export const DEFAULT_ATTRIBUTION_WINDOW_MS = 30 * 86_400_000;

/** A message shown, or withheld from a holdout or control install after it matched. */
export interface Exposure {
  campaignId: string;
  /** The variant shown, or that would have been shown. */
  variantId: string;
  messageId?: string | undefined;
  arm: Arm;
  context: TriggerContext;
}

export interface OutcomeTrackerOptions {
  engagement: Pick<EngagementService, 'record'>;
  consent: () => Consent;
  clock: Clock;
  attributionWindowMs?: number;
  detection?: ReplacementOptions;
  /** Whether the device reports the supply now installed as genuine; undefined where it does not say. */
  genuineOf?: (deviceId: string, supplyId: string) => boolean | undefined;
  log?: (message: string) => void;
}

export interface OutcomeTracker {
  /** Records the exposure; for a holdout or control install it also records a `would-have-shown` event. */
  exposed(exposure: Exposure): Promise<void>;
  /** Reads a fresh device snapshot; a replacement since the last one is recorded against the last exposure. */
  observe(snapshot: DeviceSnapshot): Promise<void>;
}

const armVariant = (exposure: Exposure): string =>
  exposure.arm === 'treated' ? exposure.variantId : exposure.arm === 'holdout' ? HOLDOUT_VARIANT : CONTROL_VARIANT;

/** Makes the tracker; it keeps its state in memory, so the window restarts with the app. */
export function createOutcomeTracker(options: OutcomeTrackerOptions): OutcomeTracker {
  const windowMs = options.attributionWindowMs ?? DEFAULT_ATTRIBUTION_WINDOW_MS;
  const log = options.log ?? (() => undefined);
  const watch = createReplacementWatch(options.detection);
  let lastExposure: { at: number; exposure: Exposure } | undefined;

  async function record(draft: DeviceEventDraft): Promise<void> {
    try {
      await options.engagement.record(draft);
    } catch (error) {
      log(`roi: could not record a ${draft.type} event: ${String(error)}`);
    }
  }

  return {
    async exposed(exposure) {
      lastExposure = { at: options.clock.now(), exposure };
      if (exposure.arm === 'treated') return;
      await record({
        type: 'would-have-shown',
        campaignId: exposure.campaignId,
        variantId: armVariant(exposure),
        ...(exposure.messageId !== undefined ? { messageId: exposure.messageId } : {}),
        arm: exposure.arm,
        wouldHaveSeen: exposure.variantId,
        context: exposure.context,
      });
    },
    async observe(snapshot) {
      if (!consentAllowsEvents(options.consent())) return;
      const now = options.clock.now();
      for (const { supply, replacement } of watch.observe(snapshot, now)) {
        if (lastExposure === undefined || now - lastExposure.at > windowMs) continue;
        const { exposure, at } = lastExposure;
        const genuine = options.genuineOf?.(snapshot.id, supply.id);
        await record({
          type: 'replacement',
          campaignId: exposure.campaignId,
          variantId: armVariant(exposure),
          ...(exposure.messageId !== undefined ? { messageId: exposure.messageId } : {}),
          arm: exposure.arm,
          ...(snapshot.identity.model ? { deviceModel: snapshot.identity.model.slice(0, 120) } : {}),
          supplyId: supply.id,
          change: supply.role === 'receptacle' ? 'emptied' : 'refilled',
          fromPercent: replacement.fromPercent,
          toPercent: replacement.toPercent,
          ...(replacement.lowSince !== undefined ? { hoursFromLow: (now - replacement.lowSince) / 3_600_000 } : {}),
          ...(genuine !== undefined ? { genuine } : {}),
          exposedAt: new Date(at).toISOString(),
        });
      }
    },
  };
}
