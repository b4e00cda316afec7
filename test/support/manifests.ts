import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  MANIFEST_FORMAT,
  SIGNED_ENVELOPE_FORMAT,
  type Manifest,
  type ManifestMessage,
  type SignedEnvelope,
} from '../../common/messages/index.js';

/** An Ed25519 key pair for tests, with the raw public key as the branding config pins it. */
export interface TestKey {
  privateKey: KeyObject;
  publicKeyBase64: string;
  keyId: string;
}

/** Makes a fresh signing key. */
export function makeTestKey(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { privateKey, publicKeyBase64: raw.toString('base64'), keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16) };
}

/** Signs a payload string the way the server does. */
export function signPayload(key: TestKey, payload: string): SignedEnvelope {
  return {
    format: SIGNED_ENVELOPE_FORMAT,
    algorithm: 'Ed25519',
    keyId: key.keyId,
    signature: sign(null, Buffer.from(payload, 'utf8'), key.privateKey).toString('base64'),
    payload,
  };
}

/** A message with sensible defaults; override what the test is about. */
export function testMessage(overrides: Partial<ManifestMessage> & { campaignId: string }): ManifestMessage {
  const revision = overrides.revision ?? 1;
  return {
    id: `${overrides.campaignId}@${revision}`,
    revision,
    category: 'supplies',
    priority: 100,
    urgency: 'normal',
    schedule: { start: '2020-01-01T00:00', timeZone: 'UTC' },
    regions: [],
    rule: true,
    triggers: [{ type: 'app-start' }],
    caps: { maxImpressions: 3, maxPerDay: 1, cooldownHours: 24 },
    variants: [{ id: 'a', weight: 1, locale: 'en', content: { title: `Title of ${overrides.campaignId}`, body: 'Body', actions: [] } }],
    ...overrides,
  };
}

/** A manifest for trayside-demo/en around `now`. */
export function testManifest(now: number, overrides: Partial<Manifest> = {}): Manifest {
  return {
    format: MANIFEST_FORMAT,
    segment: { productLine: 'trayside-demo', locale: 'en' },
    version: 1,
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 7 * 86_400_000).toISOString(),
    pollIntervalSeconds: 300,
    messages: [],
    ...overrides,
  };
}

/** Signs a manifest object. */
export function signManifest(key: TestKey, manifest: Manifest): SignedEnvelope {
  return signPayload(key, JSON.stringify(manifest));
}
