import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '../common/device.js';
import { SimulatedPrinter } from '../native/simulated/printer.js';
import { SimulatedSource } from '../native/simulated/simulated-source.js';
import type { DeviceSource } from '../native/transport.js';
import { FakeTime } from '../test/support/fake-time.js';
import { createDeviceMonitor, type DeviceMonitor } from './device-monitor.js';

let monitor: DeviceMonitor | undefined;
afterEach(() => monitor?.dispose());

function setup(options: { sources?: DeviceSource[]; printer?: SimulatedPrinter; time?: FakeTime } = {}) {
  const time = options.time ?? new FakeTime();
  const printer = options.printer ?? new SimulatedPrinter({ clock: time });
  const source = new SimulatedSource([printer]);
  const log: string[] = [];
  monitor = createDeviceMonitor({
    sources: options.sources ?? [source],
    clock: time,
    timers: time,
    pollIntervalMs: 30_000,
    readTimeoutMs: 5_000,
    initialBackoffMs: 2_000,
    maxBackoffMs: 60_000,
    log: (message) => log.push(message),
  });
  const published: DeviceSnapshot[][] = [];
  monitor.onChanged((snapshots) => published.push(snapshots));
  return { time, printer, source, monitor, published, log };
}

describe('device monitor', () => {
  it('reads an attached printer and publishes its supplies and status line', async () => {
    const { monitor, time } = setup();
    await monitor.start();
    await time.advance(0);
    const [snapshot] = monitor.snapshots();
    expect(snapshot).toMatchObject({ id: 'simulated:TS-DEMO-0001', state: 'ok', stale: false, statusLine: 'Ready' });
    expect(snapshot?.supplies).toHaveLength(5);
  });

  it('notices a supply going low on the next poll, and publishes only when something changed', async () => {
    const { monitor, time, printer, published } = setup();
    await monitor.start();
    await time.advance(0);
    const before = published.length;
    await time.advance(30_000); // a poll that changes nothing visible at speed 1 ... levels move by a hair
    printer.setSpeed(0);
    await time.advance(30_000);
    const quiet = published.length;
    await time.advance(30_000);
    expect(published.length).toBe(quiet); // nothing changed: no event
    printer.setLevel('cyan', 4);
    await time.advance(30_000);
    expect(published.length).toBeGreaterThan(before);
    const cyan = monitor.snapshots()[0]?.supplies.find((supply) => supply.id === 'cyan');
    expect(cyan).toMatchObject({ low: true });
    expect(monitor.snapshots()[0]).toMatchObject({ state: 'attention', statusLine: 'Cyan ink low (4 %)' });
  });

  it('shows a paper-out error as the status line', async () => {
    const { monitor, time, printer } = setup();
    printer.setCondition('media-empty', true);
    await monitor.start();
    await time.advance(0);
    expect(monitor.snapshots()[0]).toMatchObject({ state: 'error', statusLine: expect.stringMatching(/Paper out/) });
  });

  it('marks a device that stops answering as stale, keeps its last reading, and backs off', async () => {
    const { monitor, time, printer, log } = setup();
    await monitor.start();
    await time.advance(0);
    printer.setResponsive(false);
    await time.advance(30_000 + 5_000); // poll, then the read times out
    const snapshot = monitor.snapshots()[0];
    expect(snapshot).toMatchObject({ state: 'unreachable', stale: true, statusLine: 'Not responding' });
    expect(snapshot?.supplies).toHaveLength(5);
    // What the printer last said about itself stays for a diagnostics capture, and never reaches the views.
    expect(monitor.identitySources(snapshot!.id)?.ieee1284).toMatchObject({ MFG: 'Trayside', SN: 'TS-DEMO-0001' });
    expect(snapshot).not.toHaveProperty('sources');
    expect(monitor.identitySources('no-such-device')).toBeUndefined();
    await time.advance(2_000 + 5_000 + 4_000 + 5_000); // retries after 2 s, then 4 s: backoff doubles
    expect(log.filter((line) => line.includes('read failed'))).toHaveLength(3);
    printer.setResponsive(true);
    await time.advance(8_000);
    expect(monitor.snapshots()[0]).toMatchObject({ state: 'ok', stale: false });
  });

  it('keeps one read in flight per device', async () => {
    const time = new FakeTime();
    let reads = 0;
    const printer = new SimulatedPrinter({ clock: time });
    const original = printer.read.bind(printer);
    printer.read = (signal) => {
      reads += 1;
      return original(signal);
    };
    const { monitor } = setup({ time, printer });
    await monitor.start();
    await Promise.all([monitor.refresh(printer.id), monitor.refresh(printer.id), monitor.refresh(printer.id)]);
    expect(reads).toBe(1);
  });

  it('follows hot-plug: detach removes the device, attach reads it again', async () => {
    const { monitor, time, printer, source } = setup();
    await monitor.start();
    await time.advance(0);
    source.detach(printer.id);
    expect(monitor.snapshots()).toEqual([]);
    source.attach(new SimulatedPrinter({ clock: time }));
    await time.advance(0);
    expect(monitor.snapshots()).toHaveLength(1);
  });

  it('treats a source that cannot list (no USB bus) as no devices', async () => {
    const broken: DeviceSource = {
      name: 'usb',
      list: () => Promise.reject(new Error('No USB bus found')),
      watch: () => ({ dispose: () => undefined }),
    };
    const { monitor, log } = setup({ sources: [broken] });
    await monitor.start();
    expect(monitor.snapshots()).toEqual([]);
    expect(log.join('\n')).toContain('No USB bus found');
  });

  it('stops reading while paused and re-reads everything on resume', async () => {
    const { monitor, time, printer } = setup();
    await monitor.start();
    await time.advance(0);
    monitor.pause();
    expect(time.pendingCount).toBe(0);
    printer.setLevel('black', 3);
    monitor.resume();
    await time.advance(0);
    expect(monitor.snapshots()[0]?.supplies.find((supply) => supply.id === 'black')).toMatchObject({ low: true });
  });

  it('leaves no timer behind when disposed', async () => {
    const { monitor, time } = setup();
    await monitor.start();
    await time.advance(0);
    expect(time.pendingCount).toBeGreaterThan(0);
    monitor.dispose();
    expect(time.pendingCount).toBe(0);
  });
});
