import { BUNDLE_LIMITS } from '../../common/diagnostics/bundle.js';

/** How the server keeps diagnostics cases and lets support read them (ServerOptions.diagnostics). */
export interface DiagnosticsConfig {
  /** Days a case is kept after upload before the prune job deletes it (default 30). */
  retentionDays: number;
  /** Largest bundle accepted, bytes of JSON text after any gzip (default the bundle schema's limit, 8 MiB). */
  maxBytes: number;
  /** How often expired cases and sessions are pruned (default hourly). */
  pruneIntervalMs: number;
  /** Case lookups per support token in a window (an address gets four times as many, for a team behind one NAT): codes must not be guessable by trying. */
  lookupLimit: { max: number; timeWindowMs: number };
  /** Uploads per install (or address, without an install id) in a window, counted before the body is read: a bundle can be megabytes. */
  uploadLimit: { max: number; timeWindowMs: number };
  /** Sign-in attempts per address in a window. */
  signInLimit: { max: number; timeWindowMs: number };
  /**
   * Every case lookup answers no sooner than this after it arrived, found or not, so the time an
   * answer takes does not tell a code that exists from one that does not.
   */
  lookupFloorMs: number;
  /** Hours a support sign-in lasts. */
  sessionHours: number;
}

export const DEFAULT_DIAGNOSTICS_CONFIG: DiagnosticsConfig = {
  retentionDays: 30,
  maxBytes: BUNDLE_LIMITS.maxBytes,
  pruneIntervalMs: 3_600_000,
  lookupLimit: { max: 30, timeWindowMs: 60_000 },
  uploadLimit: { max: 20, timeWindowMs: 3_600_000 },
  signInLimit: { max: 10, timeWindowMs: 60_000 },
  lookupFloorMs: 150,
  sessionHours: 8,
};

/** The defaults with the given fields replaced. */
export function diagnosticsConfig(partial: Partial<DiagnosticsConfig> = {}): DiagnosticsConfig {
  return { ...DEFAULT_DIAGNOSTICS_CONFIG, ...partial };
}

export const DAY_MS = 86_400_000;
