/**
 * Where the manifest's verification keys come from when the branding does not pin them: a
 * development run reads them from a loopback backend (core/branding/signing-key.ts). The manifest
 * source asks before a poll until it has keys, so a server started after the app, or "Check now",
 * brings messages without a restart.
 */

/** One attempt to get the keys. */
export type SigningKeyAnswer =
  | { kind: 'keys'; keys: readonly string[] }
  /** The server did not answer (refused, DNS, timeout); `reason` is words. */
  | { kind: 'unreachable'; reason: string }
  /** The server answered, but not with a usable key. */
  | { kind: 'unavailable'; reason: string };

/** Asked once per poll until it answers with keys; never rejects. */
export type SigningKeySource = (signal: AbortSignal) => Promise<SigningKeyAnswer>;
