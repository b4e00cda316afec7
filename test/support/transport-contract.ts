import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import {
  DeviceConditionSchema,
  DeviceIdentitySchema,
  DeviceSnapshotSchema,
  type DeviceReading,
  type TransportKind,
} from '../../common/device.js';
import { SupplySchema, type SupplyLevel } from '../../common/supply.js';
import type { DeviceSession, DeviceSource, DeviceSourceEvent } from '../../native/transport.js';
import { flushPromises } from './fake-time.js';
import { describeError } from '../../common/errors.js';

// One contract for every DeviceSource/DeviceSession: the simulated devices and the real
// transports must be indistinguishable to the device monitor.

/** The device monitor's defaults (core/device-monitor.ts): a read is aborted after 5 s, the first retry comes 2 s later. */
const MONITOR_READ_TIMEOUT_MS = 5_000;
const MONITOR_FIRST_RETRY_MS = 2_000;
/** A person who plugs a device in expects it in the tray within a few seconds (HID rescans 0.4 s and 2 s after a USB change). */
const HOTPLUG_NOTICE_MS = 3_000;
/** Longer than any fallback rescan (HID: 60 s), so a leftover timer would have fired. */
const AFTER_DISPOSE_MS = 65_000;
/** How finely device time moves while waiting for a read. */
const STEP_MS = 100;

/** One implementation under contract, built fresh for every test. */
export interface TransportContractHarness {
  source: DeviceSource;
  expected: {
    transport: TransportKind;
    /** Supplies every listed device reports (0 for devices without supplies, e.g. USB printer class). */
    minimumSupplies: number;
    /** Supplies whose device reports a state instead of a number (IPP −3 "some left"), by supply id. */
    levelStates?: Record<string, Exclude<SupplyLevel['kind'], 'percent'>>;
  };
  /** Lets `ms` of the implementation's time pass (FakeTime.advance for injected timers). */
  elapse(ms: number): Promise<void>;
  /** The first listed device stops answering; the returned function makes it answer again. */
  makeUnresponsive?: () => () => void;
  /** Most requests the devices were serving at once, where the fake can count. */
  peakInFlight?: () => number;
  /** Hot-plug: plugs in one more device. */
  plug?: () => void | Promise<void>;
  /** Hot-plug: unplugs the device with this id (as list() gave it). */
  unplug?: (id: string) => void | Promise<void>;
  /** Makes enumeration fail the way a machine without the bus does. */
  breakEnumeration?: () => void;
  cleanup(): Promise<void>;
}

type Outcome<T> = { status: 'pending' } | { status: 'resolved'; value: T } | { status: 'rejected'; error: unknown };

/** Follows a promise without awaiting it, so a test can ask "settled yet?" while it moves time. */
function track<T>(promise: Promise<T>): () => Outcome<T> {
  let outcome: Outcome<T> = { status: 'pending' };
  promise.then(
    (value) => {
      outcome = { status: 'resolved', value };
    },
    (error: unknown) => {
      outcome = { status: 'rejected', error };
    },
  );
  return () => outcome;
}

/** Moves device time in steps until the promise settles or `boundMs` has passed. */
async function settleWithin<T>(harness: TransportContractHarness, promise: Promise<T>, boundMs: number): Promise<Outcome<T>> {
  const state = track(promise);
  await harness.elapse(0);
  for (let elapsed = 0; state().status === 'pending' && elapsed < boundMs; elapsed += STEP_MS) {
    await harness.elapse(Math.min(STEP_MS, boundMs - elapsed));
  }
  return state();
}

/** A read as the monitor makes it: its own signal, aborted when the monitor's time limit passes. */
async function monitorRead(harness: TransportContractHarness, session: DeviceSession): Promise<Outcome<DeviceReading>> {
  const controller = new AbortController();
  const outcome = await settleWithin(harness, session.read(controller.signal), MONITOR_READ_TIMEOUT_MS);
  if (outcome.status === 'pending') controller.abort(new Error(`no answer within ${MONITOR_READ_TIMEOUT_MS} ms`));
  return outcome;
}

