import { compareVersions, type UpdateFile, type UpdateFileKind, type UpdatePlatform, type UpdateRelease } from '../../common/updates.js';
import { matchesVersionPin, type UpdatePolicy } from './policy.js';
import { isInRollout, rolloutBucket } from './rollout.js';

/** The machine the app runs on and what its installer adapter can install. */
export interface UpdateTarget {
  appVersion: string;
  platform: UpdatePlatform;
  arch: 'x64' | 'arm64';
  /** File kinds the installer adapter takes, preferred first (Windows: nsis; macOS: zip for Squirrel). */
  kinds: readonly UpdateFileKind[];
}

/** What to do with a verified release. Only `offer` leads to a download. */
export type UpdateDecision =
  | { kind: 'offer'; release: UpdateRelease; file: UpdateFile; bucket: number }
  | { kind: 'up-to-date'; message: string }
  | { kind: 'refused'; reason: 'downgrade' | 'wrong-platform'; message: string }
  | { kind: 'not-in-rollout'; bucket: number; message: string }
  | { kind: 'deferred'; until: number; message: string }
  | { kind: 'pinned'; message: string };

const DAY_MS = 86_400_000;

/** The installer for this machine: same platform, the same arch (or a universal macOS build), the adapter's preferred kind. */
export function fileFor(release: UpdateRelease, target: UpdateTarget): UpdateFile | undefined {
  for (const kind of target.kinds) {
    const candidates = release.files.filter((file) => file.platform === target.platform && file.kind === kind);
    const exact = candidates.find((file) => file.arch === target.arch);
    const universal = target.platform === 'darwin' ? candidates.find((file) => file.arch === 'universal') : undefined;
    if (exact ?? universal) return exact ?? universal;
  }
  return undefined;
}

/**
 * Decides on a release whose signature has been verified. The order matters for what the owner is
 * told: a downgrade or a foreign build is refused before rollout and policy are looked at.
 */
export function decideUpdate(
  release: UpdateRelease,
  input: { target: UpdateTarget; installId: string; policy: UpdatePolicy; now: number },
): UpdateDecision {
  const { target, policy } = input;
  const order = compareVersions(release.version, target.appVersion);
  if (order === 0) return { kind: 'up-to-date', message: `Trayside ${target.appVersion} is up to date.` };
  if (order < 0) {
    return {
      kind: 'refused',
      reason: 'downgrade',
      message: `The feed offers ${release.version}, older than the installed ${target.appVersion}; an update never goes back a version.`,
    };
  }
  const file = fileFor(release, target);
  if (!file) {
    const offered = [...new Set(release.files.map((candidate) => `${candidate.platform}/${candidate.arch} ${candidate.kind}`))].join(', ');
    return {
      kind: 'refused',
      reason: 'wrong-platform',
      message: `Release ${release.version} has no ${target.kinds.join(' or ')} installer for ${target.platform}/${target.arch} (it has ${offered}).`,
    };
  }
  if (policy.versionPin !== undefined && !matchesVersionPin(release.version, policy.versionPin)) {
    return { kind: 'pinned', message: `Release ${release.version} is outside the version ${policy.versionPin} your administrator pinned.` };
  }
  const bucket = rolloutBucket(input.installId, release.releaseId);
  if (!isInRollout(input.installId, release.releaseId, release.rolloutPercent)) {
    return {
      kind: 'not-in-rollout',
      bucket,
      message: `Release ${release.version} is rolling out to ${release.rolloutPercent} % of installs; this one comes later.`,
    };
  }
  // Only a policy defers: without one, a publish time ahead of this machine's clock (skew) delays nothing.
  const until = Date.parse(release.publishedAt) + (policy.deferDays ?? 0) * DAY_MS;
  if ((policy.deferDays ?? 0) > 0 && until > input.now) {
    return {
      kind: 'deferred',
      until,
      message: `Release ${release.version} waits ${policy.deferDays} days after its release, as your administrator set, until ${new Date(until).toISOString().slice(0, 10)}.`,
    };
  }
  return { kind: 'offer', release, file, bucket };
}
