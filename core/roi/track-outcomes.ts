import type { DeviceSnapshot } from '../../common/device.js';
import { DisposableStore, type Clock, type Disposable } from '../../common/lifecycle.js';
import type { Consent } from '../../common/settings.js';
import type { EngagementService } from '../events/engagement.js';
import type { MessageService } from '../messages/message-service.js';
import { createOutcomeTracker, type OutcomeTrackerOptions } from './outcomes.js';

/**
 * Connects the closed-loop outcomes to the running app: every exposure the message service makes
 * (shown, or withheld from a holdout or control install) and every device snapshot go to the
 * outcome tracker, which records `would-have-shown` and `replacement` events through the event
 * queue. The queue opens asynchronously, so events wait for it rather than being dropped.
 */
export function trackOutcomes(parts: {
  messages: Pick<MessageService, 'onExposed'>;
  devices: { onChanged(listener: (snapshots: DeviceSnapshot[]) => void): Disposable };
  engagement: Promise<EngagementService>;
  consent: () => Consent;
  clock: Clock;
  log: (message: string) => void;
  detection?: OutcomeTrackerOptions['detection'];
}): Disposable {
  // The snapshot being observed: a replacement is genuine when the device says so of the supply now installed.
  const latest = new Map<string, DeviceSnapshot>();
  const tracker = createOutcomeTracker({
    engagement: { record: async (draft) => (await parts.engagement).record(draft) },
    consent: parts.consent,
    clock: parts.clock,
    log: parts.log,
    genuineOf: (deviceId, supplyId) => latest.get(deviceId)?.supplies.find((supply) => supply.id === supplyId)?.genuine,
    ...(parts.detection ? { detection: parts.detection } : {}),
  });
  // One chain: a replacement is attributed to the exposures recorded before it, in the order they happened.
  let chain = Promise.resolve();
  const then = (step: () => Promise<void>): void => {
    chain = chain.then(step).catch((error: unknown) => parts.log(`roi: ${String(error)}`));
  };
  const disposables = new DisposableStore();
  disposables.add(parts.messages.onExposed((exposure) => then(() => tracker.exposed(exposure))));
  disposables.add(
    parts.devices.onChanged((snapshots) => {
      for (const snapshot of snapshots)
        then(() => {
          latest.set(snapshot.id, snapshot);
          return tracker.observe(snapshot);
        });
    }),
  );
  return disposables;
}
