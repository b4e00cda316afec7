import { describeError } from '../../common/errors.js';

/** How the readers reach the machine; tests pass fakes (a scripted `reg`, a folder of files). */
export interface PolicySeams {
  platform: NodeJS.Platform;
  /** Runs a program without a shell; a missing program rejects. */
  run(file: string, args: readonly string[]): Promise<{ code: number; stdout: string }>;
  /** A file's text, or undefined when it does not exist. */
  readFile(path: string): Promise<string | undefined>;
}

/** Names the policy is filed under: the OEM's, from the branding and the installer. */
export interface PolicyIdentity {
  /** `HKLM\Software\Policies\<vendor>\<product>`. */
  vendor: string;
  product: string;
  /** macOS managed preferences domain (the app id, `com.example.tray`). */
  bundleId: string;
}

/** One place a policy was found, with its raw (unvalidated) values. */
export interface RawPolicySource {
  /** Where, in words an admin recognises (`HKLM\Software\Policies\Acme\Tray`). */
  where: string;
  level: 'enforced' | 'recommended';
  values: Record<string, unknown>;
}

/** A key path under HKLM or HKCU. */
export function registryPath(hive: 'HKLM' | 'HKCU', identity: PolicyIdentity, recommended: boolean): string {
  return `${hive}\\Software\\Policies\\${identity.vendor}\\${identity.product}${recommended ? '\\Recommended' : ''}`;
}

/**
 * `reg query <key>` output: a header line with the key, then one line per value —
 * four spaces, name, four spaces, type, four spaces, data. REG_DWORD data is hex (`0x1`).
 * Subkeys (lines without a type) and types we do not use are skipped.
 */
export function parseRegQuery(stdout: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^ {4}(.+?) {4}(REG_SZ|REG_EXPAND_SZ|REG_DWORD|REG_QWORD) {4}(.*)$/.exec(line);
    if (match === null) continue;
    const [, name, type, data] = match as unknown as [string, string, string, string];
    values[name] = type === 'REG_DWORD' || type === 'REG_QWORD' ? Number.parseInt(data, 16) : data.trim();
  }
  return values;
}

async function readRegistry(seams: PolicySeams, identity: PolicyIdentity, log: (message: string) => void): Promise<RawPolicySource[]> {
  const found: RawPolicySource[] = [];
  // HKLM before HKCU: a machine policy outranks a user one.
  for (const level of ['enforced', 'recommended'] as const) {
    for (const hive of ['HKLM', 'HKCU'] as const) {
      const where = registryPath(hive, identity, level === 'recommended');
      try {
        const answer = await seams.run('reg', ['query', where]);
        // reg exits 1 when the key does not exist: no policy there.
        if (answer.code !== 0) continue;
        found.push({ where, level, values: parseRegQuery(answer.stdout) });
      } catch (error) {
        log(`policy: cannot run "reg query ${where}" (${describeError(error)}); that policy is not applied`);
      }
    }
  }
  return found;
}

/** Managed preferences for the app id: machine-wide first, then the user's (both written by MDM). */
async function readManagedPreferences(
  seams: PolicySeams,
  identity: PolicyIdentity,
  log: (message: string) => void,
  user: string | undefined,
): Promise<RawPolicySource[]> {
  const found: RawPolicySource[] = [];
  const paths = [
    `/Library/Managed Preferences/${identity.bundleId}.plist`,
    ...(user ? [`/Library/Managed Preferences/${user}/${identity.bundleId}.plist`] : []),
  ];
  for (const path of paths) {
    if ((await seams.readFile(path).catch(() => undefined)) === undefined) continue;
    try {
      // plutil reads binary and XML plists alike and writes strict JSON, which we can validate.
      const answer = await seams.run('plutil', ['-convert', 'json', '-o', '-', path]);
      if (answer.code !== 0) {
        log(`policy: plutil could not read ${path} (exit ${answer.code}); that policy is not applied`);
        continue;
      }
      const all = JSON.parse(answer.stdout) as unknown;
      if (typeof all !== 'object' || all === null || Array.isArray(all)) throw new Error('not a dictionary');
      const { Recommended: recommended, ...enforced } = all as Record<string, unknown>;
      found.push({ where: path, level: 'enforced', values: enforced });
      if (typeof recommended === 'object' && recommended !== null && !Array.isArray(recommended))
        found.push({ where: `${path} (Recommended)`, level: 'recommended', values: recommended as Record<string, unknown> });
    } catch (error) {
      log(`policy: cannot read the managed preferences at ${path} (${describeError(error)}); that policy is not applied`);
    }
  }
  return found;
}

/** `/etc/<product>/policy.json`: `{ "enforced": {...}, "recommended": {...} }`. */
async function readPolicyFile(seams: PolicySeams, identity: PolicyIdentity, log: (message: string) => void): Promise<RawPolicySource[]> {
  const path = `/etc/${identity.product.toLowerCase()}/policy.json`;
  let text: string | undefined;
  try {
    text = await seams.readFile(path);
  } catch (error) {
    log(`policy: cannot read ${path} (${describeError(error)}); no policy applied`);
    return [];
  }
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    log(`policy: ${path} is not valid JSON (${describeError(error)}); no policy applied — fix the file and restart the app`);
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    log(`policy: ${path} must hold an object with "enforced" and/or "recommended"; no policy applied`);
    return [];
  }
  const { enforced, recommended, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0)
    log(`policy: ${path} has unknown top-level keys ${Object.keys(rest).join(', ')} (only "enforced" and "recommended"); they are ignored`);
  const found: RawPolicySource[] = [];
  for (const [level, values] of [
    ['enforced', enforced],
    ['recommended', recommended],
  ] as const) {
    if (values === undefined) continue;
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      log(`policy: "${level}" in ${path} must be an object; it is ignored`);
      continue;
    }
    found.push({ where: `${path} (${level})`, level, values: values as Record<string, unknown> });
  }
  return found;
}

/** Every place of this platform that holds a policy, in precedence order within each level. */
export async function readPlatformPolicy(
  seams: PolicySeams,
  identity: PolicyIdentity,
  log: (message: string) => void,
  user?: string,
): Promise<RawPolicySource[]> {
  if (seams.platform === 'win32') return readRegistry(seams, identity, log);
  if (seams.platform === 'darwin') return readManagedPreferences(seams, identity, log, user);
  if (seams.platform === 'linux') return readPolicyFile(seams, identity, log);
  return [];
}
