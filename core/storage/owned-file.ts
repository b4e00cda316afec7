import { constants, copyFileSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory, syncDirectorySync } from './directory.js';
import { fsErrorCode } from './fs-error.js';

/** What reading a file the app owns found. */
export type OwnedFileRead = { kind: 'missing' } | { kind: 'read'; text: string } | { kind: 'unreadable'; error: unknown };

/**
 * Reads a file the app owns, telling "not there yet" apart from "there but cannot be read" (a
 * directory in its place, no permission). It blocks: stores call it once, at start-up, before
 * anything is shown, because what they decide from it (delivery caps, the install id) must be
 * known before the first decision. Every write afterwards is asynchronous.
 */
export function readOwnedFileSync(path: string): OwnedFileRead {
  try {
    return { kind: 'read', text: readFileSync(path, 'utf8') };
  } catch (error) {
    if (fsErrorCode(error) === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', error };
  }
}

/**
 * How a damaged file is kept: `move` takes it away (the store starts afresh), `copy` leaves it for
 * the store to rewrite with the records it could read, `rename` moves whatever is there, a
 * directory included (the settings file, where a folder in its place must go too).
 */
export type SetAside = 'move' | 'copy' | 'rename';

/** `<name>.damaged-2026-06-01T10-00-00-000Z`: no colons, Windows does not allow them in file names. */
export const damagedStamp = (now: number): string => new Date(now).toISOString().replace(/[:.]/g, '-');

const asideName = (path: string, stamp: string, attempt: number): string => `${path}.damaged-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
const ATTEMPTS = 100;

/**
 * Keeps a damaged file the app owns next to it as `<name>.damaged-<stamp>` so that nothing is ever
 * silently overwritten: support can still read what was there. Answers the name of the copy, or
 * undefined when even that could not be written (the caller then must not overwrite the
 * original). Blocking, for the start-up reads (readOwnedFileSync); the event queue, which opens
 * asynchronously, uses setAsideDamaged.
 */
export function setAsideDamagedSync(
  path: string,
  how: SetAside,
  now: number = Date.now(),
  stamp: string = damagedStamp(now),
): string | undefined {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const aside = asideName(path, stamp, attempt);
    try {
      if (how === 'rename') {
        // renameSync would replace an earlier copy of the same name.
        if (existsSync(aside)) continue;
        renameSync(path, aside);
      } else {
        // Copy (exclusive) then remove rather than rename: a rename would replace an earlier copy of the same name.
        copyFileSync(path, aside, constants.COPYFILE_EXCL);
        if (how === 'move') rmSync(path, { force: true });
      }
      syncDirectorySync(dirname(path));
      return aside;
    } catch (error) {
      if (fsErrorCode(error) === 'EEXIST') continue;
      return undefined;
    }
  }
  return undefined;
}

/** setAsideDamagedSync without blocking (`move` or `copy`). */
export async function setAsideDamaged(path: string, how: 'move' | 'copy', now: number = Date.now()): Promise<string | undefined> {
  const stamp = damagedStamp(now);
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const aside = asideName(path, stamp, attempt);
    try {
      await copyFile(path, aside, constants.COPYFILE_EXCL);
      if (how === 'move') await rm(path, { force: true });
      await syncDirectory(dirname(path));
      return aside;
    } catch (error) {
      if (fsErrorCode(error) === 'EEXIST') continue;
      return undefined;
    }
  }
  return undefined;
}
