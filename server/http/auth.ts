import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ServerDeps } from '../deps.js';
import type { Role } from '../store/store.js';
import { HttpError } from './errors.js';

/** Tokens are stored as SHA-256 hashes: a leaked database does not leak working tokens (they are random, so no salt is needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token: 32 bytes, base64url, prefixed with its role so a person can tell them apart. */
export function newToken(role: Role): string {
  return `ts_${role}_${randomBytes(32).toString('base64url')}`;
}

/** Header a device sends with its anonymous install id; used only as a rate-limit key. */
export const INSTALL_ID_HEADER = 'x-trayside-install';

/** The install id from the request when well formed (8–64 letters, digits, dashes), else undefined. */
export function installIdOf(request: FastifyRequest): string | undefined {
  const value = request.headers[INSTALL_ID_HEADER];
  return typeof value === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(value) ? value : undefined;
}

/** A preHandler that lets the request through only with a bearer token of the role (an admin token also passes device routes). */
export function requireRole(deps: ServerDeps, role: Role) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S{1,200})$/i.exec(header) : null;
    if (match === null) {
      throw new HttpError(
        401,
        'unauthorized',
        'Send "Authorization: Bearer <token>". The server writes the admin token to its data directory on first start (see `npm run server` output).',
      );
    }
    const found = await deps.store.tokenRole(hashToken(match[1]!));
    if (found === null) throw new HttpError(401, 'unauthorized', 'The bearer token is not known to this server.');
    if (found !== role && found !== 'admin')
      throw new HttpError(403, 'forbidden', `This route needs the ${role} role; the token has the ${found} role.`);
  };
}
