import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../deps.js';
import { hashToken } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { cookieValue } from '../support/support-session.js';

/** The dashboard's sign-in cookie; scoped to its paths, never readable by scripts. */
export const DASHBOARD_COOKIE = 'trayside_dashboard';
const COOKIE_PATH = '/dashboard';

/** Secure only where the browser reached us over https (directly or through a proxy that says so). */
function secure(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

interface Session {
  /** Hash of the admin token signed in with: checked again on every request, so revoking the token ends the session. */
  adminTokenHash: string;
  expiresAt: number;
}

/**
 * Dashboard sessions for admin tokens. They are kept in the server process (keyed by the hash of
 * the cookie value): a restart signs everyone out, and several server nodes need sticky sessions.
 * The support view's sessions live in the store because support agents sign in all day; an admin
 * signs in again after a deploy.
 */
export class AdminSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly hours: number) {}

  /** Starts a session for a verified admin token and sets its cookie (HttpOnly, SameSite=Strict). */
  start(deps: ServerDeps, adminTokenHash: string, request: FastifyRequest, reply: FastifyReply): void {
    const now = deps.clock.now();
    for (const [key, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(key);
    const value = randomBytes(32).toString('base64url');
    this.sessions.set(hashToken(value), { adminTokenHash, expiresAt: now + this.hours * 3_600_000 });
    void reply.header(
      'set-cookie',
      `${DASHBOARD_COOKIE}=${value}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=${this.hours * 3600}${secure(request) ? '; Secure' : ''}`,
    );
  }

  /** Ends the request's session (if any) and clears the cookie. */
  end(request: FastifyRequest, reply: FastifyReply): void {
    const value = cookieValue(request.headers.cookie, DASHBOARD_COOKIE);
    if (value !== undefined) this.sessions.delete(hashToken(value));
    void reply.header('set-cookie', `${DASHBOARD_COOKIE}=; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=0`);
  }

  /** Throws 401 unless the request carries a live session of a token that still has the admin role. */
  async require(deps: ServerDeps, request: FastifyRequest): Promise<void> {
    const value = cookieValue(request.headers.cookie, DASHBOARD_COOKIE);
    const key = value !== undefined && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? hashToken(value) : undefined;
    const session = key === undefined ? undefined : this.sessions.get(key);
    if (key !== undefined && session !== undefined) {
      if (session.expiresAt > deps.clock.now() && (await deps.store.tokenRole(session.adminTokenHash)) === 'admin') return;
      this.sessions.delete(key);
    }
    throw new HttpError(401, 'sign-in-needed', 'Sign in to the campaign dashboard with an admin token; your sign-in has ended.');
  }
}
