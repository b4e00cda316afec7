import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { startWebhookSender, type WebhookConfig } from './crm/webhook.js';
import type { LinkPolicy } from '../common/messages/links.js';
import type { Holdout } from '../common/messages/manifest.js';
import { describeError } from '../common/errors.js';
import type { ServerDeps } from './deps.js';
import { frameworkErrors, installErrorHandlers } from './http/errors.js';
import { DEFAULT_BODY_LIMIT_BYTES } from './http/limits.js';
import { DeviceRateLimiter } from './http/rate-limit.js';
import { registerRoutes } from './http/route.js';
import { DEFAULT_TIMING, type ManifestTiming } from './manifest/build.js';
import { createManifestFastPath } from './manifest/fast-path.js';
import { DEFAULT_MAX_CACHED_SEGMENTS, ManifestService } from './manifest/service.js';
import { openApiRoutes } from './routes/openapi.js';
import { ROUTE_GROUPS, type RouteGroup } from './routes/index.js';
import { createRotatingSigner, createSigner, generateSigningKey, type RotatingSigner } from './signing.js';
import { readSigningKeyFileSync, watchSigningKeyFile } from './signing-key-file.js';
import { exportWhileRunning, type ServerExportOptions } from './export/server-export.js';
import type { Store } from './store/store.js';
import { diagnosticsRoutes, registerDiagnosticsRoutes, startDiagnosticsPrune } from './routes/diagnostics.js';
import { diagnosticsConfig, type DiagnosticsConfig } from './support/config.js';
import { registerSupportView, supportViewRoutes } from './support/view-routes.js';
import { dashboardViewRoutes, registerDashboardView } from './dashboard/view-routes.js';
import { systemClock, type Clock } from '../common/lifecycle.js';
import { ReleaseStore } from './updates/release-store.js';
import { registerUpdateUploads, updateUploadRoutes } from './updates/routes.js';

/** The API version in the OpenAPI document. */
export const API_VERSION = '1.0.0';

/**
 * One line when the store becomes unreachable and one when it answers again, instead of a stack
 * per failed request (a stack per request once wrote 98 MB of log in a 10 s outage). The end is logged at warn so a log
 * filtered at warn shows both.
 */
function logStoreHealth(app: FastifyInstance, store: Store): void {
  const unsubscribe = store.health.onChange((change) => {
    if (change.state === 'unavailable') {
      app.log.error(
        `store unavailable (${change.reason}); polls are answered from cached manifests while they are valid, other requests get 503 with Retry-After`,
      );
    } else {
      app.log.warn(`store available again after ${(change.downMs / 1000).toFixed(1)} s (${change.failures} store calls failed meanwhile)`);
    }
  });
  app.addHook('onClose', async () => {
    unsubscribe();
  });
}

/**
 * Runs the analytics retention job (partitions ahead, old partitions and delivered outbox entries
 * out) now and then every interval; a failure is logged and retried at the next interval.
 */
function startMaintenance(app: FastifyInstance, options: ServerOptions, clock: Clock): void {
  const retention = options.retention ?? { eventDays: 400, outboxDays: 7 };
  const run = async (): Promise<void> => {
    try {
      const result = await options.store.analytics.maintain(new Date(clock.now()), {
        eventRetentionDays: retention.eventDays,
        outboxRetentionDays: retention.outboxDays,
      });
      if (result.droppedPartitions.length > 0 || result.deletedEvents > 0 || result.deletedOutbox > 0) {
        app.log.info(
          `retention: dropped ${result.droppedPartitions.length} event partitions and ${result.deletedEvents} older events, ${result.deletedOutbox} outbox entries`,
        );
      }
    } catch (error) {
      app.log.warn(`retention job failed (retried in an hour): ${describeError(error)}`);
    }
  };
  const first = run();
  const timer = setInterval(() => void run(), options.maintenanceIntervalMs ?? 3_600_000);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await first;
  });
}

