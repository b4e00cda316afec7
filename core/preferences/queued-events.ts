import { readFile } from 'node:fs/promises';
import { DeviceEventSchema, type DeviceEvent } from '../../common/events.js';
import { decodeChecksummedLine } from '../storage/checksummed-line.js';

/**
 * The events waiting in the event queue's file (core/events/durable-queue.ts), read without
 * opening the queue: `add` records minus the ids a later `done` record names. Read-only, so the
 * panel's look cannot disturb the uploader; a torn last line fails its checksum and is skipped.
 */
export async function readQueuedEvents(path: string): Promise<DeviceEvent[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const pending = new Map<string, DeviceEvent>();
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    const line = bytes.subarray(start, end === -1 ? bytes.length : end);
    start = end === -1 ? bytes.length : end + 1;
    const record = decodeChecksummedLine(line);
    if (typeof record !== 'object' || record === null) continue;
    if ('add' in record) {
      const event = DeviceEventSchema.safeParse(record.add);
      if (event.success) pending.set(event.data.id, event.data);
    } else if ('done' in record && Array.isArray(record.done)) {
      for (const id of record.done) if (typeof id === 'string') pending.delete(id);
    }
  }
  return [...pending.values()];
}
