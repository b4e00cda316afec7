import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import { syncDirectory, syncDirectorySync } from './directory.js';

/** The part of node:fs/promises an atomic write uses: the seam where tests inject a failure midway. */
export interface AtomicWriteFs {
  open: typeof open;
  rename: typeof rename;
  rm: typeof rm;
  mkdir: typeof mkdir;
}

const realFs: AtomicWriteFs = { open, rename, rm, mkdir };

/** Options of an atomic write. */
export interface AtomicWriteOptions {
  /** Permission bits of a new file; 0600 because every file the app owns is the owner's alone. */
  mode?: number;
  fs?: AtomicWriteFs;
}

/** The write still running (or queued) per path: writes to one file run one after another, so the last one started wins. */
const inFlight = new Map<string, Promise<void>>();
let temporaries = 0;

/** A temp name unique to this process and write: two writes of one file never share a temp file. */
const temporaryFor = (path: string): string => `${path}.${process.pid}.${(temporaries += 1)}.tmp`;

/**
 * Replaces a file so that after a crash or power loss it holds either the old or the new content,
 * never a mix: write a temp file, fsync it, rename over the target, fsync the folder (the rename is
 * only durable once the directory entry is on disk). Rejects when the file could not be replaced;
 * the old content is then still there and no temp file is left behind.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const previous = inFlight.get(path) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => replace(path, content, options.mode ?? 0o600, options.fs ?? realFs));
  inFlight.set(path, next);
  const forget = (): void => {
    if (inFlight.get(path) === next) inFlight.delete(path);
  };
  next.then(forget, forget);
  return next;
}

/**
 * Resolves once no atomic write of a file under `folder` is running or queued — what a host waits
 * for before it quits or its data folder is removed. Failed writes count as done (their caller was told).
 */
export async function atomicWritesSettled(folder: string): Promise<void> {
  const prefix = folder.endsWith(sep) ? folder : folder + sep;
  for (;;) {
    const pending = [...inFlight].filter(([path]) => path.startsWith(prefix)).map(([, write]) => write);
    if (pending.length === 0) return;
    await Promise.allSettled(pending);
  }
}

async function replace(path: string, content: string | Uint8Array, mode: number, fs: AtomicWriteFs): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true });
  const temporary = temporaryFor(path);
  try {
    const handle = await fs.open(temporary, 'w', mode);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, path);
  } catch (error) {
    // A full disk or a directory in the target's place: leave no temp file behind to pile up.
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path), fs);
}

/**
 * writeFileAtomic for a caller whose contract is synchronous: the Node host's settings file
 * (SettingsStorage.write must throw at once so the owner is told the settings were not saved).
 * It blocks; keep it off every path that runs per click or per poll in the Electron main process.
 */
export function writeFileAtomicSync(path: string, content: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryFor(path);
  try {
    const fd = openSync(temporary, 'w', mode);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectorySync(dirname(path));
}
