import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { SIGNED_ENVELOPE_FORMAT, type SignedEnvelope, type SigningKeyInfo } from '../common/messages/index.js';
import type { StoredSigningKey } from './store/store.js';
import { describeError } from '../common/errors.js';

/** keyId: first 16 hex digits of SHA-256 over the raw public key, so a config can name which key it pins. */
export function keyIdOf(rawPublicKey: Buffer): string {
  return createHash('sha256').update(rawPublicKey).digest('hex').slice(0, 16);
}

/** Makes a new Ed25519 key pair in the store's format. */
export function generateSigningKey(): Omit<StoredSigningKey, 'createdAt'> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return {
    keyId: keyIdOf(raw),
    publicKey: raw.toString('base64'),
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url');
}

/** Imports a raw 32-byte Ed25519 public key (base64), as the app does with the key from its branding config. */
export function publicKeyFromRaw(base64: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(base64, 'base64').toString('base64url') }, format: 'jwk' });
}

/** Signs manifests; holds the private key object so it is never re-serialised or logged. */
export interface Signer {
  readonly info: SigningKeyInfo;
  envelope(payload: string): SignedEnvelope;
}

/** Reads an Ed25519 private key in PKCS#8 PEM (what `openssl genpkey -algorithm ed25519` writes) into the store's key format; throws naming the problem. */
export function signingKeyFromPem(pem: string): Omit<StoredSigningKey, 'createdAt'> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new Error(
      `not a PEM private key (${describeError(error)}); make one with: openssl genpkey -algorithm ed25519 -out signing-key.pem`,
      { cause: error },
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `a ${privateKey.asymmetricKeyType ?? 'unknown'} key, but manifests are signed with Ed25519; make one with: openssl genpkey -algorithm ed25519 -out signing-key.pem`,
    );
  }
  const raw = rawPublicKey(createPublicKey(privateKey));
  return {
    keyId: keyIdOf(raw),
    publicKey: raw.toString('base64'),
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

/** The key as a PKCS#8 PEM file, for `npm run admin -- keygen` and tests. */
export function signingKeyToPem(key: Pick<StoredSigningKey, 'privateKey'>): string {
  return createPrivateKey({ key: Buffer.from(key.privateKey, 'base64'), format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

/**
 * A signer whose key can be replaced while the server runs (a rotated key file): `info` and
 * `envelope` always use the newest key; listeners hear of each replacement so cached manifests
 * are re-signed.
 */
export interface RotatingSigner extends Signer {
  replace(next: Signer): void;
  onReplaced(listener: (next: Signer, previous: Signer) => void): () => void;
}

/** Wraps a first signer so it can be replaced later. */
export function createRotatingSigner(first: Signer): RotatingSigner {
  let current = first;
  const listeners = new Set<(next: Signer, previous: Signer) => void>();
  return {
    get info() {
      return current.info;
    },
    envelope: (payload) => current.envelope(payload),
    replace(next) {
      const previous = current;
      current = next;
      for (const listener of listeners) listener(next, previous);
    },
    onReplaced(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** A signer for a stored key. Ed25519 signatures are deterministic (RFC 8032), so every node signs the same payload to the same bytes. */
export function createSigner(stored: Omit<StoredSigningKey, 'createdAt'> & { createdAt?: Date }): Signer {
  const privateKey = createPrivateKey({ key: Buffer.from(stored.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const raw = rawPublicKey(publicKey);
  if (raw.toString('base64') !== stored.publicKey) throw new Error('Stored signing key: the public half does not match the private half.');
  const info: SigningKeyInfo = {
    algorithm: 'Ed25519',
    keyId: stored.keyId,
    publicKey: stored.publicKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
  return {
    info,
    envelope(payload) {
      const signature = sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64');
      return { format: SIGNED_ENVELOPE_FORMAT, algorithm: 'Ed25519', keyId: stored.keyId, signature, payload };
    },
  };
}
