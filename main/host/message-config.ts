import { BrandingSchema, type Branding } from '../../common/branding.js';
import { SigningKeyInfoSchema } from '../../common/messages/index.js';
import type { MessageNotifier } from '../core/messages/notifier.js';

/** What the Node host's flags say about messages. */
export interface MessageFlags {
  backend: string | undefined;
  publicKey: string | undefined;
  productLine: string;
}

/**
 * The branding the Node host runs with: the backend and pinned key from the flags. Without
 * --public-key a loopback backend's key is fetched from GET /v1/signing-key — trust on first use,
 * fine for `npm run server` on the same machine and refused for any other host, where the key
 * must be pinned.
 */
export async function resolveMessageBranding(flags: MessageFlags, log: (message: string) => void): Promise<Branding | null> {
  if (!flags.backend) return null;
  let publicKey = flags.publicKey;
  if (!publicKey) {
    const url = new URL(flags.backend);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      throw new Error(`--public-key is required for ${url.host}: pin the key from its GET /v1/signing-key.`);
    }
    try {
      const response = await fetch(new URL('/v1/signing-key', url), { signal: AbortSignal.timeout(5000) });
      publicKey = SigningKeyInfoSchema.parse(await response.json()).publicKey;
      log(`messages: using the signing key of the local server ${url.host} (development only; pass --public-key to pin it)`);
    } catch (error) {
      log(`messages: could not read the signing key of ${url.host} (${error instanceof Error ? error.message : String(error)}); messages are off until it is reachable and the host restarts`);
      return null;
    }
  }
  const parsed = BrandingSchema.safeParse({
    name: 'Trayside',
    backendUrl: flags.backend,
    signingKeys: [publicKey],
    productLine: flags.productLine,
    allowedLinkHosts: ['store.example.com', 'support.example.com'],
    allowedImageHosts: ['cdn.example.com'],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.') === 'signingKeys.0' ? '--public-key' : issue.path.join('.') === 'backendUrl' ? '--backend' : issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** Urgent messages in the Node host: a log line instead of an OS notification (there is no desktop). */
export function messageNotificationLog(log: (message: string) => void): MessageNotifier {
  let badge = 0;
  return {
    show: (notification) => log(`notification: [message ${notification.messageId}] ${notification.title} — ${notification.body.replace(/\s+/g, ' ').slice(0, 200)}`),
    setBadge(count) {
      if (count !== badge) log(`tray badge: ${count}`);
      badge = count;
    },
  };
}
