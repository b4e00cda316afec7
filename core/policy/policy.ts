import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import {
  CATEGORY_POLICY_KEYS,
  EMPTY_POLICY,
  POLICY_KEYS,
  POLICY_KEY_NAMES,
  lowerConsent,
  type EffectivePolicy,
  type PolicyKey,
  type PolicyValues,
  type SettingSource,
} from '../../common/policy.js';
import type { MessageCategoryChoices, Settings } from '../../common/settings.js';
import { describeError } from '../../common/errors.js';
import type { UpdatePolicy } from '../updates/policy.js';
import { readPlatformPolicy, type PolicyIdentity, type PolicySeams, type RawPolicySource } from './platform-sources.js';

/** A raw value as a registry DWORD, a plist or JSON gave it, coerced to the key's kind where that is unambiguous. */
function coerce(key: PolicyKey, value: unknown): unknown {
  const kind = POLICY_KEYS[key].kind;
  // A registry DWORD 0/1 is how ADMX writes a boolean.
  if (kind === 'boolean' && (value === 0 || value === 1)) return value === 1;
  return value;
}

/**
 * One source's values, key by key: a bad value is named in the log and dropped, the good ones
 * apply. An unknown key is named too (a typo by IT should be visible, not silently ignored).
 */
export function validatePolicyValues(source: RawPolicySource, log: (message: string) => void): PolicyValues {
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(source.values)) {
    if (!(POLICY_KEY_NAMES as string[]).includes(name)) {
      log(`policy: ${source.where} sets "${name}", which is not a policy of this app (known: ${POLICY_KEY_NAMES.join(', ')}); ignored`);
      continue;
    }
    const key = name as PolicyKey;
    const parsed = POLICY_KEYS[key].schema.safeParse(coerce(key, raw));
    if (parsed.success) values[key] = parsed.data;
    else
      log(
        `policy: ${source.where} sets ${key} to ${JSON.stringify(raw)?.slice(0, 100)}, which is not valid (${parsed.error.issues[0]?.message ?? 'invalid'}); ignored`,
      );
  }
  return values as PolicyValues;
}

/** Folds the sources: within a level, the first source that sets a key wins (machine before user). */
export function combinePolicySources(sources: readonly RawPolicySource[], log: (message: string) => void): EffectivePolicy {
  const enforced: Record<string, unknown> = {};
  const recommended: Record<string, unknown> = {};
  for (const source of sources) {
    const target = source.level === 'enforced' ? enforced : recommended;
    for (const [key, value] of Object.entries(validatePolicyValues(source, log))) if (!(key in target)) target[key] = value;
  }
  return { enforced: enforced as PolicyValues, recommended: recommended as PolicyValues, sources: sources.map((source) => source.where) };
}

/** Reads this machine's policy. Never throws: anything unreadable is logged and means "no policy from there". */
export async function loadPolicy(
  identity: PolicyIdentity,
  log: (message: string) => void,
  seams: PolicySeams = nodePolicySeams(),
): Promise<EffectivePolicy> {
  try {
    let user: string | undefined;
    try {
      user = userInfo().username;
    } catch {
      user = undefined;
    }
    return combinePolicySources(await readPlatformPolicy(seams, identity, log, user), log);
  } catch (error) {
    log(`policy: could not be read (${describeError(error)}); running without one`);
    return EMPTY_POLICY;
  }
}

