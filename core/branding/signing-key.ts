import type { Branding } from '../../common/branding.js';
import { SigningKeyInfoSchema } from '../../common/messages/index.js';

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

/**
 * The branding the message service runs with, or null when messages stay off (said in one log
 * line). A pinned key is used as is; only placeholder keys lead to the development fetch.
 */
export async function resolveSigningKey(branding: Branding, options: SigningKeyOptions): Promise<Branding | null> {
  const pinned = branding.signingKeys.filter((key) => key !== PLACEHOLDER_KEY);
  if (pinned.length > 0) return { ...branding, signingKeys: pinned };
  const url = new URL(branding.backendUrl);
  if (!options.allowLoopbackKeyFetch || !isLoopbackBackend(branding.backendUrl)) {
    options.log(
      `messages: off — the branding config's signingKeys holds only the placeholder key; pin the backend's key (npm run admin -- public-key) in signingKeys${options.allowLoopbackKeyFetch ? '' : ' (a packaged app never reads it from the server)'}`,
    );
    return null;
  }
  try {
    const response = await options.fetch(new URL('/v1/signing-key', url).href, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
    const { publicKey } = SigningKeyInfoSchema.parse(await response.json());
    options.log(`messages: using the signing key of the local server ${url.host} (development only; pin it in the branding config's signingKeys for a release)`);
    return { ...branding, signingKeys: [publicKey] };
  } catch (error) {
    options.log(
      `messages: off — could not read the signing key of the local server ${url.host} (${describe(error)}); start it with "npm run server" and restart Trayside, or pin the key in the branding config`,
    );
    return null;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
