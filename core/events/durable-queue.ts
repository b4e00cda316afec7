import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { DeviceEventSchema, MAX_EVENT_BYTES, type DeviceEvent } from '../../common/events.js';
import { setAsideDamaged } from '../messages/durable-file.js';

/**
 * The on-disk event queue: an append-only log of lines
 *
 *     <crc32 of the JSON, 8 hex digits> <JSON>\n
 *
 * where the JSON is `{"add": event}` or `{"done": [ids]}` (uploaded, or dropped by the size
 * policy). A write is acknowledged only after fdatasync, and concurrent writes share one sync
 * (group commit). On open, lines whose checksum fails are skipped (the file is first copied aside
 * as `events.log.damaged-<time>`, as it is when nothing in it can be read) and a torn last line (a
 * crash mid-write) is cut off; a last record whose checksum holds and that lacks only its newline
 * is kept. The file is 0600. When most of the file is spent, the pending events are rewritten to a
 * new file that replaces the old one by an atomic rename (compaction).
 *
 * Size policy: at most `maxEvents` pending events. When a new event would exceed it, the oldest
 * impression or open is dropped (they are the least valuable and the most numerous); when there
 * is none, the oldest event of any type. Feedback and reorders are thus the last to go.
 */

/** Limits and hooks of a queue. */
export interface DurableQueueOptions {
  /** Pending events kept at most (see the size policy above). */
  maxEvents?: number;
  /** Compact when the file is at least this big and more than half of it is spent. */
  compactAtBytes?: number;
  log?: (message: string) => void;
}

/** Why an event was refused. */
export class QueueError extends Error {
  constructor(
    readonly code: 'too-large' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'QueueError';
  }
}

/** What `open` found and what the queue has done since. */
export interface QueueStats {
  pending: number;
  fileBytes: number;
  /** Lines skipped at open because their checksum or content was bad. */
  corruptLines: number;
  /** Bytes cut off at open: a record torn by a crash. */
  tornBytes: number;
  /** Events dropped by the size policy since open. */
  dropped: number;
  compactions: number;
}

const LOW_VALUE_TYPES = new Set(['impression', 'open']);
/** 20,000 events of typically 250–400 bytes is a few MiB: months of use offline, still cheap to rewrite. */
const DEFAULT_MAX_EVENTS = 20_000;
const DEFAULT_COMPACT_AT_BYTES = 1024 * 1024;
const FILE_MODE = 0o600;

interface Waiter {
  line: Buffer;
  /** Runs once the line is durable, before anything else (a compaction) can look at the queue. */
  onDurable?: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function encodeLine(record: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(record), 'utf8');
  const header = Buffer.from(`${crc32(json).toString(16).padStart(8, '0')} `, 'ascii');
  return Buffer.concat([header, json, Buffer.from('\n')]);
}

/** An append-only, checksummed, fsync'd, bounded and compacted queue of events (see the top of this file). */
export class DurableQueue {
  private readonly pending = new Map<string, { event: DeviceEvent; bytes: number }>();
  private liveBytes = 0;
  private fileBytes = 0;
  private writes: Waiter[] = [];
  private flushing = false;
  private compactRequested = false;
  private closed = false;
  private idle: Array<() => void> = [];
  private readonly counters = { corruptLines: 0, tornBytes: 0, dropped: 0, compactions: 0 };

  private constructor(
    private readonly path: string,
    private handle: FileHandle,
    private readonly maxEvents: number,
    private readonly compactAtBytes: number,
    private readonly log: (message: string) => void,
  ) {}