/** The real machine: `reg`/`plutil` without a shell, files from disk. */
export function nodePolicySeams(): PolicySeams {
  return {
    platform: process.platform,
    run: (file, args) =>
      new Promise((resolve, reject) => {
        execFile(file, [...args], { timeout: 10_000, windowsHide: true, encoding: 'utf8' }, (error, stdout) => {
          if (error && typeof (error as NodeJS.ErrnoException).code === 'string') reject(error);
          else resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout });
        });
      }),
    readFile: async (path) => {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

/** The owner's settings with the policy applied, and where each governed value came from. */
export interface GovernedSettings {
  settings: Settings;
  sources: {
    consent: SettingSource;
    messageCategories: Record<keyof MessageCategoryChoices, SettingSource>;
    storeLinks: SettingSource;
  };
  /** Which policy source set each locked value (for "set by your organisation's policy: …"). */
  policySources: string[];
}

/**
 * Precedence: enforced policy > the owner's choice > recommended policy > the OEM default.
 * `chosen` names the fields the owner set themselves (present in their settings file); the rest
 * of `owner` are defaults. The result is computed on every read and never written back, so
 * removing a policy gives the owner their own choice again.
 */
export function governSettings(owner: Settings, chosen: ReadonlySet<keyof Settings>, policy: EffectivePolicy): GovernedSettings {
  const { enforced, recommended } = policy;
  let consent = owner.consent;
  let consentSource: SettingSource = chosen.has('consent') ? 'owner' : 'default';
  if (!chosen.has('consent') && recommended.ConsentCeiling !== undefined) {
    consent = recommended.ConsentCeiling;
    consentSource = 'recommended';
  }
  if (enforced.ConsentCeiling !== undefined && lowerConsent(consent, enforced.ConsentCeiling) !== consent) {
    consent = enforced.ConsentCeiling;
    consentSource = 'policy';
  }
  const categories = { ...owner.messageCategories };
  const categorySources = {} as Record<keyof MessageCategoryChoices, SettingSource>;
  for (const category of Object.keys(CATEGORY_POLICY_KEYS) as (keyof MessageCategoryChoices)[]) {
    const key = CATEGORY_POLICY_KEYS[category] as keyof PolicyValues;
    const forced = enforced[key] as boolean | undefined;
    const suggested = recommended[key] as boolean | undefined;
    if (forced !== undefined) {
      categories[category] = forced;
      categorySources[category] = 'policy';
    } else if (chosen.has('messageCategories')) {
      categorySources[category] = 'owner';
    } else if (suggested !== undefined) {
      categories[category] = suggested;
      categorySources[category] = 'recommended';
    } else {
      categorySources[category] = 'default';
    }
  }
  const storeLinks = governSwitch(owner.storeLinks, chosen.has('storeLinks'), enforced.StoreLinks, recommended.StoreLinks);
  return {
    settings: { ...owner, consent, messageCategories: categories, storeLinks: storeLinks.value },
    sources: { consent: consentSource, messageCategories: categorySources, storeLinks: storeLinks.source },
    policySources: policy.sources,
  };
}

/** One on/off setting under the same precedence: enforced > the owner's choice > recommended > the OEM default. */
function governSwitch(
  own: boolean,
  chosen: boolean,
  forced: boolean | undefined,
  suggested: boolean | undefined,
): { value: boolean; source: SettingSource } {
  if (forced !== undefined) return { value: forced, source: 'policy' };
  if (chosen) return { value: own, source: 'owner' };
  if (suggested !== undefined) return { value: suggested, source: 'recommended' };
  return { value: own, source: 'default' };
}

/** The update keys, typed for core/updates (its UpdatePolicySource reads this). Enforced only: "recommended" updates would be the OEM's defaults. */
export function updatePolicyOf(policy: EffectivePolicy): UpdatePolicy {
  const { enforced } = policy;
  return {
    ...(enforced.UpdatesEnabled !== undefined ? { enabled: enforced.UpdatesEnabled } : {}),
    ...(enforced.UpdateChannel !== undefined ? { channel: enforced.UpdateChannel } : {}),
    ...(enforced.UpdateFeedUrl !== undefined ? { feedUrl: enforced.UpdateFeedUrl } : {}),
    ...(enforced.UpdateVersionPin !== undefined ? { versionPin: enforced.UpdateVersionPin } : {}),
    ...(enforced.UpdateDeferDays !== undefined ? { deferDays: enforced.UpdateDeferDays } : {}),
  };
}

/**
 * The backend URL an enforced policy sets (an internal relay), else a recommended one, else the
 * branding's: the owner has no choice of backend, so the precedence is enforced > recommended > OEM default.
 */
export function backendUrlOf(policy: EffectivePolicy, brandingUrl: string): string {
  return policy.enforced.BackendUrl ?? policy.recommended.BackendUrl ?? brandingUrl;
}

/**
 * The branding every feature runs with: the policy's BackendUrl (an internal relay; see backendUrlOf)
 * in place of the manufacturer's, so messages, events, segments, privacy requests and diagnostics all
 * go there. Signing keys stay the branding's: a relay cannot sign manifests.
 */
export function brandingUnderPolicy<B extends { backendUrl: string }>(
  branding: B | undefined,
  policy: EffectivePolicy | undefined,
  log: (message: string) => void,
): B | undefined {
  if (branding === undefined || policy === undefined) return branding;
  const backendUrl = backendUrlOf(policy, branding.backendUrl);
  if (backendUrl === branding.backendUrl) return branding;
  const how = policy.enforced.BackendUrl === undefined ? 'recommended' : 'set';
  log(`policy: the message server is ${backendUrl} (${how} by your organisation's policy) instead of ${branding.backendUrl}`);
  return { ...branding, backendUrl };
}
