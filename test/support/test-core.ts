import type { Clock, Timers } from '../../common/lifecycle.js';
import type { CoreOptions } from '../../core/core.js';
import { memorySettingsStorage } from '../../core/settings-service.js';
import { SimulatedPrinter } from '../../native/simulated/printer.js';
import { SimulatedSource } from '../../native/simulated/simulated-source.js';

/** Core options for tests: one simulated printer, settings in memory, a silent log; override what a test cares about. */
export function testCoreOptions(time: Clock & Timers, overrides: Partial<CoreOptions> = {}): CoreOptions {
  return {
    appInfo: { name: 'Trayside', version: '0.0.0-test', host: 'node', platform: 'linux' },
    sources: [new SimulatedSource([new SimulatedPrinter({ clock: time })])],
    settingsStorage: memorySettingsStorage(),
    clock: time,
    timers: time,
    log: () => undefined,
    ...overrides,
  };
}
