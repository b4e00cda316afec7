import type { LinkPolicy } from '../common/messages/links.js';
import type { DeviceRateLimiter } from './http/rate-limit.js';
import type { ManifestService } from './manifest/service.js';
import type { Signer } from './signing.js';
import type { Store } from './store/store.js';
import type { ReleaseStore } from './updates/release-store.js';
import type { Clock } from '../common/lifecycle.js';

/** What route handlers get: the store, the manifest cache, the signer and the clock (all injectable). */
export interface ServerDeps {
  store: Store;
  manifests: ManifestService;
  signer: Signer;
  /** Epoch ms. */
  clock: Clock;
  /** Per-install limit on device routes, shared by Fastify routes and the manifest fast path. */
  deviceLimiter: DeviceRateLimiter;
  /** Per-address limit on install registration (the one device write without a credential); none = unlimited. */
  registrationLimiter?: DeviceRateLimiter;
  /** True when a CRM webhook is configured: new events also go to the CRM outbox. */
  crmOutbox?: boolean;
  /** What manifests tell devices about polling (ManifestTiming.pollIntervalSeconds), for the admin's "when will they see it". */
  pollIntervalSeconds: number;
  /** The branding's link allow-lists, when the server was given them (ServerOptions.linkPolicy). */
  linkPolicy?: LinkPolicy;
  /** Update releases and installer files (ServerOptions.updatesDir); absent: the update routes answer 404. */
  updates?: ReleaseStore;
}
