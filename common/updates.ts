import { z } from 'zod';

/**
 * Signed update metadata (DESIGN.md, OEM bundling → Updates). The feed answers a SignedEnvelope
 * (common/messages/manifest.ts: the exact payload string is what the Ed25519 signature covers)
 * whose payload is an UpdateRelease. The app checks, in order: envelope shape; a key its branding
 * pins in `updates.publicKeys`; the signature; the payload's format and channel; then its own
 * rules (downgrade, platform, rollout, policy). Installer bytes are checked against `sha512` after
 * every download, so the signature covers the installer itself, not only its name.
 */

/** Magic of an update payload; a manifest payload signed by the same key can never pass as one. */
export const UPDATE_FORMAT = 'trayside.update.v1';

export const UPDATE_CHANNELS = ['stable', 'beta'] as const;
/** Stable gets releases after beta has had them; a beta install also takes stable releases that are newer. */
export const UpdateChannelSchema = z.enum(UPDATE_CHANNELS);
export type UpdateChannel = z.infer<typeof UpdateChannelSchema>;

/** Platforms and architectures as Node names them (`process.platform`, `process.arch`); `universal` is a macOS fat binary. */
export const UpdatePlatformSchema = z.enum(['win32', 'darwin', 'linux']);
export type UpdatePlatform = z.infer<typeof UpdatePlatformSchema>;
export const UpdateArchSchema = z.enum(['x64', 'arm64', 'universal']);
export type UpdateArch = z.infer<typeof UpdateArchSchema>;

/** What an installer file is; the app installs only the kinds its platform's installer adapter takes. */
export const UpdateFileKindSchema = z.enum(['nsis', 'msi', 'dmg', 'pkg', 'zip', 'appimage']);
export type UpdateFileKind = z.infer<typeof UpdateFileKindSchema>;

const SEMVER = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** A release version: `1.4.2` or `1.5.0-beta.3` (SemVer 2.0 without build metadata, which SemVer ignores in ordering). */
export const VersionSchema = z
  .string()
  .max(64)
  .regex(SEMVER, 'Write a version as MAJOR.MINOR.PATCH, optionally with -prerelease (e.g. "1.4.2" or "1.5.0-beta.1").');

/**
 * SemVer 2.0 precedence (§11): numbers compared numerically, a prerelease sorts before its release,
 * prerelease identifiers compared one by one (numeric below alphanumeric). Written here rather than
 * taken from the `semver` package because common/ imports only zod; it is the ordering alone, no ranges.
 * Returns <0, 0 or >0; throws on a string that is not a version.
 */
export function compareVersions(a: string, b: string): number {
  const left = SEMVER.exec(a);
  const right = SEMVER.exec(b);
  if (!left || !right) throw new Error(`Not a version: "${left ? b : a}" (expected MAJOR.MINOR.PATCH[-prerelease]).`);
  for (let index = 1; index <= 3; index++) {
    const difference = Number(left[index]) - Number(right[index]);
    if (difference !== 0) return difference;
  }
  const leftPre = left[4];
  const rightPre = right[4];
  if (leftPre === undefined || rightPre === undefined) return leftPre === rightPre ? 0 : leftPre === undefined ? 1 : -1;
  const leftParts = leftPre.split('.');
  const rightParts = rightPre.split('.');
  for (let index = 0; index < Math.max(leftParts.length, rightParts.length); index++) {
    const l = leftParts[index];
    const r = rightParts[index];
    if (l === undefined) return -1;
    if (r === undefined) return 1;
    const lNumeric = /^\d+$/.test(l);
    const rNumeric = /^\d+$/.test(r);
    if (lNumeric && rNumeric) {
      const difference = Number(l) - Number(r);
      if (difference !== 0) return difference;
    } else if (lNumeric !== rNumeric) return lNumeric ? -1 : 1;
    else if (l !== r) return l < r ? -1 : 1;
  }
  return 0;
}

/** Base64 (standard, padded) of a 64-byte SHA-512 digest: the form electron-builder's latest.yml uses. */
export const Sha512Schema = z
  .string()
  .regex(/^[A-Za-z0-9+/]{86}==$/, 'A sha512 is the base64 of the 64-byte digest (88 characters ending in "==").');

/** A file name that is safe on every platform's disk and in a URL path segment. */
export const UpdateFileNameSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._+-]*$/, 'Use letters, digits, spaces and . _ + - in installer file names (no folders).')
  .refine((name) => !name.includes('..'), 'No ".." in installer file names.');

/** One installer of a release. */
export const UpdateFileSchema = z.strictObject({
  platform: UpdatePlatformSchema,
  arch: UpdateArchSchema,
  kind: UpdateFileKindSchema,
  name: UpdateFileNameSchema,
  /** Where to download it: a path on the feed's origin (`/v1/updates/blobs/…`) or an https URL (a CDN). */
  url: z
    .string()
    .max(2000)
    .regex(/^(\/[^\s]*|https:\/\/[^\s]+)$/, 'A file URL is a path on the feed ("/v1/updates/blobs/…") or an https:// URL.'),
  /** Bytes; the download is refused when it is any other length. */
  size: z
    .number()
    .int()
    .positive()
    .max(4 * 1024 ** 3),
  sha512: Sha512Schema,
});
export type UpdateFile = z.infer<typeof UpdateFileSchema>;

/** Release ids name one publish: `1.4.2-stable-3f9a…`. They also salt the rollout bucket. */
export const ReleaseIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.+-]{0,99}$/, 'A release id is lowercase letters, digits and . + - (up to 100).');

/** The signed payload: one release of one channel. */
export const UpdateReleaseSchema = z.strictObject({
  format: z.literal(UPDATE_FORMAT),
  releaseId: ReleaseIdSchema,
  version: VersionSchema,
  channel: UpdateChannelSchema,
  /** ISO time of the publish; policy's defer days count from it. */
  publishedAt: z.iso.datetime({ offset: true }),
  /** Share of installs (0–100) whose bucket for this release is below it; raised by publishing the same release again. */
  rolloutPercent: z.number().min(0).max(100),
  releaseNotes: z.string().max(20_000).optional(),
  files: z.array(UpdateFileSchema).min(1).max(32),
});
export type UpdateRelease = z.infer<typeof UpdateReleaseSchema>;

/** Feed path of a channel's current release, under the branding's `updates.feedUrl`. */
export function updateFeedPath(channel: UpdateChannel): string {
  return `/v1/updates/${channel}`;
}
