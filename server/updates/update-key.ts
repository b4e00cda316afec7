import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { SIGNED_ENVELOPE_FORMAT, type SignedEnvelope } from '../../common/messages/index.js';

/**
 * The update signing key: a dedicated Ed25519 key, kept by whoever publishes releases, never by
 * the server. The manifest key sits on every backend node to sign manifests on demand; a key that
 * can ship code to every install must not. The app pins its public half in the branding's
 * `updates.publicKeys`.
 */
const UpdateKeyFileSchema = z.strictObject({
  format: z.literal('trayside.update-key.v1'),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** Base64 raw 32-byte public key, as the branding pins it. */
  publicKey: z.string(),
  /** Base64 PKCS#8 DER. */
  privateKey: z.string(),
});

/** A loaded update key. */
export interface UpdateKey {
  keyId: string;
  publicKey: string;
  sign(payload: string): SignedEnvelope;
}

function rawPublic(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
}

/** keyId as the app computes it (core/messages/manifest-verifier.ts pinKeys). */
function keyIdOf(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/** Writes a new key file (0600) and returns its public half; refuses to overwrite an existing file. */
export async function createUpdateKeyFile(file: string): Promise<{ keyId: string; publicKey: string }> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublic(publicKey);
  const record = {
    format: 'trayside.update-key.v1',
    keyId: keyIdOf(raw),
    publicKey: raw.toString('base64'),
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { keyId: record.keyId, publicKey: record.publicKey };
}

/** Reads a key file; the error names the file and what is wrong with it. */
export async function readUpdateKeyFile(file: string): Promise<UpdateKey> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read the update key ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); make one with "npm run admin -- release keygen --out ${file}".`,
    );
  }
  let parsed: z.infer<typeof UpdateKeyFileSchema>;
  try {
    parsed = UpdateKeyFileSchema.parse(JSON.parse(text));
  } catch {
    throw new Error(`${file} is not an update key file (made by "npm run admin -- release keygen").`);
  }
  const privateKey = createPrivateKey({ key: Buffer.from(parsed.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
  const raw = rawPublic(createPublicKey(privateKey));
  if (raw.toString('base64') !== parsed.publicKey || keyIdOf(raw) !== parsed.keyId)
    throw new Error(`${file}: the public key does not match the private key.`);
  return {
    keyId: parsed.keyId,
    publicKey: parsed.publicKey,
    sign(payload) {
      const signature = sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64');
      return { format: SIGNED_ENVELOPE_FORMAT, algorithm: 'Ed25519', keyId: parsed.keyId, signature, payload };
    },
  };
}
