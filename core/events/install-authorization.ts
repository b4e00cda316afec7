import { InstallRegistrationResultSchema } from '../../common/privacy.js';
import { describeError } from '../../common/errors.js';
import type { PostFetch } from './uploader.js';

/** What a request that speaks for this install carries, and the registration that makes the server accept it. */
export interface InstallAuthorization {
  readonly installId: string;
  /**
   * Headers for a request that speaks for this install (`Authorization: Bearer <credential>` and
   * the install header). Registers the credential first, once per run (the server answers a
   * repeat of the same pair with 200, so a lost answer is harmless). Rejects with the problem in
   * words when registration fails; the caller retries with its own backoff.
   */
  headers(): Promise<Record<string, string>>;
  /** The server said it does not know the credential: register again before the next request. */
  forget(): void;
}

export interface InstallAuthorizationOptions {
  backendUrl: string;
  installId: string;
  credential: string;
  fetch: PostFetch;
  log?: (message: string) => void;
  /** After every successful registration: this install now has data on the server (core/privacy keeps that in mind for a withdrawal). */
  onRegistered?: () => void;
  timeoutMs?: number;
}

/**
 * Registration happens at the first request that needs it, not at first start: until the owner
 * agrees to send something, nothing (not even the install id) leaves the machine.
 */
export function createInstallAuthorization(options: InstallAuthorizationOptions): InstallAuthorization {
  const endpoint = new URL('/v1/installs', options.backendUrl).href;
  const credentialHeaders = { authorization: `Bearer ${options.credential}`, 'x-trayside-install': options.installId };
  let registered: Promise<void> | undefined;

  async function register(): Promise<void> {
    let response: Response;
    try {
      response = await options.fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...credentialHeaders },
        body: JSON.stringify({ installId: options.installId }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new Error(`cannot register the install credential at ${endpoint} (${describeError(error)})`, { cause: error });
    }
    const text = await response.text().catch(() => '');
    if (response.status === 409) {
      throw new Error(
        `the server has install ${options.installId} registered with another credential (a copied or restored profile?): ${text.slice(0, 200)}`,
      );
    }
    if (!response.ok) throw new Error(`registering the install credential failed: HTTP ${response.status} ${text.slice(0, 200)}`);
    let parsed;
    try {
      parsed = InstallRegistrationResultSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) throw new Error(`registering the install credential: unexpected answer ${text.slice(0, 100)}`);
    if (parsed.data.status === 'registered')
      options.log?.(`install: registered this install's credential with ${new URL(endpoint).origin}`);
    options.onRegistered?.();
  }

  return {
    installId: options.installId,
    async headers() {
      registered ??= register().catch((error: unknown) => {
        registered = undefined;
        throw error;
      });
      await registered;
      return { ...credentialHeaders };
    },
    forget() {
      registered = undefined;
    },
  };
}