function expectReading(outcome: Outcome<DeviceReading>, what: string): DeviceReading {
  if (outcome.status === 'rejected') throw new Error(`${what} rejected: ${describeError(outcome.error)}`);
  if (outcome.status === 'pending') throw new Error(`${what} did not settle within the monitor's ${MONITOR_READ_TIMEOUT_MS} ms`);
  return outcome.value;
}

const FactsSchema = DeviceSnapshotSchema.shape.facts;

/** What the panel renders must parse: the monitor puts these straight into a DeviceSnapshot. */
function expectValidReading(reading: DeviceReading, minimumSupplies: number): void {
  DeviceIdentitySchema.parse(reading.identity);
  for (const condition of reading.conditions) DeviceConditionSchema.parse(condition);
  for (const supply of reading.supplies) SupplySchema.parse(supply);
  FactsSchema.parse(reading.facts ?? {});
  expect(reading.identity.manufacturer.trim() + reading.identity.model.trim()).not.toBe('');
  expect(reading.supplies.length).toBeGreaterThanOrEqual(minimumSupplies);
  // The panel keys gauges by supply id: two with one id would show one and hide the other.
  const ids = reading.supplies.map((supply) => supply.id);
  expect(new Set(ids).size).toBe(ids.length);
}

async function ids(source: DeviceSource): Promise<string[]> {
  return (await source.list()).map((session) => session.id);
}

function describeEvent(event: DeviceSourceEvent): string {
  return event.type === 'attached' ? `attached ${event.session.id}` : `detached ${event.id}`;
}

/**
 * Registers the DeviceSource/DeviceSession contract for one implementation. `setup` runs before
 * every test and must list at least one device; `cleanup` runs after.
 */
