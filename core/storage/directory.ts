import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** The part of node:fs/promises that syncing a directory uses; tests pass their own to see the calls. */
export interface DirectorySyncFs {
  open: typeof open;
}

/**
 * Makes a rename or a new directory entry durable: the entry is only on disk once its directory
 * is fsynced. Windows cannot open a directory, and there NTFS journals the rename itself, so a
 * failure to open is not an error.
 */
export async function syncDirectory(path: string, fs: DirectorySyncFs = { open }): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(path, 'r');
    await handle.sync();
  } catch {
    // Windows: see above.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** syncDirectory for the start-up paths that are still synchronous (reading a damaged file aside before the first read answers). */
export function syncDirectorySync(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Windows: see syncDirectory.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
