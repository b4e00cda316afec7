import type { Manifest } from '../../common/messages/index.js';

/**
 * When the app fetches a renewed copy of an unchanged manifest. The server's ETag names the
 * content, not the validity (server/manifest/service.ts), so a conditional poll of an unchanged
 * manifest gets 304 even after the server re-signed it with a later expiry. Past a fraction of its
 * validity the app therefore polls without If-None-Match and gets the renewed copy. The fraction is
 * spread over [0.5, 0.75) by the install id, so installs holding the same copy do not all come for
 * the renewal in the same poll interval; with a week of validity that is every 3.5–5.25 days,
 * days before the copy expires.
 */
export function renewalFraction(installId: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < installId.length; index += 1) {
    hash ^= installId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return 0.5 + 0.25 * ((hash >>> 0) / 2 ** 32);
}

/** True when the copy is old enough that the next poll should ask for a renewed one (no If-None-Match). */
export function renewalDue(manifest: Pick<Manifest, 'issuedAt' | 'expiresAt'>, nowMs: number, fraction: number): boolean {
  const issued = Date.parse(manifest.issuedAt);
  const expires = Date.parse(manifest.expiresAt);
  return nowMs >= issued + (expires - issued) * fraction;
}
