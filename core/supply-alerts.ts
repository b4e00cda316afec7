import type { DeviceSnapshot } from '../common/device.js';
import type { Disposable } from '../common/lifecycle.js';
import { supplyUrgency, type Supply } from '../common/supply.js';
import { activeTranslator } from '../common/l10n/active-translator.js';
import { describeLevelIn } from '../common/l10n/supply-words.js';
import type { Translator } from '../common/l10n/translator.js';

/** One OS notification. `deviceId` lets a click open the panel at that device. */
export interface SupplyNotification {
  title: string;
  body: string;
  deviceId: string;
}

/** Shows notifications: Electron's Notification in the shell, a log line in the Node host. */
export interface Notifier {
  show(notification: SupplyNotification): void;
}

/** What supply alerts watch and where they speak. */
export interface SupplyAlertsOptions {
  onSnapshots(listener: (snapshots: DeviceSnapshot[]) => void): Disposable;
  notificationsPaused(): boolean;
  notifier: Notifier;
  log?: (message: string) => void;
}

/**
 * A refill must lift the level this many points clear of the low mark before the alert re-arms,
 * so a level that wobbles around the mark between polls (9.9 %, 10.1 %, 9.8 %) alerts once.
 */
export const REARM_MARGIN = 5;

function rearmed(supply: Supply): boolean {
  if (supply.low) return false;
  if (supply.level.kind !== 'percent') return true;
  const percent = supply.level.percent;
  return supply.role === 'consumable' ? percent >= supply.lowThreshold + REARM_MARGIN : percent <= supply.lowThreshold - REARM_MARGIN;
}

/** The words of one alert: "Cyan ink low" / "Trayside Demo Printer: 8 % left. Part TS-805XL-C." */
export function describeAlert(snapshot: DeviceSnapshot, supply: Supply, { t }: Translator = activeTranslator()): SupplyNotification {
  const device = snapshot.identity.model || t('alert.yourDevice');
  const part = supply.partNumber ? ` ${t('alert.part', { part: supply.partNumber })}` : '';
  const level = describeLevelIn(supply.level, t);
  const values = { supply: supply.name, device, level };
  const words = (title: Parameters<typeof t>[0], body: Parameters<typeof t>[0]): SupplyNotification => ({
    title: t(title, values),
    body: `${t(body, values)}${part}`,
    deviceId: snapshot.id,
  });
  if (supply.role === 'receptacle') {
    return supply.empty
      ? words('alert.receptacleFull.title', 'alert.receptacleFull.body')
      : words('alert.receptacleNearlyFull.title', 'alert.receptacleNearlyFull.body');
  }
  if (supply.empty) return words('alert.empty.title', 'alert.empty.body');
  return words('alert.low.title', supply.level.kind === 'percent' ? 'alert.low.bodyLevel' : 'alert.low.bodyRunning');
}

/**
 * Notifies once when a supply crosses into low, and once more if it then runs empty; not on
 * every poll. The first time a supply is seen already low counts as a crossing, so the owner
 * hears about it once after a start. A refill re-arms the alert. While notifications are paused
 * a crossing is logged and dropped: the tray and panel still show it, and it does not pile up
 * into a burst when the pause ends.
 */
export function createSupplyAlerts(options: SupplyAlertsOptions): Disposable {
  const log = options.log ?? (() => undefined);
  /** Highest urgency already announced per device/supply; 0 = armed. */
  const announced = new Map<string, number>();

  const onSnapshots = (snapshots: DeviceSnapshot[]): void => {
    for (const snapshot of snapshots) {
      // Stale values are the last good reading again, not news.
      if (snapshot.stale) continue;
      for (const supply of snapshot.supplies) {
        const key = `${snapshot.id}\u0000${supply.id}`;
        const urgency = supplyUrgency(supply);
        const before = announced.get(key) ?? 0;
        if (urgency > before) {
          announced.set(key, urgency);
          const notification = describeAlert(snapshot, supply);
          if (options.notificationsPaused()) log(`alerts: notifications paused, not shown: ${notification.title}`);
          else options.notifier.show(notification);
        } else if (before > 0 && rearmed(supply)) {
          announced.set(key, 0);
        }
      }
    }
  };

  return options.onSnapshots(onSnapshots);
}
