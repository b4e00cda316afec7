import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { DeviceReading } from '../../common/device.js';
import type { Timers } from '../../common/lifecycle.js';
import { CupsSource, listCupsQueues } from '../../native/cups/cups-source.js';
import { describeTransportContract } from '../support/transport-contract.js';

// Against the real cupsd that scripts/cups/run.sh starts (its own config dir and port), with an
// IPP Everywhere queue in front of ippeveprinter, whose print command reports marker-* levels.

const run = promisify(execFile);
const server = process.env.TRAYSIDE_CUPS_SERVER ?? '';
const queue = process.env.TRAYSIDE_CUPS_QUEUE ?? 'trayside';
if (!server) throw new Error('TRAYSIDE_CUPS_SERVER is not set: run this tier with scripts/cups/run.sh');

async function readQueue(): Promise<DeviceReading> {
  const source = new CupsSource({ server });
  const sessions = await source.list();
  const session = sessions.find((candidate) => candidate.id.endsWith(`/${queue}`));
  if (!session)
    throw new Error(
      `queue ${queue} not listed; got ${sessions.map((s) => s.id).join(', ') || 'none'} (${source.problem ?? 'no problem reported'})`,
    );
  return session.read(AbortSignal.timeout(10_000));
}

function blackLevel(reading: DeviceReading): number | undefined {
  const black = reading.supplies.find((supply) => supply.name === 'Black');
  return black?.level.kind === 'percent' ? black.level.percent : undefined;
}

async function printJob(): Promise<void> {
  const file = join(tmpdir(), `trayside-cups-job-${process.pid}.txt`);
  writeFileSync(file, 'Trayside CUPS tier test page\n');
  await run('lp', ['-h', server, '-d', queue, file], { env: { ...process.env, CUPS_SERVER: server } });
}

/** CUPS relays new levels when the job has gone through the queue: wait for the value to change. */
async function levelAfterJob(before: number | undefined): Promise<DeviceReading> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const reading = await readQueue();
    const level = blackLevel(reading);
    if (level !== undefined && level !== before) return reading;
    if (Date.now() > deadline)
      throw new Error(`the queue's Black level stayed ${String(before)} for 45 s after the job; facts: ${JSON.stringify(reading.facts)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('CUPS source against a real cupsd', () => {
  it('lists the queue with an identity that is not "Printer - IPP Everywhere" nor its uuid, and says when it has no levels yet', async () => {
    const reading = await readQueue();
    expect(reading.identity.manufacturer).not.toBe('Printer');
    expect(reading.identity.serial ?? '').not.toMatch(/^urn:uuid:/);
    expect(reading.facts?.['CUPS queue']).toBe(queue);
    if (reading.supplies.length === 0) expect(reading.facts?.['Levels']).toMatch(/no levels for this queue yet/);
  });

  it('after a job the levels change, stamped "as of" the time CUPS heard them', async () => {
    const before = blackLevel(await readQueue());
    const startedSeconds = Math.floor(Date.now() / 1000);
    await printJob();
    const first = await levelAfterJob(before);
    expect(blackLevel(first)).toBe(53);
    const black = first.supplies.find((supply) => supply.name === 'Black');
    expect(black?.color?.hex).toBe('#000000');
    expect(black?.levelsAsOf).toBeGreaterThanOrEqual(startedSeconds * 1000);
    expect(black?.levelsAsOf).toBeLessThanOrEqual(Date.now());
    expect(first.facts?.['Levels as of']).toBe(new Date(black!.levelsAsOf!).toISOString());

    await printJob();
    const second = await levelAfterJob(53);
    expect(blackLevel(second)).toBe(46);
    expect(second.supplies.find((supply) => supply.name === 'Black')?.levelsAsOf).toBeGreaterThanOrEqual(black!.levelsAsOf!);
  });
});

/**
 * Device time for the contract suite runs this many times faster than the wall clock: the source's
 * rescan (2 s) and the contract's waits (3 s notice, 65 s after dispose) shrink alike, while each
 * request's own time limit is stretched back to real seconds, so cupsd is never hurried.
 */
const TIME_SCALE = 10;
const scaledTimers: Timers = {
  setTimeout: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs / TIME_SCALE);
    return { dispose: () => clearTimeout(handle) };
  },
};
const cupsdPid = Number(process.env.TRAYSIDE_CUPS_PID ?? '') || undefined;
const printerUri = process.env.TRAYSIDE_CUPS_PRINTER_URI ?? '';
const PLUGGED_QUEUE = 'trayside-plugged';

async function lpadmin(...args: string[]): Promise<void> {
  await run('lpadmin', args, { env: { ...process.env, CUPS_SERVER: server } });
}

/** Puts the tier's queues back the way run.sh made them: the main queue there, no plugged one. */
async function restoreQueues(): Promise<void> {
  const names = (await listCupsQueues(server)).map((listed) => listed.name);
  if (names.includes(PLUGGED_QUEUE)) await lpadmin('-x', PLUGGED_QUEUE);
  if (!names.includes(queue) && printerUri) await lpadmin('-p', queue, '-E', '-v', printerUri, '-m', 'everywhere');
}

describeTransportContract('CupsSource (real cupsd on loopback)', async () => {
  if (printerUri) await restoreQueues();
  // CUPS has levels only after a job went through (a re-made queue has none): print one first.
  if ((await readQueue()).supplies.length === 0) {
    await printJob();
    await levelAfterJob(undefined);
  }
  const source = new CupsSource({ server, timers: scaledTimers, timeoutMs: 5_000 * TIME_SCALE });
  let paused = false;
  const resume = () => {
    if (paused && cupsdPid) process.kill(cupsdPid, 'SIGCONT');
    paused = false;
  };
  return {
    source,
    // The main queue has Black, Waste and Cyan, which the print command reports as -3 ("some left"); a plugged-in raw queue has none.
    expected: { transport: 'ipp', minimumSupplies: 0, levelStates: { 'marker-3': 'some-left' } },
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms / TIME_SCALE)),
    breakEnumeration: () => {
      (source as unknown as { server: string }).server = '127.0.0.1:1';
    },
    // A scheduler that stops answering: cupsd paused with SIGSTOP (the kernel still accepts the connection).
    ...(cupsdPid
      ? {
          makeUnresponsive: () => {
            process.kill(cupsdPid, 'SIGSTOP');
            paused = true;
            return resume;
          },
        }
      : {}),
    // CUPS's hot-plug: a queue added and removed with lpadmin (a raw queue to a file device, made at once).
    ...(printerUri
      ? {
          plug: () => lpadmin('-p', PLUGGED_QUEUE, '-E', '-v', 'file:///dev/null'),
          unplug: async (id: string) => lpadmin('-x', decodeURIComponent(id.slice(id.lastIndexOf('/') + 1))),
        }
      : {}),
    cleanup: async () => {
      resume();
      if (printerUri) await restoreQueues();
    },
  };
});
if (!cupsdPid)
  console.info(
    'skipped: CUPS contract "stops answering": TRAYSIDE_CUPS_PID is not set (scripts/cups/run.sh sets it for its own cupsd; the system cupsd is never paused)',
  );
if (!printerUri)
  console.info(
    "skipped: CUPS contract hot-plug: TRAYSIDE_CUPS_PRINTER_URI is not set (scripts/cups/run.sh sets it; queues are added and removed only on a cupsd of the tier's own)",
  );