export function describeTransportContract(name: string, setup: () => Promise<TransportContractHarness>): void {
  describe(`${name}: transport contract`, () => {
    let harness: TransportContractHarness;

    beforeEach(async () => {
      harness = await setup();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    function needs<K extends keyof TransportContractHarness>(
      context: TestContext,
      key: K,
      why: string,
    ): NonNullable<TransportContractHarness[K]> {
      const value = harness[key];
      if (value === undefined) {
        const note = `${name} cannot ${why}`;
        console.info(`skipped: ${note}`);
        context.skip(note);
      }
      return value as NonNullable<TransportContractHarness[K]>;
    }

    it('lists its devices with stable, unique, non-empty ids and the right transport', async () => {
      const first = await harness.source.list();
      expect(first.length).toBeGreaterThan(0);
      for (const session of first) {
        expect(session.id.trim()).not.toBe('');
        expect(session.id.length).toBeLessThanOrEqual(200); // DeviceSnapshotSchema's id limit
        expect(session.transport).toBe(harness.expected.transport);
      }
      expect(new Set(first.map((session) => session.id)).size).toBe(first.length);
      // The monitor keys a device's history by id: the next poll's list must give the same ones.
      expect(await ids(harness.source)).toEqual(first.map((session) => session.id));
    });

    it('list() answers [] instead of rejecting when the bus cannot be enumerated', async (context) => {
      const breakEnumeration = needs(context, 'breakEnumeration', 'lose its bus');
      breakEnumeration();
      await expect(harness.source.list()).resolves.toEqual([]);
    });

    it('reads identity, conditions, supplies and facts that pass the schemas', async () => {
      for (const session of await harness.source.list()) {
        expectValidReading(expectReading(await monitorRead(harness, session), `reading ${session.id}`), harness.expected.minimumSupplies);
      }
    });

    it('never turns a level the device reports as a state into 0 %', async (context) => {
      const states = harness.expected.levelStates;
      if (!states) {
        console.info(`skipped: ${name} reports only percentages`);
        return context.skip(`${name} reports only percentages`);
      }
      const [session] = await harness.source.list();
      const reading = expectReading(await monitorRead(harness, session as DeviceSession), 'reading');
      for (const [id, kind] of Object.entries(states)) {
        const supply = reading.supplies.find((candidate) => candidate.id === id);
        expect(supply, `supply ${id}`).toBeDefined();
        expect(supply?.level).toEqual({ kind });
        // A state is not "empty": only the device's own report could say so, and these fixtures do not.
        expect(supply?.empty).toBe(false);
      }
    });

    it('a read aborted through its signal rejects at once, and the next read gets a reading (no stuck lock)', async (context) => {
      const makeUnresponsive = needs(context, 'makeUnresponsive', 'be made to stop answering');
      const [session] = (await harness.source.list()) as [DeviceSession];
      expectReading(await monitorRead(harness, session), 'the first read');

      const answerAgain = makeUnresponsive();
      const controller = new AbortController();
      const hung = track(session.read(controller.signal));
      await harness.elapse(0);
      expect(hung().status, 'a device that stopped answering gives no reading').toBe('pending');
      controller.abort(new Error(`no answer within ${MONITOR_READ_TIMEOUT_MS} ms`));
      // Promptly = before any device time passes: only already-queued callbacks may run.
      await flushPromises();
      expect(hung().status).toBe('rejected');

      answerAgain();
      await harness.elapse(MONITOR_FIRST_RETRY_MS);
      expectValidReading(expectReading(await monitorRead(harness, session), "the monitor's retry"), harness.expected.minimumSupplies);
    });

    it('overlapping reads: one request at a time reaches the device, and both get a reading', async () => {
      const [session] = (await harness.source.list()) as [DeviceSession];
      const both = Promise.all([session.read(new AbortController().signal), session.read(new AbortController().signal)]);
      const outcome = await settleWithin(harness, both, 2 * MONITOR_READ_TIMEOUT_MS);
      expect(outcome.status).toBe('resolved');
      if (outcome.status === 'resolved') for (const reading of outcome.value) expectValidReading(reading, harness.expected.minimumSupplies);
      if (harness.peakInFlight) expect(harness.peakInFlight()).toBe(1);
    });

    it('close() resolves, and a read of the closed session rejects instead of opening the device again', async () => {
      const [session] = (await harness.source.list()) as [DeviceSession];
      expectReading(await monitorRead(harness, session), 'the first read');
      await expect(session.close()).resolves.toBeUndefined();
      const after = await monitorRead(harness, session);
      expect(after.status).toBe('rejected');
      if (after.status === 'rejected') expect(String(after.error)).toContain(session.id);
    });

    it('watch() gives a disposable, and after dispose no events arrive', async () => {
      const events: string[] = [];
      const subscription = harness.source.watch((event) => events.push(describeEvent(event)));
      await harness.elapse(0);
      subscription.dispose();
      const [first] = await ids(harness.source);
      await harness.plug?.();
      await harness.unplug?.(first as string);
      await harness.elapse(AFTER_DISPOSE_MS);
      expect(events).toEqual([]);
    });

    it('hot-plug: attach and detach carry the ids list() gives, once each, and an attached device reads', async (context) => {
      const plug = needs(context, 'plug', 'hot-plug');
      const unplug = needs(context, 'unplug', 'hot-unplug');
      const before = await ids(harness.source);
      const events: DeviceSourceEvent[] = [];
      const subscription = harness.source.watch((event) => events.push(event));
      try {
        await harness.elapse(0);

        await plug();
        await harness.elapse(HOTPLUG_NOTICE_MS);
        const added = (await ids(harness.source)).filter((id) => !before.includes(id));
        expect(added).toHaveLength(1);
        const newId = added[0] as string;
        expect(events.map(describeEvent)).toEqual([`attached ${newId}`]);
        const attached = events[0] as Extract<DeviceSourceEvent, { type: 'attached' }>;
        expect(attached.session.transport).toBe(harness.expected.transport);
        expectValidReading(
          expectReading(await monitorRead(harness, attached.session), 'reading the attached device'),
          harness.expected.minimumSupplies,
        );

        await unplug(newId);
        await harness.elapse(HOTPLUG_NOTICE_MS);
        // A device listed before watch() began must be reported too when it goes.
        const firstId = before[0] as string;
        await unplug(firstId);
        await harness.elapse(HOTPLUG_NOTICE_MS);
        expect(events.slice(1).map(describeEvent)).toEqual([`detached ${newId}`, `detached ${firstId}`]);
        expect(await ids(harness.source)).toEqual(before.slice(1));
      } finally {
        subscription.dispose();
      }
    });
  });
}
