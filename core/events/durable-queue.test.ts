import { appendFile, chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../common/events.js';
import { DurableQueue } from './durable-queue.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trayside-queue-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
function event(type: DeviceEvent['type'] = 'impression', extra: Partial<DeviceEvent> = {}): DeviceEvent {
  counter += 1;
  const id = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  const base = { id, at: '2026-11-23T09:00:00.000Z', campaignId: 'cyan-low', variantId: 'a' };
  if (type === 'feedback') return { ...base, type, feedback: { kind: 'rating', value: 4 } } as DeviceEvent;
  return { ...base, type, ...extra } as DeviceEvent;
}

describe('DurableQueue', () => {
  it('keeps pending events across a reopen and forgets acknowledged ones', async () => {
    const path = join(dir, 'events.log');
    const queue = await DurableQueue.open(path);
    const events = [event(), event('open'), event('feedback')];
    for (const item of events) await queue.enqueue(item);
    await queue.acknowledge([events[0]!.id]);
    await queue.close();

    const reopened = await DurableQueue.open(path);
    expect(reopened.peek(10).map((item) => item.id)).toEqual([events[1]!.id, events[2]!.id]);
    await reopened.close();
  });

  it('cuts a torn last record and keeps everything before it', async () => {
    const path = join(dir, 'events.log');
    const queue = await DurableQueue.open(path);
    const kept = event();
    await queue.enqueue(kept);
    await queue.close();
    const whole = await readFile(path);
    // Half a record, as a crash in the middle of a write leaves it.
    await appendFile(path, whole.subarray(0, Math.floor(whole.length / 2)));

    const reopened = await DurableQueue.open(path);
    expect(reopened.peek(10).map((item) => item.id)).toEqual([kept.id]);
    expect(reopened.stats().tornBytes).toBe(Math.floor(whole.length / 2));
    expect((await stat(path)).size).toBe(whole.length);
    // Appends after recovery start on a clean line.
    const next = event();
    await reopened.enqueue(next);
    await reopened.close();
    const again = await DurableQueue.open(path);
    expect(again.peek(10).map((item) => item.id)).toEqual([kept.id, next.id]);
    await again.close();
  });

  it('skips a record whose checksum does not match and keeps the rest', async () => {
    const path = join(dir, 'events.log');
    const queue = await DurableQueue.open(path);
    const [a, b, c] = [event(), event(), event()];
    for (const item of [a!, b!, c!]) await queue.enqueue(item);
    await queue.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[1] = lines[1]!.replace('"campaignId":"cyan-low"', '"campaignId":"cyan-lox"');
    await writeFile(path, lines.join('\n'));

    const reopened = await DurableQueue.open(path);
    expect(reopened.peek(10).map((item) => item.id)).toEqual([a!.id, c!.id]);
    expect(reopened.stats().corruptLines).toBe(1);
    await reopened.close();
  });

  it('keeps a last record whose checksum holds and that lacks only its newline, and appends after it on a fresh line', async () => {
    const path = join(dir, 'events.log');
    const queue = await DurableQueue.open(path);
    const [first, last] = [event(), event('feedback')];
    await queue.enqueue(first!);
    await queue.enqueue(last!);
    await queue.close();
    // As a copy tool or an editor that strips the final newline leaves it: every byte of the record is there.
    const whole = await readFile(path, 'utf8');
    await writeFile(path, whole.slice(0, -1));

    const reopened = await DurableQueue.open(path);
    expect(reopened.peek(10).map((item) => item.id)).toEqual([first!.id, last!.id]);
    expect(reopened.stats().tornBytes).toBe(0);
    const next = event();
    await reopened.enqueue(next);
    await reopened.close();
    const again = await DurableQueue.open(path);
    expect(again.peek(10).map((item) => item.id)).toEqual([first!.id, last!.id, next.id]);
    expect(again.stats().corruptLines).toBe(0);
    await again.close();
  });

  it('keeps a .damaged copy of a file none of whose records can be read before dropping them', async () => {
    const path = join(dir, 'events.log');
    const garbage = 'this is not a queue\nand never was';
    await writeFile(path, garbage);
    const lines: string[] = [];
    const queue = await DurableQueue.open(path, { log: (line) => lines.push(line) });
    expect(queue.size).toBe(0);
    await queue.close();
    const copies = (await readdir(dir)).filter((name) => name.startsWith('events.log.damaged-'));
    expect(copies).toHaveLength(1);
    expect(await readFile(join(dir, copies[0]!), 'utf8')).toBe(garbage);
    expect(lines.some((line) => line.includes(path) && line.includes(copies[0]!))).toBe(true);
  });

  it('creates events.log readable by its owner only (it holds feedback text and the install id)', async () => {
    const path = join(dir, 'events.log');
    const queue = await DurableQueue.open(path, { compactAtBytes: 1 });
    await queue.enqueue(event('feedback'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    // A compaction writes a new file and renames it over the old one: it must be 0600 too.
    await queue.clear();
    expect(queue.stats().compactions).toBeGreaterThan(0);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await queue.close();
  });

  it('narrows an events.log an older version left 0644', async () => {
    const path = join(dir, 'events.log');
    await writeFile(path, '', { mode: 0o644 });
    await chmod(path, 0o644);
    const queue = await DurableQueue.open(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await queue.close();
  });

  it('drops the oldest impressions first when full, never feedback while impressions remain', async () => {
    const queue = await DurableQueue.open(join(dir, 'events.log'), { maxEvents: 3 });
    const feedback = event('feedback');
    const first = event();
    const second = event();
    await queue.enqueue(feedback);
    await queue.enqueue(first);
    await queue.enqueue(second);
    const third = event();
    await queue.enqueue(third);
    expect(queue.peek(10).map((item) => item.id)).toEqual([feedback.id, second.id, third.id]);
    expect(queue.stats().dropped).toBe(1);
    await queue.close();
    const reopened = await DurableQueue.open(join(dir, 'events.log'), { maxEvents: 3 });
    expect(reopened.peek(10).map((item) => item.id)).toEqual([feedback.id, second.id, third.id]);
    await reopened.close();
  });

  it('compacts a mostly spent file and loses nothing pending', async () => {
    const path = join(dir, 'events.log');
    const queue = await DurableQueue.open(path, { compactAtBytes: 4096 });
    const keep: string[] = [];
    for (let index = 0; index < 200; index += 1) {
      const item = event();
      await queue.enqueue(item);
      if (index % 10 === 0) keep.push(item.id);
      else await queue.acknowledge([item.id]);
    }
    expect(queue.stats().compactions).toBeGreaterThan(0);
    expect(queue.stats().fileBytes).toBeLessThan(4096 * 2);
    await queue.close();
    const reopened = await DurableQueue.open(path);
    expect(reopened.peek(1000).map((item) => item.id)).toEqual(keep);
    await reopened.close();
  });

  it('refuses an event too large to ever upload and leaves the queue as it was', async () => {
    const queue = await DurableQueue.open(join(dir, 'events.log'));
    await queue.enqueue(event());
    const huge = { ...event('feedback'), feedback: { kind: 'text', text: 'x'.repeat(20_000) } } as DeviceEvent;
    await expect(queue.enqueue(huge)).rejects.toThrow(/limit is 16384/);
    expect(queue.size).toBe(1);
    await queue.close();
  });

  it('clear() removes everything, also after a reopen', async () => {
    const path = join(dir, 'events.log');
    const queue = await DurableQueue.open(path);
    for (let index = 0; index < 5; index += 1) await queue.enqueue(event());
    await queue.clear();
    expect(queue.size).toBe(0);
    await queue.close();
    expect((await stat(path)).size).toBe(0);
    const reopened = await DurableQueue.open(path);
    expect(reopened.size).toBe(0);
    await reopened.close();
  });
});
