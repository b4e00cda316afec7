import { accessSync, constants, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DamagedSettingsError, describeValue } from './settings-service.js';

// The settings file both hosts share: `{ "settings": { ... } }` (electron-store's layout for the key
// "settings", and the Node host's file). Reading it is the same code in both hosts, so a damaged
// file is kept aside and reported the same way whichever host finds it.

/**
 * The stored settings document in `file`, or undefined when there is none yet. Throws
 * DamagedSettingsError after moving a damaged file (or a directory in its place) aside, so the next
 * save starts a fresh file and support still has the old one.
 */
export function readSettingsFile(file: string, now: number): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return undefined;
    throw damaged(file, `could not be read (${code ?? String(error)})`, now);
  }
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
export function settingsFileCannotSave(file: string): string | undefined {
  if (existsSync(file) && !writable(file)) return `${file} is read-only`;
  const folder = nearestExisting(dirname(file));
  if (!writable(folder)) return `the folder ${folder} is read-only`;
  return undefined;
}

function damaged(file: string, problem: string, now: number): DamagedSettingsError {
  return new DamagedSettingsError(problem, keepAside(file, now));
}

/** Renames the damaged file for support; null when it cannot be moved (a read-only folder). */
function keepAside(file: string, now: number): string | null {
  if (!writable(dirname(file))) return null;
  const kept = `${file}.damaged-${now}`;
  try {
    renameSync(file, kept);
    return kept;
  } catch {
    return null;
  }
}

function writable(path: string): boolean {
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

function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
