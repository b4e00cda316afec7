import { describe, expect, it } from 'vitest';
import type { DeviceReading } from '../../common/device.js';
import { classifySupply } from '../../common/supply.js';
import { FixedStateDevice } from './fixed-state-device.js';

const reading: DeviceReading = {
  identity: { manufacturer: 'Acme', model: 'Acme Jet 200', commandSet: [] },
  conditions: [],
  supplies: [
    classifySupply({
      id: 'cyan',
      name: 'Cyan',
      kind: 'ink',
      role: 'consumable',
      color: { name: 'cyan' },
      level: { kind: 'percent', percent: 9 },
      lowThreshold: 15,
    }),
  ],
};

describe('FixedStateDevice', () => {
  it('reports the same reading on every read, however the caller changes what it got', async () => {
    const device = new FixedStateDevice('simulated:preview', reading);
    const first = await device.read(new AbortController().signal);
    first.supplies[0]!.name = 'changed by the caller';
    expect(await device.read(new AbortController().signal)).toEqual(reading);
    expect(first.supplies[0]!.low).toBe(true);
  });

  it('honours an aborted signal and refuses reads once closed', async () => {
    const device = new FixedStateDevice('simulated:preview', reading);
    const aborted = new AbortController();
    aborted.abort();
    await expect(device.read(aborted.signal)).rejects.toThrow();
    await device.close();
    await expect(device.read(new AbortController().signal)).rejects.toThrow(/closed/);
  });
});
