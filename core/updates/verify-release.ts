import { verify } from 'node:crypto';
import { SignedEnvelopeSchema } from '../../common/messages/index.js';
import { UPDATE_FORMAT, UpdateReleaseSchema, type UpdateChannel, type UpdateRelease } from '../../common/updates.js';
import type { PinnedKey } from '../messages/manifest-verifier.js';

/** Why signed update metadata was refused. Nothing is downloaded after any of them. */
export type ReleaseRefusal = 'malformed' | 'unsigned' | 'unknown-key' | 'bad-signature' | 'bad-payload' | 'wrong-channel';

export type ReleaseVerdict = { ok: true; release: UpdateRelease; keyId: string } | { ok: false; reason: ReleaseRefusal; message: string };

const refuse = (reason: ReleaseRefusal, message: string): ReleaseVerdict => ({ ok: false, reason, message });

/**
 * Checks a feed response: a signed envelope, by a key the branding pins for updates, whose
 * signature covers the exact payload string, whose payload is an update release (not a manifest
 * or anything else the same key might sign) of the channel that was asked for.
 */
export function verifyRelease(body: string, options: { keys: readonly PinnedKey[]; channel: UpdateChannel }): ReleaseVerdict {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return refuse('malformed', 'The update feed did not answer JSON.');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return refuse('malformed', 'The update feed did not answer a signed release.');
  const record = raw as Record<string, unknown>;
  if (record.signature === undefined || record.payload === undefined) {
    return refuse(
      'unsigned',
      'The update metadata is not signed; the feed must serve it in a signed envelope (npm run admin -- release publish).',
    );
  }
  const envelope = SignedEnvelopeSchema.safeParse(raw);
  if (!envelope.success)
    return refuse(
      'malformed',
      `The update metadata's signed envelope is malformed (${envelope.error.issues[0]?.path.join('.') || 'shape'}).`,
    );
  const { keyId, payload, signature } = envelope.data;
  const pinned = options.keys.find((candidate) => candidate.keyId === keyId);
  if (!pinned) {
    return refuse(
      'unknown-key',
      `The update metadata is signed by key ${keyId}, which is not among the branding's updates.publicKeys (${options.keys.map((key) => key.keyId).join(', ')}).`,
    );
  }
  let valid: boolean;
  try {
    valid = verify(null, Buffer.from(payload, 'utf8'), pinned.key, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid)
    return refuse(
      'bad-signature',
      `The update metadata's signature does not match its content (key ${keyId}); it was changed after signing.`,
    );

  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return refuse('bad-payload', 'The signed update metadata is not JSON.');
  }
  if (typeof json === 'object' && json !== null && (json as Record<string, unknown>).format !== UPDATE_FORMAT) {
    return refuse(
      'bad-payload',
      `The signed payload is not update metadata (format ${JSON.stringify((json as Record<string, unknown>).format)}, expected ${UPDATE_FORMAT}).`,
    );
  }
  const release = UpdateReleaseSchema.safeParse(json);
  if (!release.success) {
    const issue = release.error.issues[0];
    return refuse(
      'bad-payload',
      `The signed update metadata could not be read: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  // A beta install may be offered a stable release; a stable install never a beta one.
  if (options.channel === 'stable' && release.data.channel !== 'stable') {
    return refuse('wrong-channel', `The feed for the stable channel served a ${release.data.channel} release (${release.data.version}).`);
  }
  return { ok: true, release: release.data, keyId };
}