  /** Opens (or creates) the queue at `path` and recovers its pending events. */
  static async open(path: string, options: DurableQueueOptions = {}): Promise<DurableQueue> {
    const log = options.log ?? (() => undefined);
    // A leftover from a compaction that crashed before its rename; the log itself is still whole.
    await rm(`${path}.compact`, { force: true });
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      // readFile leaves `path` out of some errors (EISDIR); the caller's one-line log names the file.
      error.path ??= path;
      throw error;
    });
    // 0600: the log holds feedback text and the install id. chmod too, for a file an older version made 0644.
    const handle = await open(path, 'a', FILE_MODE);
    await handle.chmod(FILE_MODE).catch(() => undefined);
    const queue = new DurableQueue(path, handle, options.maxEvents ?? DEFAULT_MAX_EVENTS, options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES, log);
    await queue.recover(bytes);
    return queue;
  }

  private async recover(bytes: Buffer): Promise<void> {
    let offset = 0;
    let goodEnd = 0;
    let records = 0;
    while (offset < bytes.length) {
      const newline = bytes.indexOf(0x0a, offset);
      if (newline === -1) break;
      const line = bytes.subarray(offset, newline);
      const start = offset;
      offset = newline + 1;
      const record = this.decode(line);
      if (record === undefined) {
        this.counters.corruptLines += 1;
        // A bad line at the very end is a torn write, not corruption in the middle: cut it off too.
        if (offset === bytes.length) {
          goodEnd = start;
          this.counters.corruptLines -= 1;
        }
        continue;
      }
      goodEnd = offset;
      records += 1;
      this.apply(record, line.length + 1);
    }
    // The last record is whole (its checksum holds) and only its newline is missing: keep it, add the newline.
    let addNewline = false;
    if (offset < bytes.length) {
      const tail = bytes.subarray(offset);
      const record = this.decode(tail);
      if (record !== undefined) {
        records += 1;
        this.apply(record, tail.length + 1);
        goodEnd = bytes.length;
        addNewline = true;
      }
    }
    // Damage in the middle, or nothing readable at all: keep the file as it was before anything is cut or compacted away.
    if (this.counters.corruptLines > 0 || (records === 0 && bytes.length > 0)) {
      const aside = setAsideDamaged(this.path, 'copy');
      this.log(`events: ${this.counters.corruptLines > 0 ? `skipped ${this.counters.corruptLines} damaged records` : 'no readable record'} in ${this.path}; ${aside ? `kept the file as ${aside}` : 'could not keep a copy of it'}`);
    }
    this.fileBytes = goodEnd;
    if (goodEnd < bytes.length) {
      this.counters.tornBytes = bytes.length - goodEnd;
      await this.handle.truncate(goodEnd);
      await this.handle.datasync();
      this.log(`events: cut ${this.counters.tornBytes} bytes of a record torn by a crash`);
    }
    if (addNewline) {
      await this.handle.write(Buffer.from('\n'));
      await this.handle.datasync();
      this.fileBytes += 1;
    }
    // Damaged lines left in the file would be skipped (and copied aside) again at every start.
    if (this.counters.corruptLines > 0 || this.shouldCompact()) await this.compact();
  }

  private decode(line: Buffer): { add: DeviceEvent } | { done: string[] } | undefined {
    if (line.length < 10 || line[8] !== 0x20) return undefined;
    const json = line.subarray(9);
    if (crc32(json).toString(16).padStart(8, '0') !== line.subarray(0, 8).toString('ascii')) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(json.toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null) return undefined;
    if ('add' in value) {
      const event = DeviceEventSchema.safeParse(value.add);
      return event.success ? { add: event.data } : undefined;
    }
    if ('done' in value && Array.isArray(value.done) && value.done.every((id) => typeof id === 'string')) return { done: value.done as string[] };
    return undefined;
  }

  private apply(record: { add: DeviceEvent } | { done: string[] }, bytes: number): void {
    if ('add' in record) {
      if (this.pending.has(record.add.id)) return;
      this.pending.set(record.add.id, { event: record.add, bytes });
      this.liveBytes += bytes;
    } else {
      for (const id of record.done) this.forget(id);
    }
  }

  private forget(id: string): boolean {
    const entry = this.pending.get(id);
    if (entry === undefined) return false;
    this.pending.delete(id);
    this.liveBytes -= entry.bytes;
    return true;
  }

  /** Number of events not yet uploaded. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Appends an event; resolves once it is on disk (fdatasync). Rejects with `too-large` when the
   * event cannot ever be uploaded, leaving the queue unchanged.
   */
  async enqueue(event: DeviceEvent): Promise<void> {
    if (this.closed) throw new QueueError('closed', 'The event queue is closed.');
    const line = encodeLine({ add: event });
    if (line.length > MAX_EVENT_BYTES) {
      throw new QueueError('too-large', `This event is ${line.length} bytes; the limit is ${MAX_EVENT_BYTES}. Shorten the text and try again.`);
    }
    const dropped = this.makeRoom();
    await this.write(dropped.length > 0 ? Buffer.concat([encodeLine({ done: dropped }), line]) : line, () => {
      if (this.pending.has(event.id)) return;
      this.pending.set(event.id, { event, bytes: line.length });
      this.liveBytes += line.length;
    });
  }

  /** Applies the size policy for one more event; returns the ids it dropped. */
  private makeRoom(): string[] {
    const dropped: string[] = [];
    while (this.pending.size + this.writes.length >= this.maxEvents && this.pending.size > 0) {
      let victim: string | undefined;
      for (const [id, entry] of this.pending) {
        if (LOW_VALUE_TYPES.has(entry.event.type)) {
          victim = id;
          break;
        }
      }
      victim ??= this.pending.keys().next().value!;
      this.forget(victim);
      dropped.push(victim);
    }
    if (dropped.length > 0) {
      this.counters.dropped += dropped.length;
      this.log(`events: queue full (${this.maxEvents}); dropped ${dropped.length} oldest low-value events`);
    }
    return dropped;
  }

  /** The oldest pending events, at most `limit` of them and about `maxBytes` of JSON. */
  peek(limit: number, maxBytes = Number.POSITIVE_INFINITY): DeviceEvent[] {
    const out: DeviceEvent[] = [];
    let bytes = 0;
    for (const { event, bytes: size } of this.pending.values()) {
      if (out.length >= limit || (out.length > 0 && bytes + size > maxBytes)) break;
      out.push(event);
      bytes += size;
    }
    return out;
  }

  /** Marks events as delivered (or given up); they are not returned again, even after a restart. */
  async acknowledge(ids: readonly string[]): Promise<void> {
    const known = ids.filter((id) => this.forget(id));
    if (known.length === 0) return;
    await this.write(encodeLine({ done: known }));
  }

  /** Drops every pending event (the owner withdrew consent). */
  async clear(): Promise<void> {
    const ids = [...this.pending.keys()];
    await this.acknowledge(ids);
    this.compactRequested = true;
    this.kick();
    await this.whenIdle();
  }

  /** Counters for logs, diagnostics and tests. */
  stats(): QueueStats {
    return { pending: this.pending.size, fileBytes: this.fileBytes, ...this.counters };
  }

  private write(line: Buffer, onDurable?: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.writes.push(onDurable === undefined ? { line, resolve, reject } : { line, onDurable, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = true;
    void this.flushLoop();
  }

  /**
   * The only writer of the file: appends everything waiting with one write and one sync, then
   * compacts if due; repeats until nothing waits. Checking and clearing `flushing` happen with no
   * await between them, so a write queued meanwhile is never stranded.
   */
  private async flushLoop(): Promise<void> {
    for (;;) {
      if (this.writes.length > 0) {
        const batch = this.writes.splice(0);
        const buffer = Buffer.concat(batch.map((waiter) => waiter.line));
        try {
          await this.handle.write(buffer);
          await this.handle.datasync();
          this.fileBytes += buffer.length;
          for (const waiter of batch) waiter.onDurable?.();
          for (const waiter of batch) waiter.resolve();
        } catch (error) {
          // Cut back whatever part of the batch reached the file, so the next append starts on a clean line.
          await this.handle.truncate(this.fileBytes).catch(() => undefined);
          for (const waiter of batch) waiter.reject(error);
        }
      }
      if (this.compactRequested || this.shouldCompact()) {
        this.compactRequested = false;
        await this.compact().catch((error: unknown) => this.log(`events: compaction failed, will retry: ${String(error)}`));
      }
      if (this.writes.length === 0) {
        this.flushing = false;
        for (const resolve of this.idle.splice(0)) resolve();
        return;
      }
    }
  }

  private whenIdle(): Promise<void> {
    return this.flushing ? new Promise((resolve) => this.idle.push(resolve)) : Promise.resolve();
  }

  private shouldCompact(): boolean {
    return this.fileBytes >= this.compactAtBytes && this.fileBytes > 2 * this.liveBytes;
  }

  /** Rewrites the pending events to a fresh file and swaps it in atomically. Runs only between flushes. */
  private async compact(): Promise<void> {
    const temporary = `${this.path}.compact`;
    const lines = [...this.pending.values()].map(({ event }) => encodeLine({ add: event }));
    const buffer = Buffer.concat(lines);
    const out = await open(temporary, 'w', FILE_MODE);
    try {
      await out.write(buffer);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(temporary, this.path);
    await syncDirectory(dirname(this.path));
    await this.handle.close();
    this.handle = await open(this.path, 'a', FILE_MODE);
    this.fileBytes = buffer.length;
    this.liveBytes = buffer.length;
    this.counters.compactions += 1;
  }

  /** Waits for pending writes, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.whenIdle();
    await this.handle.close();
  }
}

/** Makes a rename durable; Windows cannot open a directory, and there NTFS journals the rename anyway. */
async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // see above
  } finally {
    await handle?.close();
  }
}
