import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import type { TransportKind } from '../../common/device.js';
import { DeviceProfileSchema, type DeviceProfile, type ProfileSupply } from './profile-schema.js';

/** The profiles that ship with the app live next to this file. */
export const BUILTIN_PROFILES_DIR = fileURLToPath(new URL('.', import.meta.url));

/** A profile file that cannot be used; the message starts with the file name and names the field. */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  constructor(
    readonly fileName: string,
    message: string,
  ) {
    super(message);
  }
}

/** `supplies[0].scale` from zod's path array. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? '(top level)' : text;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // zod's "Invalid input: expected number, received string" reads better without its preamble.
  const message = issue.message.replace(/^Invalid input: /, '');
  return `${formatPath(issue.path)}: ${message}`;
}

const MAX_PROFILE_BYTES = 256 * 1024;

/** Validates one profile (JSON text or parsed value); throws a ProfileError like `hid-ups.json: supplies[0].scale: expected number, received string`. */
export function parseProfile(json: unknown, fileName: string): DeviceProfile {
  let value = json;
  if (typeof json === 'string') {
    if (json.length > MAX_PROFILE_BYTES)
      throw new ProfileError(fileName, `${fileName}: ${json.length} bytes is too large for a profile (limit ${MAX_PROFILE_BYTES})`);
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new ProfileError(fileName, `${fileName}: not valid JSON: ${(error as Error).message}`);
    }
  }
  const result = DeviceProfileSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 10).map(describeIssue);
    const more = result.error.issues.length > 10 ? ` (and ${result.error.issues.length - 10} more)` : '';
    throw new ProfileError(fileName, `${fileName}: ${problems.join('; ')}${more}`);
  }
  return result.data;
}

/** What loading a folder gave: the usable profiles, and one error per file that could not be used (the others still load). */
export interface LoadedProfiles {
  profiles: DeviceProfile[];
  errors: ProfileError[];
}

/** Loads every `*.json` in `dir`, in name order; a profile id used twice keeps the first file and reports the second. */
export async function loadProfiles(dir: string): Promise<LoadedProfiles> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const profiles: DeviceProfile[] = [];
  const errors: ProfileError[] = [];
  const owners = new Map<string, string>();
  for (const name of names) {
    try {
      const profile = parseProfile(await readFile(join(dir, name), 'utf8'), name);
      const owner = owners.get(profile.id);
      if (owner) throw new ProfileError(name, `${name}: id: "${profile.id}" is already used by ${owner}; give each profile its own id`);
      owners.set(profile.id, name);
      profiles.push(profile);
    } catch (error) {
      errors.push(
        error instanceof ProfileError ? error : new ProfileError(name, `${name}: could not be read: ${(error as Error).message}`),
      );
    }
  }
  return { profiles, errors };
}

/** What is known about a device when a profile is chosen. */
export interface ProfileIdentity {
  transport: TransportKind;
  vendorId?: number;
  productId?: number;
  /** IEEE 1284 MFG / MDL, or the USB/HID strings where there is no 1284 ID. */
  manufacturer?: string;
  model?: string;
  /** Usage pages found in the HID report descriptor. */
  hidUsagePages?: readonly number[];
}

/** How specific a match is, or undefined when the profile does not fit. USB ids beat 1284 names beat usage pages beat transport alone. */
function matchScore(profile: DeviceProfile, identity: ProfileIdentity): number | undefined {
  const { match } = profile;
  if (match.transport !== identity.transport) return undefined;
  let score = 1;
  if (match.usb) {
    const usb = match.usb.find(
      (entry) => entry.vendorId === identity.vendorId && (entry.productId === undefined || entry.productId === identity.productId),
    );
    if (!usb) return undefined;
    score += usb.productId === undefined ? 50 : 100;
  }
  if (match.ieee1284) {
    const { manufacturer, model } = match.ieee1284;
    if (manufacturer !== undefined) {
      if (identity.manufacturer === undefined || !new RegExp(manufacturer, 'i').test(identity.manufacturer)) return undefined;
      score += 10;
    }
    if (model !== undefined) {
      if (identity.model === undefined || !new RegExp(model, 'i').test(identity.model)) return undefined;
      score += 30;
    }
  }
  if (match.hidUsagePages) {
    const pages = identity.hidUsagePages ?? [];
    if (!match.hidUsagePages.every((page) => pages.includes(page))) return undefined;
    score += 5 * match.hidUsagePages.length;
  }
  return score;
}

/** The best profile for a device: the most specific match, then the higher priority, then the one loaded first. */
export function matchProfile(profiles: readonly DeviceProfile[], identity: ProfileIdentity): DeviceProfile | undefined {
  let best: DeviceProfile | undefined;
  let bestScore = -1;
  for (const profile of profiles) {
    const score = matchScore(profile, identity);
    if (score === undefined) continue;
    if (score > bestScore || (score === bestScore && profile.priority > (best?.priority ?? -Infinity))) {
      best = profile;
      bestScore = score;
    }
  }
  return best;
}

/** EU member states, so an "EU" part number serves a German or French owner. */
const EU_REGIONS = new Set([
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
]);

/** The part number for the owner's region: the exact region, then "EU" for EU members, then "*". */
export function partNumberFor(supply: ProfileSupply, region: string): string | undefined {
  const parts = supply.partNumbers;
  if (!parts) return undefined;
  const code = region.toUpperCase();
  return parts[code] ?? (EU_REGIONS.has(code) ? parts.EU : undefined) ?? parts['*'];
}

/** The poll interval a profile allows: the wish clamped to its limits, never below the print-job floor while printing. */
export function pollIntervalFor(profile: DeviceProfile, wantedMs: number, printing: boolean): number {
  const polling = profile.polling;
  if (!polling) return wantedMs;
  const floor = printing ? polling.duringJobMinIntervalMs : polling.minIntervalMs;
  return Math.min(Math.max(wantedMs, floor), Math.max(polling.maxIntervalMs, floor));
}
