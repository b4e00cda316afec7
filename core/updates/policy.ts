import { z } from 'zod';
import { BackendUrlSchema } from '../../common/branding.js';
import { describeError } from '../../common/errors.js';
import { UpdateChannelSchema, VersionSchema } from '../../common/updates.js';

/**
 * What an enterprise policy may say about updates. Every key is optional: an absent key leaves
 * the branding's or the owner's choice in place. The policy reader (core/policy) fills it from the
 * machine's managed settings; this module only defines the seam and the meaning of each key.
 */
export const UpdatePolicySchema = z.strictObject({
  /** false: never look for, download or install updates (IT ships versions itself). */
  enabled: z.boolean().optional(),
  channel: UpdateChannelSchema.optional(),
  /** An internal mirror of the OEM's feed; the same keys must have signed what it serves. */
  feedUrl: BackendUrlSchema.optional(),
  /**
   * Stay on one version line: "1.4" takes 1.4.x only, "1.4.2" exactly that version. A pin never
   * causes a downgrade.
   */
  versionPin: z
    .string()
    .max(64)
    .regex(/^(0|[1-9]\d*)(\.(0|[1-9]\d*)){0,2}(-[0-9A-Za-z.-]+)?$/, 'Pin a version line such as "1", "1.4" or an exact version "1.4.2".')
    .optional(),
  /** Install a release only this many days after it was published (0–365). */
  deferDays: z.number().int().min(0).max(365).optional(),
});
export type UpdatePolicy = z.infer<typeof UpdatePolicySchema>;

/** Where the update policy comes from, asked before each check so a changed policy needs no restart. */
export interface UpdatePolicySource {
  read(): UpdatePolicy | Promise<UpdatePolicy>;
}

/** No managed policy: the branding and the owner decide. */
export const noUpdatePolicy: UpdatePolicySource = { read: () => ({}) };

/** True when `version` is on the pinned line: equal to the pin, or the pin followed by a dot. */
export function matchesVersionPin(version: string, pin: string): boolean {
  if (VersionSchema.safeParse(pin).success) return version === pin;
  return version.startsWith(`${pin}.`);
}

/**
 * Reads a policy source and validates what it gave: a bad policy value is named in the log and
 * ignored key by key (the valid keys still apply), so a typo by IT never turns updates on or off
 * in a way nobody asked for. A key that fails is dropped, except `enabled`, which then means off:
 * an unreadable "turn updates off" must not be read as "on".
 */
export async function readUpdatePolicy(source: UpdatePolicySource, log: (message: string) => void): Promise<UpdatePolicy> {
  let raw: unknown;
  try {
    raw = await source.read();
  } catch (error) {
    log(`updates: the update policy could not be read (${describeError(error)}); updates stay off until it can`);
    return { enabled: false };
  }
  const parsed = UpdatePolicySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  if (typeof raw !== 'object' || raw === null) {
    log('updates: the update policy is not an object; updates stay off until it is fixed');
    return { enabled: false };
  }
  const policy: UpdatePolicy = {};
  const shape = UpdatePolicySchema.shape;
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in shape)) {
      log(`updates: ignoring unknown update policy key "${key}" (known: ${Object.keys(shape).join(', ')})`);
      continue;
    }
    const field = shape[key as keyof typeof shape].safeParse(value);
    if (field.success) Object.assign(policy, { [key]: field.data });
    else {
      log(
        `updates: ignoring update policy ${key}: ${field.error.issues[0]?.message ?? 'invalid value'}${key === 'enabled' ? ' — updates stay off until it is fixed' : ''}`,
      );
      if (key === 'enabled') policy.enabled = false;
    }
  }
  return policy;
}
