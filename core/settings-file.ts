import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DamagedSettingsError, describeValue } from './settings-service.js';
import { fsErrorCode } from './storage/fs-error.js';
import { readOwnedFileSync, setAsideDamagedSync } from './storage/owned-file.js';

// The settings file both hosts share: `{ "settings": { ... } }` (electron-store's layout for the key
// "settings", and the Node host's file). Reading it is the same code in both hosts, so a damaged
// file is kept aside and reported the same way whichever host finds it. Both calls block: the
// settings service's storage contract is synchronous (read once at start-up; the save check runs on
// an owner's settings change, not per click on a message).

/**
 * The stored settings document in `file`, or undefined when there is none yet. Throws
 * DamagedSettingsError after moving a damaged file (or a directory in its place) aside, so the next
 * save starts a fresh file and support still has the old one.
 */
export function readSettingsFileSync(file: string, now: number): unknown {
  const found = readOwnedFileSync(file);
  if (found.kind === 'missing') return undefined;
  if (found.kind === 'unreadable') throw damaged(file, `could not be read (${fsErrorCode(found.error) ?? String(found.error)})`, now);
  const { text } = found;
  if (text.trim() === '') throw damaged(file, 'is empty', now);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damaged(file, 'is not valid JSON (truncated or garbage)', now);
  }
  if (!isRecord(parsed)) throw damaged(file, `holds ${describeValue(parsed)} instead of settings`, now);
  // `{}`: a store created but never written, as electron-store leaves it.
  if (parsed.settings === undefined) return undefined;
  if (!isRecord(parsed.settings)) throw damaged(file, `holds ${describeValue(parsed.settings)} instead of settings`, now);
  return parsed.settings;
}

/**
 * Why `file` cannot be saved, or undefined. Looks at the permission bits as well as asking the OS:
 * root may write anything, but a file or folder someone marked read-only (an admin locking the
 * settings) is not to be replaced.
 */
export function settingsFileCannotSaveSync(file: string): string | undefined {
  if (existsSync(file) && !writableSync(file)) return `${file} is read-only`;
  const folder = nearestExistingSync(dirname(file));
  if (!writableSync(folder)) return `the folder ${folder} is read-only`;
  return undefined;
}

function damaged(file: string, problem: string, now: number): DamagedSettingsError {
  return new DamagedSettingsError(problem, keepAsideSync(file, now));
}

/** Renames the damaged file (or directory) for support as `settings.json.damaged-<epoch ms>`; null when it cannot be moved (a read-only folder). */
function keepAsideSync(file: string, now: number): string | null {
  if (!writableSync(dirname(file))) return null;
  return setAsideDamagedSync(file, 'rename', now, String(now)) ?? null;
}

function writableSync(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    const stats = statSync(path);
    // Windows ignores the read-only attribute on folders (Explorer sets it on customised ones).
    if (process.platform === 'win32' && stats.isDirectory()) return true;
    return (stats.mode & 0o200) !== 0;
  } catch {
    return false;
  }
}

function nearestExistingSync(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
