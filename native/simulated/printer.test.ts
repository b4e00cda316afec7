import { describe, expect, it } from 'vitest';
import { DeviceSnapshotSchema } from '../../common/device.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { SimulatedPrinter } from './printer.js';
import { SimulatedSource } from './simulated-source.js';

const read = (printer: SimulatedPrinter) => printer.read(new AbortController().signal);

describe('simulated printer', () => {
  it('has four inks and a waste box, each with a part number', async () => {
    const printer = new SimulatedPrinter({ clock: new FakeTime() });
    const reading = await read(printer);
    expect(reading.supplies.map((supply) => supply.id)).toEqual(['black', 'cyan', 'magenta', 'yellow', 'waste']);
    expect(reading.supplies.find((supply) => supply.id === 'waste')?.role).toBe('receptacle');
    for (const supply of reading.supplies) expect(supply.partNumber).toMatch(/^TS-/);
    expect(reading.identity.model).toBe('Trayside Demo Printer');
  });

  it('drains inks and fills the waste box as simulated time passes, faster at higher speed', async () => {
    const time = new FakeTime();
    const printer = new SimulatedPrinter({ clock: time, speed: 10, levels: { cyan: 50, waste: 10 } });
    await time.advance(3_600_000);
    const reading = await read(printer);
    const cyan = reading.supplies.find((supply) => supply.id === 'cyan');
    const waste = reading.supplies.find((supply) => supply.id === 'waste');
    expect(cyan?.level).toEqual({ kind: 'percent', percent: 41 }); // 10 simulated hours at 0.9 %/h
    expect(waste?.level).toEqual({ kind: 'percent', percent: 12 }); // 10 h at 0.2 %/h
  });

  it('never drains below 0 % and marks an empty ink', async () => {
    const time = new FakeTime();
    const printer = new SimulatedPrinter({ clock: time, speed: 1000 });
    await time.advance(24 * 3_600_000);
    const cyan = (await read(printer)).supplies.find((supply) => supply.id === 'cyan');
    expect(cyan).toMatchObject({ level: { kind: 'percent', percent: 0 }, empty: true, low: true });
  });

  it('reports error states by their IPP reason and clears them', async () => {
    const printer = new SimulatedPrinter({ clock: new FakeTime() });
    printer.setCondition('media-empty', true);
    expect((await read(printer)).conditions).toEqual([
      expect.objectContaining({ code: 'media-empty', severity: 'error', message: expect.stringMatching(/paper out/i) }),
    ]);
    printer.setCondition('media-empty', false);
    expect((await read(printer)).conditions).toEqual([]);
  });

  it('rejects levels and speeds that make no sense, with the reason', () => {
    const printer = new SimulatedPrinter({ clock: new FakeTime() });
    expect(() => printer.setLevel('teal', 5)).toThrow(/Unknown supply "teal"/);
    expect(() => printer.setLevel('cyan', Number.NaN)).toThrow(/0 to 100/);
    expect(() => printer.setSpeed(-1)).toThrow(/speed/);
  });

  it('hangs when unresponsive until the caller aborts', async () => {
    const printer = new SimulatedPrinter({ clock: new FakeTime() });
    printer.setResponsive(false);
    const abort = new AbortController();
    const pending = printer.read(abort.signal);
    abort.abort(new Error('timeout'));
    await expect(pending).rejects.toThrow('timeout');
  });

  it('plugs in and out through its source', async () => {
    const source = new SimulatedSource();
    const events: string[] = [];
    const watch = source.watch((event) => events.push(event.type));
    const printer = new SimulatedPrinter({ clock: new FakeTime() });
    source.attach(printer);
    expect(await source.list()).toEqual([printer]);
    source.detach(printer.id);
    expect(await source.list()).toEqual([]);
    watch.dispose();
    source.attach(printer);
    expect(events).toEqual(['attached', 'detached']);
    expect(DeviceSnapshotSchema.shape.supplies.safeParse((await read(printer)).supplies).success).toBe(true);
  });
});
