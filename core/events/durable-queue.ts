import { readFile, rm } from 'node:fs/promises';
import { DeviceEventSchema, MAX_EVENT_BYTES, type DeviceEvent } from '../../common/events.js';
import { AppendLog } from '../storage/append-log.js';
import { decodeChecksummedLine, encodeChecksummedLine } from '../storage/checksummed-line.js';
import { setAsideDamaged } from '../storage/owned-file.js';

/**
 * The on-disk event queue: an append-only log (core/storage/append-log.ts) of checksummed lines
 *
 *     <crc32 of the JSON, 8 hex digits> <JSON>\n
 *
 * (core/storage/checksummed-line.ts) where the JSON is `{"add": event}` or `{"done": [ids]}` (uploaded, or dropped by the size
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
const encodeLine = encodeChecksummedLine;

/** An append-only, checksummed, fsync'd, bounded and compacted queue of events (see the top of this file). */
export class DurableQueue {
  private readonly pending = new Map<string, { event: DeviceEvent; bytes: number }>();
  private liveBytes = 0;
  /** Events handed to the log and not yet durable: they count against the size policy too. */
  private adding = 0;
  /** A compaction queued on the log and not yet run: one is enough. */
  private compaction: Promise<void> | undefined;
  private closed = false;
  private readonly counters = { corruptLines: 0, tornBytes: 0, dropped: 0, compactions: 0 };

  private constructor(
    private readonly path: string,
    private readonly file: AppendLog,
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
    // 0600 (AppendLog): the log holds feedback text and the install id.
    const file = await AppendLog.open(path);
    const queue = new DurableQueue(
      path,
      file,
      options.maxEvents ?? DEFAULT_MAX_EVENTS,
      options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES,
      log,
    );
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
      const aside = await setAsideDamaged(this.path, 'copy');
      this.log(
        `events: ${this.counters.corruptLines > 0 ? `skipped ${this.counters.corruptLines} damaged records` : 'no readable record'} in ${this.path}; ${aside ? `kept the file as ${aside}` : 'could not keep a copy of it'}`,
      );
    }
    if (goodEnd < bytes.length) {
      this.counters.tornBytes = bytes.length - goodEnd;
      await this.file.truncate(goodEnd);
      this.log(`events: cut ${this.counters.tornBytes} bytes of a record torn by a crash`);
    }
    if (addNewline) await this.file.append(Buffer.from('\n'));
    // Damaged lines left in the file would be skipped (and copied aside) again at every start.
    if (this.counters.corruptLines > 0 || this.shouldCompact()) await this.compact();
  }

  private decode(line: Buffer): { add: DeviceEvent } | { done: string[] } | undefined {
    const value = decodeChecksummedLine(line);
    if (typeof value !== 'object' || value === null) return undefined;
    if ('add' in value) {
      const event = DeviceEventSchema.safeParse(value.add);
      return event.success ? { add: event.data } : undefined;
    }
    if ('done' in value && Array.isArray(value.done) && value.done.every((id) => typeof id === 'string'))
      return { done: value.done as string[] };
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
      throw new QueueError(
        'too-large',
        `This event is ${line.length} bytes; the limit is ${MAX_EVENT_BYTES}. Shorten the text and try again.`,
      );
    }
    const dropped = this.makeRoom();
    this.adding += 1;
    try {
      await this.file.append(dropped.length > 0 ? Buffer.concat([encodeLine({ done: dropped }), line]) : line, () => {
        // Runs before any later operation on the log, so a compaction queued after this sees the event.
        if (this.pending.has(event.id)) return;
        this.pending.set(event.id, { event, bytes: line.length });
        this.liveBytes += line.length;
      });
    } finally {
      this.adding -= 1;
    }
    this.compactIfDue();
  }

  /** Applies the size policy for one more event; returns the ids it dropped. */
  private makeRoom(): string[] {
    const dropped: string[] = [];
    while (this.pending.size + this.adding >= this.maxEvents && this.pending.size > 0) {
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
    await this.file.append(encodeLine({ done: known }));
    this.compactIfDue();
  }

  /** Drops every pending event (the owner withdrew consent). */
  async clear(): Promise<void> {
    const ids = [...this.pending.keys()];
    await this.acknowledge(ids);
    // Rewrite at once: the withdrawn events must not stay readable in the spent part of the file.
    await this.compact().catch((error: unknown) => this.log(`events: compaction failed, will retry: ${String(error)}`));
  }

  /** Counters for logs, diagnostics and tests. */
  stats(): QueueStats {
    return { pending: this.pending.size, fileBytes: this.file.size, ...this.counters };
  }

  /** Queues a compaction behind the appends when most of the file is spent; a failure is logged and retried after a later append. */
  private compactIfDue(): void {
    if (this.compaction !== undefined || this.closed || !this.shouldCompact()) return;
    this.compaction = this.compact()
      .catch((error: unknown) => this.log(`events: compaction failed, will retry: ${String(error)}`))
      .finally(() => (this.compaction = undefined));
  }

  private shouldCompact(): boolean {
    return this.file.size >= this.compactAtBytes && this.file.size > 2 * this.liveBytes;
  }

  /** Rewrites the pending events to a fresh file that replaces the log atomically, in turn with the appends. */
  private async compact(): Promise<void> {
    await this.file.replace(() => {
      const buffer = Buffer.concat([...this.pending.values()].map(({ event }) => encodeLine({ add: event })));
      this.liveBytes = buffer.length;
      return buffer;
    });
    this.counters.compactions += 1;
  }

  /** Waits for pending writes, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.file.close();
  }
}
