import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../deps.js';
import { hashToken } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import type { SupportTokenInfo } from '../store/diagnostics-store.js';

/** The sign-in cookie; scoped to the support view's paths, never readable by scripts. */
export const SESSION_COOKIE = 'trayside_support';
const COOKIE_PATH = '/support';

/** The value of one cookie in the Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** Secure only where the browser reached us over https (directly or through a proxy that says so). */
function secure(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

/** Starts a session for a support token and sets its cookie (HttpOnly, SameSite=Strict). */
export async function startSession(
  deps: ServerDeps,
  token: SupportTokenInfo,
  request: FastifyRequest,
  reply: FastifyReply,
  hours: number,
): Promise<void> {
  const session = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  await deps.store.diagnostics.createSession(hashToken(session), token.id, new Date(now), new Date(now + hours * 3_600_000));
  void reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${session}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=${hours * 3600}${secure(request) ? '; Secure' : ''}`,
  );
}

/** Ends the request's session (if any) and clears the cookie. */
export async function endSession(deps: ServerDeps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const session = cookieValue(request.headers.cookie, SESSION_COOKIE);
  if (session !== undefined) await deps.store.diagnostics.endSession(hashToken(session));
  void reply.header('set-cookie', `${SESSION_COOKIE}=; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=0`);
}

/**
 * The support token behind the request: its session cookie, or a support token as a bearer (for
 * scripts). Admin tokens are not support tokens: the roles are separate.
 */
export async function supportTokenOf(deps: ServerDeps, request: FastifyRequest): Promise<SupportTokenInfo> {
  const now = new Date(deps.clock.now());
  const session = cookieValue(request.headers.cookie, SESSION_COOKIE);
  if (session !== undefined && /^[A-Za-z0-9_-]{20,100}$/.test(session)) {
    const token = await deps.store.diagnostics.sessionToken(hashToken(session), now);
    if (token !== null) return token;
  }
  const bearer = /^Bearer\s+(ts_support_\S{1,200})$/i.exec(request.headers.authorization ?? '');
  if (bearer !== null) {
    const token = await deps.store.diagnostics.supportTokenByHash(hashToken(bearer[1]!), now);
    if (token !== null) return token;
  }
  throw new HttpError(
    401,
    'sign-in-needed',
    'Sign in to the support view with your support token; your sign-in has ended or the token was revoked.',
  );
}
