import type { Clock, Timers } from '../../common/lifecycle.js';
import type { CoreNotifier, CoreOptions } from '../../core/core.js';
import type { MessageNotification } from '../../core/messages/notifier.js';
import { memorySettingsStorage } from '../../core/settings-service.js';
import type { SupplyNotification } from '../../core/supply-alerts.js';
import { SimulatedPrinter } from '../../native/simulated/printer.js';
import { SimulatedSource } from '../../native/simulated/simulated-source.js';

/** A fixed machine for tests: Linux, English, UTC, so targeting does not depend on the machine running them. */
export const TEST_ENVIRONMENT = { os: 'linux', osVersion: '6.1', appVersion: '0.0.0-test', systemLocale: 'en', timeZone: 'UTC' } as const;

/** Core options for tests: one simulated printer, settings in memory, nothing stored, a silent log; override what a test cares about. */
export function testCoreOptions(time: Clock & Timers, overrides: Partial<CoreOptions> = {}): CoreOptions {
  return {
    appInfo: { name: 'Trayside', version: '0.0.0-test', host: 'node', platform: 'linux' },
    environment: TEST_ENVIRONMENT,
    sources: [new SimulatedSource([new SimulatedPrinter({ clock: time })])],
    settingsStorage: memorySettingsStorage(),
    clock: time,
    timers: time,
    log: () => undefined,
    ...overrides,
  };
}

/** A notifier that records what a test cares about: supply alerts, urgent messages, or both. */
export function recordingNotifier(record: {
  supply?: (notification: SupplyNotification) => void;
  message?: (notification: MessageNotification) => void;
  badge?: (count: number) => void;
}): CoreNotifier {
  return {
    show: (notification) => ('messageId' in notification ? record.message?.(notification) : record.supply?.(notification)),
    setBadge: (count) => record.badge?.(count),
  };
}
