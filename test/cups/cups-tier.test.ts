import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { DeviceReading } from '../../common/device.js';
import { CupsSource } from '../../native/cups/cups-source.js';
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
  if (!session) throw new Error(`queue ${queue} not listed; got ${sessions.map((s) => s.id).join(', ') || 'none'} (${source.problem ?? 'no problem reported'})`);
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
    if (Date.now() > deadline) throw new Error(`the queue's Black level stayed ${String(before)} for 45 s after the job; facts: ${JSON.stringify(reading.facts)}`);
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

describeTransportContract('CupsSource (real cupsd on loopback)', async () => {
  const source = new CupsSource({ server });
  return {
    source,
    expected: { transport: 'ipp', minimumSupplies: 0 },
    // Real time: the scheduler answers in milliseconds.
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))),
    breakEnumeration: () => {
      (source as unknown as { server: string }).server = '127.0.0.1:1';
    },
    cleanup: async () => undefined,
  };
});