/** Follows the key file; after a rotation every cached segment is re-signed, so polls keep being lookups. SIGHUP re-reads it at once. */
function watchKeyFile(
  app: FastifyInstance,
  file: string,
  signer: RotatingSigner,
  manifests: ManifestService,
  intervalMs: number | undefined,
): void {
  const watch = watchSigningKeyFile(file, signer, {
    log: (message) => app.log.warn(message),
    ...(intervalMs === undefined ? {} : { intervalMs }),
  });
  const unsubscribe = signer.onReplaced(() => void manifests.prewarm().catch(() => 0));
  const onHangup = (): void => void watch.check();
  process.on('SIGHUP', onHangup);
  app.addHook('onClose', async () => {
    watch.stop();
    unsubscribe();
    process.off('SIGHUP', onHangup);
  });
}

/** Everything the server needs; only the store is required. */
export interface ServerOptions {
  store: Store;
  /** Wall-clock time; tests pass a fake. */
  clock?: Clock;
  /** pino level; `silent` for tests. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  timing?: Partial<ManifestTiming>;
  /** See ManifestServiceOptions.versionRefreshMs (default 1 s: a publish reaches every node within about a second; one tiny query per node per second). */
  versionRefreshMs?: number;
  /** Largest accepted request body, bytes (default 256 KiB: a campaign with many locales). */
  bodyLimit?: number;
  /** Per-install limit on device writes and uncached reads (default 120 per minute). */
  deviceRateLimit?: { max: number; timeWindowMs: number };
  /** Per-address limit on install registration (default 300 per minute: a fleet behind one NAT after a silent install). */
  registrationRateLimit?: { max: number; timeWindowMs: number };
  /** The global holdout every signed manifest carries (a stable salt shared by every node, and the share held out); omitted = none. */
  holdout?: Holdout;
  /** A limiter to use instead of one made from deviceRateLimit (tests read its counts). */
  deviceLimiter?: DeviceRateLimiter;
  /** Push every new event to this CRM webhook (server/crm/webhook.ts); off when absent. */
  crmWebhook?: WebhookConfig & { baseDelayMs?: number; pollMs?: number };
  /** Event and outbox retention, days (defaults 400 and 7); the job also makes the next days' event partitions. */
  retention?: { eventDays: number; outboxDays: number };
  /** How often the retention job runs (default hourly; it is cheap when there is nothing to do). */
  maintenanceIntervalMs?: number;
  /** See ManifestServiceOptions.maxCachedSegments (default 20,000). */
  maxCachedSegments?: number;
  /**
   * Sign with the Ed25519 key in this PKCS#8 PEM file instead of the store's key; the file is
   * watched, and a rotated key is used without a restart once it parses (server/signing-key-file.ts).
   */
  signingKeyFile?: string;
  /** How often the key file is checked (default 2 s). */
  signingKeyCheckMs?: number;
  /** Keep a static export of the live manifests for nginx or a CDN in this folder (server/export/). */
  export?: ServerExportOptions;
  /** Route groups (default ROUTE_GROUPS). */
  routeGroups?: readonly RouteGroup[];
  /** The branding's link allow-lists: publish refuses links the app would drop; without them it only warns. */
  linkPolicy?: LinkPolicy;
  /** Where update releases and installer files are kept (server/updates); without it no updates are served. */
  updatesDir?: string;
  /** Diagnostics cases and the support view: retention (default 30 days), size limit, lookup limits. */
  diagnostics?: Partial<DiagnosticsConfig>;
}

