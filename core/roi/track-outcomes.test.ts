import { describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '../../common/device.js';
import type { DeviceEventDraft } from '../../common/events.js';
import { Emitter } from '../../common/lifecycle.js';
import { SimulatedPrinter } from '../../native/simulated/printer.js';
import type { EngagementService } from '../events/engagement.js';
import type { Exposure } from './outcomes.js';
import { trackOutcomes } from './track-outcomes.js';

const exposure: Exposure = {
  campaignId: 'ink-low',
  variantId: 'a',
  arm: 'treated',
  context: { trigger: 'supply-below', supplyId: 'cyan', percent: 8 },
};

/** The tracker as the core wires it, fed with snapshots read from a simulated printer. */
function harness(printer: SimulatedPrinter, clock: { now: () => number }) {
  const recorded: DeviceEventDraft[] = [];
  const exposed = new Emitter<Exposure>();
  const changed = new Emitter<DeviceSnapshot[]>();
  const engagement = { record: async (draft: DeviceEventDraft) => (recorded.push(draft), { recorded: true }) };
  const tracking = trackOutcomes({
    messages: { onExposed: (listener) => exposed.on(listener) },
    devices: { onChanged: (listener) => changed.on(listener) },
    engagement: Promise.resolve(engagement as unknown as EngagementService),
    consent: () => 'anonymous-usage',
    clock,
    log: () => undefined,
  });
  const read = async (): Promise<void> => {
    const reading = await printer.read(new AbortController().signal);
    changed.fire([
      {
        id: printer.id,
        transport: 'simulated',
        ...reading,
        state: 'ok',
        statusLine: 'Ready',
        facts: {},
        stale: false,
        updatedAt: clock.now(),
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { recorded, exposed, read, tracking };
}

describe('outcome tracking in the core: genuine supplies', () => {
  it('marks the refill of a supply the printer reports genuine, and says nothing of one it does not report', async () => {
    let now = Date.parse('2026-03-02T09:00:00Z');
    const clock = { now: () => now };
    const printer = new SimulatedPrinter({ clock, speed: 0, levels: { cyan: 8, magenta: 6 } });
    const { recorded, exposed, read, tracking } = harness(printer, clock);
    await read();
    exposed.fire(exposure);
    now += 3_600_000;
    printer.setLevel('cyan', 100, { genuine: true });
    printer.setLevel('magenta', 100);
    await read();
    tracking.dispose();
    const replacements = recorded.filter((event) => event.type === 'replacement');
    expect(replacements.map((event) => event.supplyId).sort()).toEqual(['cyan', 'magenta']);
    const cyan = replacements.find((event) => event.supplyId === 'cyan')!;
    const magenta = replacements.find((event) => event.supplyId === 'magenta')!;
    expect(cyan).toMatchObject({ type: 'replacement', campaignId: 'ink-low', change: 'refilled', genuine: true });
    expect(magenta).not.toHaveProperty('genuine');
  });

  it('reports genuine: false when the printer says the new supply is not genuine', async () => {
    let now = 0;
    const clock = { now: () => now };
    const printer = new SimulatedPrinter({ clock, speed: 0, levels: { black: 5 }, genuine: { black: true } });
    const { recorded, exposed, read, tracking } = harness(printer, clock);
    await read();
    exposed.fire({ ...exposure, context: { trigger: 'supply-below', supplyId: 'black', percent: 5 } });
    now += 60_000;
    printer.setLevel('black', 95, { genuine: false });
    await read();
    tracking.dispose();
    expect(recorded.filter((event) => event.type === 'replacement')).toEqual([
      expect.objectContaining({ supplyId: 'black', genuine: false }),
    ]);
  });
});
