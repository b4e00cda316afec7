import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { InstallCredentialSchema } from '../../common/privacy.js';
import type { ServerDeps } from '../deps.js';
import { hashToken } from './auth.js';
import { HttpError } from './errors.js';

/** Where the app is told to look when a credential is missing: the sentence every 401 of a device route ends with. */
const HOW =
  'The app makes its credential at first run and registers it with POST /v1/installs; send it as "Authorization: Bearer <install credential>".';

/** The credential in the Authorization header, well formed, or a 401 naming what is wrong. */
export function credentialOf(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S{1,200})$/i.exec(header) : null;
  if (match === null) throw new HttpError(401, 'credential-required', `This route speaks for one install and needs its credential. ${HOW}`);
  const parsed = InstallCredentialSchema.safeParse(match[1]);
  if (!parsed.success)
    throw new HttpError(
      401,
      'credential-invalid',
      `The bearer token is not an install credential (${parsed.error.issues[0]?.message ?? 'bad format'}). ${HOW}`,
    );
  return parsed.data;
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Lets the request through only when it carries the credential registered for `installId`: a
 * request for another install, or for one that never registered, gets a 401 that says which.
 * The store holds only the hash, so a leaked database gives no working credential.
 */
export async function requireInstallCredential(deps: ServerDeps, request: FastifyRequest, installId: string): Promise<void> {
  const credential = credentialOf(request);
  const stored = await deps.store.privacy.credentialHash(installId);
  if (stored === null)
    throw new HttpError(401, 'install-not-registered', `Install ${installId} has no registered credential on this server. ${HOW}`);
  if (!sameHash(stored, hashToken(credential)))
    throw new HttpError(
      401,
      'credential-mismatch',
      `The credential does not belong to install ${installId}; only the app that registered it may speak for it.`,
    );
}
