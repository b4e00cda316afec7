import { PrivacyReceiptSchema, type PrivacyReceipt } from '../../common/privacy.js';
import type { InstallAuthorization } from '../events/install-authorization.js';
import type { PrivacyEntry } from './privacy-requests.js';

/** The slice of fetch the service uses (global fetch fits). */
export type PrivacyFetch = (
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<Response>;

/** The backend's privacy endpoints for this install, under its credential. */
export interface PrivacyBackend {
  /** Sends a queued request, or asks about a pending one; answers the server's receipt or throws. */
  acknowledge(entry: PrivacyEntry): Promise<PrivacyReceipt>;
  /** The completed export's response, for the caller to read. */
  fetchExport(requestId: string): Promise<Response>;
}

/** What the backend calls need; only called once the service knows both the server and the credential. */
export interface PrivacyBackendOptions {
  backendUrl: string | undefined;
  authorization: InstallAuthorization | undefined;
  fetch: PrivacyFetch;
}

/** The endpoints at `backendUrl`. */
export function createPrivacyBackend(options: PrivacyBackendOptions): PrivacyBackend {
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    const headers = await options.authorization!.headers();
    const response = await options.fetch(new URL(path, options.backendUrl).href, {
      method,
      headers: { accept: 'application/json', ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    // The server does not know the credential: it is registered again before the next call.
    if (response.status === 401) options.authorization!.forget();
    return response;
  }

  return {
    async acknowledge(entry) {
      const installId = options.authorization!.installId;
      const response =
        entry.status === 'queued'
          ? await call('POST', `/v1/privacy/${installId}/${entry.kind === 'export' ? 'exports' : 'deletions'}`, {
              requestId: entry.id,
              scopes: entry.scopes,
            })
          : await call('GET', `/v1/privacy/${installId}/requests/${entry.id}`);
      const text = await response.text();
      if (!response.ok) throw new Error(`HTTP ${response.status} ${text.slice(0, 200)}`);
      return PrivacyReceiptSchema.parse(JSON.parse(text));
    },
    fetchExport: (requestId) => call('GET', `/v1/privacy/${options.authorization!.installId}/exports/${requestId}`),
  };
}
