import { closeSync, constants, copyFileSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Replaces a file so that after a crash or power loss it holds either the old or the new
 * content, never a mix: write a temp file, fsync it, rename over the target, fsync the folder
 * (the rename is only durable once the directory entry is on disk).
 */
export function writeFileAtomicSync(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    // A full disk or a directory in the target's place: leave no temp file behind to pile up.
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncDirectory(dirname(path));
}

/** Flushes a directory entry; some platforms (Windows) cannot open a directory, which is fine there. */
export function fsyncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Windows: directories cannot be opened for fsync; NTFS journals the rename itself.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads a file, or undefined when it does not exist or cannot be read. */
export function readFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** What reading a file the app owns found. */
export type OwnedFileRead = { kind: 'missing' } | { kind: 'read'; text: string } | { kind: 'unreadable'; error: unknown };

/** Reads a file the app owns, telling "not there yet" apart from "there but cannot be read" (a directory in its place, no permission). */
export function readOwnedFile(path: string): OwnedFileRead {
  try {
    return { kind: 'read', text: readFileSync(path, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', error };
  }
}

const FS_PROBLEMS: Record<string, string> = {
  EACCES: 'read-only',
  EPERM: 'read-only',
  EROFS: 'read-only file system',
  EISDIR: 'a directory is in its place',
  ERR_FS_EISDIR: 'a directory is in its place',
  ENOTDIR: 'a file is in the place of its folder',
  EEXIST: 'a file is in the place of its folder',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EIO: 'the disk reported an error',
};

/** Names a file-system failure in a few words for a one-line log: "EACCES: read-only". */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return `${code}: ${FS_PROBLEMS[code] ?? 'cannot be used'}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Keeps a damaged file the app owns next to it as `<name>.damaged-<time>` so that nothing is ever
 * silently overwritten: support can still read what was there. `move` takes the file away (the
 * store starts afresh); `copy` leaves it for the store to rewrite with the records it could read.
 * Answers the name of the copy, or undefined when even that could not be written (the caller then
 * must not overwrite the original).
 */
export function setAsideDamaged(path: string, how: 'move' | 'copy', now: number = Date.now()): string | undefined {
  // No colons: Windows does not allow them in file names.
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const aside = `${path}.damaged-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    try {
      // Copy (exclusive) then remove rather than rename: a rename would replace an earlier copy of the same name.
      copyFileSync(path, aside, constants.COPYFILE_EXCL);
      if (how === 'move') rmSync(path, { force: true });
      fsyncDirectory(dirname(path));
      return aside;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      return undefined;
    }
  }
  return undefined;
}

