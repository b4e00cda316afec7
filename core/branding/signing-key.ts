import type { Branding } from '../../common/branding.js';
import { ZodError } from 'zod';
import { SigningKeyInfoSchema } from '../../common/messages/index.js';
import { describeNetworkError } from '../../common/system-error-words.js';
import type { SigningKeyAnswer, SigningKeySource } from '../messages/signing-key-source.js';

/** The bundled demo's key: 32 zero bytes. Nothing verifies against it; it marks "not pinned yet". */
export const PLACEHOLDER_KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/** True when the backend runs on this machine (the reference server during development). */
export function isLoopbackBackend(backendUrl: string): boolean {
  try {
    return LOOPBACK.includes(new URL(backendUrl).hostname);
  } catch {
    return false;
  }
}

/** What a host allows when the branding's key is the placeholder. */
export interface SigningKeyOptions {
  /**
   * Read the key from a loopback backend's GET /v1/signing-key (trust on first use). The Node host
   * and an unpackaged Electron run allow it, for `npm run server` on the same machine; a packaged
   * app never does: there the OEM pins the key in the branding config.
   */
  allowLoopbackKeyFetch: boolean;
  fetch: (url: string, init: { signal: AbortSignal }) => Promise<Response>;
  log: (message: string) => void;
  timeoutMs?: number;
}

/** How the message service gets its keys this run. */
export type SigningKeyPlan =
  /** The branding pins them (placeholders dropped). */
  | { kind: 'pinned'; branding: Branding }
  /** Development: asked of the loopback backend before each poll until it answers, so a server started later needs no restart. */
  | { kind: 'fetch'; branding: Branding; source: SigningKeySource }
  /** Messages stay off (said in one log line). */
  | { kind: 'off' };

/**
 * How the message service gets its keys: a pinned key is used as is; only placeholder keys on a
 * loopback backend lead to the development fetch, which the poll cycle retries (core/messages).
 */
export function planSigningKey(branding: Branding, options: SigningKeyOptions): SigningKeyPlan {
  const pinned = branding.signingKeys.filter((key) => key !== PLACEHOLDER_KEY);
  if (pinned.length > 0) return { kind: 'pinned', branding: { ...branding, signingKeys: pinned } };
  if (!options.allowLoopbackKeyFetch || !isLoopbackBackend(branding.backendUrl)) {
    options.log(
      `messages: off — the branding config's signingKeys holds only the placeholder key; pin the backend's key (npm run admin -- public-key) in signingKeys${options.allowLoopbackKeyFetch ? '' : ' (a packaged app never reads it from the server)'}`,
    );
    return { kind: 'off' };
  }
  return { kind: 'fetch', branding, source: loopbackKeySource(branding.backendUrl, options) };
}

/**
 * Reads GET /v1/signing-key of a loopback backend (trust on first use, development only). Logs the
 * key it takes once, and a failure only when its reason changes, so a retry every poll stays quiet.
 */
export function loopbackKeySource(backendUrl: string, options: SigningKeyOptions): SigningKeySource {
  const url = new URL(backendUrl);
  let lastProblem: string | undefined;
  const failed = (answer: Exclude<SigningKeyAnswer, { kind: 'keys' }>): SigningKeyAnswer => {
    if (answer.reason !== lastProblem) {
      options.log(
        `messages: could not read the signing key of the local server ${url.host} (${answer.reason}); asking again at each poll and on "Check now" — start it with "npm run server", or pin the key in the branding config`,
      );
    }
    lastProblem = answer.reason;
    return answer;
  };
  return async (signal) => {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 5000);
    let response: Response;
    try {
      response = await options.fetch(new URL('/v1/signing-key', url).href, { signal: AbortSignal.any([signal, timeout]) });
    } catch (error) {
      const reason = timeout.aborted ? `no answer within ${(options.timeoutMs ?? 5000) / 1000} s` : describeNetworkError(error);
      return failed({ kind: 'unreachable', reason });
    }
    try {
      if (!response.ok) throw new Error(`it answered ${response.status} to GET /v1/signing-key`);
      const { publicKey } = SigningKeyInfoSchema.parse(await response.json());
      options.log(
        `messages: using the signing key of the local server ${url.host} (development only; pin it in the branding config's signingKeys for a release)`,
      );
      lastProblem = undefined;
      return { kind: 'keys', keys: [publicKey] };
    } catch (error) {
      const reason =
        error instanceof ZodError || error instanceof SyntaxError
          ? 'its answer to GET /v1/signing-key is not a signing key'
          : describeNetworkError(error);
      return failed({ kind: 'unavailable', reason });
    }
  };
}
