import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import {
  parseManifest,
  SignedEnvelopeSchema,
  type Manifest,
  type ManifestSegment,
  type SignedEnvelope,
  type SkippedMessage,
} from '../../common/messages/index.js';
import { describeError } from '../../common/errors.js';

/** Why a manifest was refused; the last good one stays in use in every case. */
export type RejectionReason =
  'malformed' | 'unsigned' | 'unknown-key' | 'bad-signature' | 'bad-payload' | 'wrong-segment' | 'expired' | 'older-version';

/** A manifest that passed every check. */
export interface VerifiedManifest {
  envelope: SignedEnvelope;
  manifest: Manifest;
  /** Messages dropped because they did not parse (e.g. from a newer server). */
  skipped: SkippedMessage[];
}

/** The verdict on one response body. */
export type Verdict = { ok: true; verified: VerifiedManifest } | { ok: false; reason: RejectionReason; message: string };

/** A pinned Ed25519 key and its id (first 16 hex digits of SHA-256 over the raw key, as the server names it). */
export interface PinnedKey {
  keyId: string;
  key: KeyObject;
}

/** Imports the branding config's base64 raw public keys. */
export function pinKeys(rawBase64Keys: readonly string[]): PinnedKey[] {
  return rawBase64Keys.map((base64) => {
    const raw = Buffer.from(base64, 'base64');
    if (raw.length !== 32) throw new Error(`A pinned signing key must be 32 bytes of base64; got ${raw.length} bytes.`);
    return {
      keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16),
      key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' }),
    };
  });
}

/** What the verifier compares against. */
export interface VerifyOptions {
  keys: readonly PinnedKey[];
  /** The segment that was asked for; a manifest for another segment is refused. */
  segment?: ManifestSegment;
  now: number;
  /** The manifest in use, if any: a lower version, or the same version not issued later, is refused as a replay. */
  current?: Pick<Manifest, 'version' | 'issuedAt'> | undefined;
  /** Allow an expired manifest (loading the cache at start: it is kept but shows nothing until refreshed). */
  allowExpired?: boolean;
}

const reject = (reason: RejectionReason, message: string): Verdict => ({ ok: false, reason, message });

/**
 * Checks one response body in the order common/messages/manifest.ts prescribes: envelope shape,
 * pinned key, Ed25519 signature over the exact payload string, and only then the payload's
 * content, segment, expiry and version.
 */
export function verifyManifest(body: unknown, options: VerifyOptions): Verdict {
  let raw = body;
  if (typeof body === 'string') {
    try {
      raw = JSON.parse(body);
    } catch {
      return reject('malformed', 'The response is not JSON.');
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return reject('malformed', 'The response is not a signed manifest.');
  const record = raw as Record<string, unknown>;
  if (record.signature === undefined || record.payload === undefined) {
    return reject('unsigned', 'The manifest is not signed.');
  }
  const parsed = SignedEnvelopeSchema.safeParse(raw);
  if (!parsed.success) return reject('malformed', `The signed envelope is malformed (${parsed.error.issues[0]?.path.join('.') ?? ''}).`);
  const envelope = parsed.data;
  const pinned = options.keys.find((candidate) => candidate.keyId === envelope.keyId);
  if (!pinned) return reject('unknown-key', `The manifest is signed by key ${envelope.keyId}, which this app does not trust.`);
  let valid = false;
  try {
    valid = verify(null, Buffer.from(envelope.payload, 'utf8'), pinned.key, Buffer.from(envelope.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return reject('bad-signature', 'The manifest signature does not match its content.');

  let manifest: Manifest;
  let skipped: SkippedMessage[];
  try {
    ({ manifest, skipped } = parseManifest(JSON.parse(envelope.payload)));
  } catch (error) {
    return reject('bad-payload', `The signed manifest could not be read: ${describeError(error).slice(0, 200)}`);
  }
  if (
    options.segment &&
    (manifest.segment.productLine !== options.segment.productLine || manifest.segment.locale !== options.segment.locale)
  ) {
    return reject(
      'wrong-segment',
      `The manifest is for ${manifest.segment.productLine}/${manifest.segment.locale}, not ${options.segment.productLine}/${options.segment.locale}.`,
    );
  }
  if (!options.allowExpired && Date.parse(manifest.expiresAt) <= options.now) {
    return reject('expired', `The manifest expired at ${manifest.expiresAt}.`);
  }
  const current = options.current;
  if (current) {
    const older =
      manifest.version < current.version ||
      (manifest.version === current.version && Date.parse(manifest.issuedAt) < Date.parse(current.issuedAt));
    if (older)
      return reject(
        'older-version',
        `The manifest is version ${manifest.version} of ${manifest.issuedAt}; version ${current.version} of ${current.issuedAt} is newer.`,
      );
  }
  return { ok: true, verified: { envelope, manifest, skipped } };
}
