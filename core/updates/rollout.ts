import { unitHash } from '../stable-hash.js';

/**
 * The install's place in a staged rollout, 0 ≤ bucket < 100: SHA-256 over "install id : release
 * id", its first 48 bits scaled. The same install lands in the same bucket for a release every
 * time it asks (so raising the percentage only adds installs), and the release id reshuffles
 * buckets per release, so the same machines are not always the first to get new code.
 */
export function rolloutBucket(installId: string, releaseId: string): number {
  return unitHash(`${installId}:${releaseId}`) * 100;
}

/** True when the install's bucket is inside the release's rollout percentage (100 takes every install, 0 none). */
export function isInRollout(installId: string, releaseId: string, rolloutPercent: number): boolean {
  return rolloutBucket(installId, releaseId) < rolloutPercent;
}