/**
 * Builds the Fastify app (not listening yet). Stateless: everything lasting is in the store, so
 * any number of nodes can serve one database. The signing key is created in the store on first start.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES;
  const logLevel = options.logLevel ?? 'info';

  const signer = createRotatingSigner(
    options.signingKeyFile === undefined
      ? createSigner(await options.store.signingKey(generateSigningKey, new Date(clock.now())))
      : readSigningKeyFileSync(options.signingKeyFile),
  );
  const manifests = new ManifestService({
    store: options.store,
    signer,
    clock,
    timing: { ...DEFAULT_TIMING, ...options.timing },
    versionRefreshMs: options.versionRefreshMs ?? 1000,
    maxCachedSegments: options.maxCachedSegments ?? DEFAULT_MAX_CACHED_SEGMENTS,
    log: (message) => app.log.error(message),
    ...(options.holdout !== undefined ? { holdout: options.holdout } : {}),
  });
  const limit = options.deviceRateLimit ?? { max: 120, timeWindowMs: 60_000 };
  const deviceLimiter = options.deviceLimiter ?? new DeviceRateLimiter(limit.max, limit.timeWindowMs);
  const fastPath = createManifestFastPath(manifests, clock);
  const app = Fastify({
    logger: {
      level: logLevel,
      // Secrets never reach the log: bearer tokens ride in this header.
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    // Per-request lines only when asked for: a poll costs less without them (bench/server-polls.ts).
    logController: new LogController({ disableRequestLogging: logLevel !== 'debug' && logLevel !== 'trace' && logLevel !== 'info' }),
    bodyLimit,
    // Ids in URLs are short; a long URL is an attack or a bug.
    routerOptions: { maxParamLength: 100 },
    frameworkErrors,
    return503OnClosing: true,
    // Cached manifest polls are answered before Fastify (manifest/fast-path.ts); the rest falls through.
    serverFactory: (handler) =>
      createServer((request, response) => {
        if (!fastPath(request, response)) handler(request, response);
      }),
  });
  const deps: ServerDeps = {
    store: options.store,
    manifests,
    signer,
    clock,
    deviceLimiter,
    registrationLimiter: new DeviceRateLimiter(
      options.registrationRateLimit?.max ?? 300,
      options.registrationRateLimit?.timeWindowMs ?? 60_000,
    ),
    crmOutbox: options.crmWebhook !== undefined,
    pollIntervalSeconds: options.timing?.pollIntervalSeconds ?? DEFAULT_TIMING.pollIntervalSeconds,
    ...(options.linkPolicy === undefined ? {} : { linkPolicy: options.linkPolicy }),
    ...(options.updatesDir === undefined ? {} : { updates: new ReleaseStore(options.updatesDir) }),
  };
  if (options.crmWebhook !== undefined) {
    const sender = startWebhookSender({
      ...options.crmWebhook,
      store: options.store.analytics,
      privacy: options.store.privacy,
      clock,
      log: (message) => app.log.warn(message),
    });
    app.addHook('onClose', () => sender.stop());
  }

  startMaintenance(app, options, clock);
  if (options.signingKeyFile !== undefined) watchKeyFile(app, options.signingKeyFile, signer, manifests, options.signingKeyCheckMs);
  if (options.export !== undefined)
    exportWhileRunning(app, manifests, signer, {
      ...options.export,
      ttlSeconds: options.timing?.ttlSeconds ?? DEFAULT_TIMING.ttlSeconds,
      clock,
    });

  installErrorHandlers(app, bodyLimit);
  logStoreHealth(app, options.store);

  const groups = options.routeGroups ?? ROUTE_GROUPS;
  const routes = groups.flatMap((group) => group.routes);
  const diagnostics = diagnosticsConfig(options.diagnostics);
  const uploads = diagnosticsRoutes(diagnostics);
  registerRoutes(app, deps, [...routes, ...openApiRoutes([...routes, ...uploads, ...updateUploadRoutes], API_VERSION)]);
  // Own scopes: the upload reads its body raw within its own limit; the support view adds its security headers.
  await registerDiagnosticsRoutes(app, deps, diagnostics, uploads);
  await registerSupportView(app, deps, supportViewRoutes(diagnostics));
  await registerDashboardView(app, deps, dashboardViewRoutes());
  startDiagnosticsPrune(app, deps, diagnostics);
  await registerUpdateUploads(app, deps);
  return app;
}
