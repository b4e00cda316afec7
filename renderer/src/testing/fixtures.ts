// Device snapshots as the core sends them, for the panel's unit tests.
import type { DeviceSnapshot } from '../../../common/device.js';
import { classifySupply, type SupplyReading } from '../../../common/supply.js';

const ink = (id: string, name: string, hex: string, percent: number): SupplyReading => ({
  id,
  name,
  kind: 'ink',
  role: 'consumable',
  color: { name: id, hex },
  level: { kind: 'percent', percent },
  lowThreshold: 10,
  partNumber: `TS-805XL-${id[0]!.toUpperCase()}`,
});

/** The demo printer as the monitor describes it; override any field. */
export function demoPrinter(overrides: Partial<DeviceSnapshot> = {}): DeviceSnapshot {
  return {
    id: 'simulated:TS-DEMO-0001',
    transport: 'simulated',
    identity: { manufacturer: 'Trayside', model: 'Trayside Demo Printer', serial: 'TS-DEMO-0001', commandSet: [] },
    state: 'ok',
    statusLine: 'Ready',
    conditions: [],
    supplies: [
      ink('black', 'Black ink', '#1a1a1a', 64),
      ink('cyan', 'Cyan ink', '#00a0d8', 23),
      ink('magenta', 'Magenta ink', '#d4007f', 71),
      ink('yellow', 'Yellow ink', '#f2c200', 88),
      {
        id: 'waste',
        name: 'Waste ink box',
        kind: 'waste',
        role: 'receptacle',
        level: { kind: 'percent', percent: 35 },
        lowThreshold: 90,
        partNumber: 'TS-WB10',
      },
    ].map((reading) => classifySupply(reading as SupplyReading)),
    facts: {},
    stale: false,
    updatedAt: Date.UTC(2025, 0, 15, 10, 42),
    ...overrides,
  };
}
