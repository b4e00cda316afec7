import { close, fdatasync, fstatSync, ftruncate, openSync, write } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { writeFileAtomic } from './atomic-write.js';

/** The calls an append log makes on its open file: a FileHandle, or a descriptor opened at start-up. */
interface LogFile {
  write(data: Uint8Array): Promise<void>;
  datasync(): Promise<void>;
  truncate(size: number): Promise<void>;
  close(): Promise<void>;
}

const writeFd = promisify(write);
const datasyncFd = promisify(fdatasync);
const truncateFd = promisify(ftruncate);
const closeFd = promisify(close);

function fromHandle(handle: FileHandle): LogFile {
  return {
    write: async (data) => void (await handle.write(data)),
    datasync: () => handle.datasync(),
    truncate: (size) => handle.truncate(size),
    close: () => handle.close(),
  };
}

function fromDescriptor(fd: number): LogFile {
  return {
    write: async (data) => void (await writeFd(fd, data)),
    datasync: () => datasyncFd(fd),
    truncate: (size) => truncateFd(fd, size),
    close: () => closeFd(fd),
  };
}

type Operation =
  | { kind: 'append'; data: Uint8Array; onDurable: (() => void) | undefined; resolve: () => void; reject: (error: unknown) => void }
  | { kind: 'task'; run: () => Promise<void>; resolve: () => void; reject: (error: unknown) => void };

/** 0600: the logs hold the owner's feedback, choices and store links. */
const FILE_MODE = 0o600;

/**
 * An append-only file where an append is acknowledged only once it is on disk (fdatasync), and
 * appends waiting together share one write and one sync (group commit). Everything on the file —
 * appends, truncation, an atomic rewrite — runs one at a time in the order asked, off the calling
 * thread, so a click that appends a record never waits for the disk.
 */
export class AppendLog {
  private readonly operations: Operation[] = [];
  private running = false;
  private closing: Promise<void> | undefined;

  private constructor(
    /** Where the log lives. */
    readonly path: string,
    private file: LogFile | undefined,
    private bytes: number,
  ) {}

  /**
   * Opens (or creates) the log for appending, blocking: for a store that opens at start-up and must
   * say at once when its file cannot be written. Throws what open throws.
   */
  static openSync(path: string): AppendLog {
    const fd = openSync(path, 'a', FILE_MODE);
    return new AppendLog(path, fromDescriptor(fd), fstatSync(fd).size);
  }

  /** Opens (or creates) the log for appending; rejects with what open rejects with. */
  static async open(path: string): Promise<AppendLog> {
    const handle = await open(path, 'a', FILE_MODE);
    try {
      // chmod too, for a file an older version made 0644.
      await handle.chmod(FILE_MODE).catch(() => undefined);
      return new AppendLog(path, fromHandle(handle), (await handle.stat()).size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Bytes in the file, as far as this log wrote them. */
  get size(): number {
    return this.bytes;
  }

  /**
   * Appends `data`; resolves once it is on disk. `onDurable` runs first, before any later operation
   * starts (a rewrite then sees what this append added). On failure the part that reached the file
   * is cut back, so the next append starts on a clean line, and the promise rejects.
   */
  append(data: Uint8Array, onDurable?: () => void): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'append', data, onDurable, resolve, reject }));
  }

  /** Cuts the file to `size` bytes (a record torn by a crash), durably. */
  truncate(size: number): Promise<void> {
    return this.task(async (file) => {
      await file.truncate(size);
      await file.datasync();
      this.bytes = size;
    });
  }

  /**
   * Replaces the whole file atomically (temp file, fsync, rename, fsync the folder) with what
   * `produce` answers when the rewrite's turn comes, then appends to the new file. On failure the
   * old file, and appending to it, go on as before.
   */
  replace(produce: () => Uint8Array): Promise<void> {
    return this.task(async (file) => {
      const content = produce();
      await writeFileAtomic(this.path, content, { mode: FILE_MODE });
      // The old descriptor points at the replaced file: reopen so appends land in the new one.
      this.file = undefined;
      await file.close().catch(() => undefined);
      this.file = fromHandle(await open(this.path, 'a', FILE_MODE));
      this.bytes = content.length;
    });
  }

  /** Waits for every operation asked so far, then closes the file. Later calls reject. */
  close(): Promise<void> {
    this.closing ??= this.task(async (file) => {
      this.file = undefined;
      await file.close();
    });
    return this.closing;
  }

  private task(run: (file: LogFile) => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) =>
      this.enqueue({
        kind: 'task',
        run: async () => run(this.open()),
        resolve,
        reject,
      }),
    );
  }

  private open(): LogFile {
    if (this.file === undefined) throw Object.assign(new Error(`the log ${this.path} is closed`), { code: 'ERR_LOG_CLOSED' });
    return this.file;
  }

  private enqueue(operation: Operation): void {
    if (this.closing !== undefined && operation.kind === 'append') {
      operation.reject(Object.assign(new Error(`the log ${this.path} is closed`), { code: 'ERR_LOG_CLOSED' }));
      return;
    }
    this.operations.push(operation);
    if (!this.running) {
      this.running = true;
      void this.drain();
    }
  }

  /**
   * The only writer of the file. Consecutive appends go out as one write and one sync. Checking
   * and clearing `running` happen with no await between them, so an operation queued meanwhile is
   * never stranded.
   */
  private async drain(): Promise<void> {
    while (this.operations.length > 0) {
      const first = this.operations[0]!;
      if (first.kind === 'task') {
        this.operations.shift();
        await first.run().then(first.resolve, first.reject);
        continue;
      }
      let count = 0;
      while (count < this.operations.length && this.operations[count]!.kind === 'append') count += 1;
      const batch = this.operations.splice(0, count) as Extract<Operation, { kind: 'append' }>[];
      const buffer = Buffer.concat(batch.map((operation) => operation.data));
      try {
        const file = this.open();
        await file.write(buffer);
        await file.datasync();
        this.bytes += buffer.length;
        for (const operation of batch) operation.onDurable?.();
        for (const operation of batch) operation.resolve();
      } catch (error) {
        await this.file?.truncate(this.bytes).catch(() => undefined);
        for (const operation of batch) operation.reject(error);
      }
    }
    this.running = false;
  }
}
