import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SigningKeyInfoSchema, type SigningKeyInfo } from '../common/messages/index.js';
import { buildServer, type ServerOptions } from './app.js';
import { seedDemoCampaigns } from './demo/load.js';
import { hashToken, newToken } from './http/auth.js';
import { adminTokenFile } from './local-config.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

/** How `npm run server` and the app's embedded demo backend start the reference server. */
export interface StartServerOptions {
  host: string;
  port: number;
  /** Admin token file and, without a database URL, the PGlite store live here. */
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Registered as an admin token when set; otherwise one is made and kept in <dataDir>/admin-token (0600). */
  adminToken?: string | undefined;
  /** Folder of campaign files to publish when absent from the store; null = no demo campaigns. */
  demoDir: string | null;
  logLevel: NonNullable<ServerOptions['logLevel']>;
  /** The branding's link allow-lists, so publishing refuses links the app would drop. */
  linkPolicy?: ServerOptions['linkPolicy'];
  /** Sign with this PEM key file (watched for rotation) instead of the store's key. */
  signingKeyFile?: string | undefined;
  /** Push new events to this CRM webhook. */
  crmWebhook?: ServerOptions['crmWebhook'];
  /** How many days raw events are kept (default 400; docs/capacity.md). */
  eventRetentionDays?: number | undefined;
  /** Keep a static export of the live manifests in this folder. */
  export?: ServerOptions['export'];
  /** Retention and size limit of diagnostics cases (defaults 30 days, 8 MiB). */
  diagnostics?: ServerOptions['diagnostics'];
}

/** A listening reference server and what its start-up found out. */
export interface StartedServer {
  app: FastifyInstance;
  store: Store;
  address: string;
  key: SigningKeyInfo;
  /** Where the admin token is (a file) or "from TRAYSIDE_ADMIN_TOKEN"; the token itself is never returned. */
  tokenLocation: string;
  /** Demo campaigns published by this start (empty when they were already in the store). */
  seeded: string[];
  storeOpenedMs: number;
  close(): Promise<void>;
}

async function ensureAdminToken(store: Store, dataDir: string, fromOption: string | undefined): Promise<string> {
  if (fromOption !== undefined && fromOption !== '') {
    await store.addToken(hashToken(fromOption), 'admin', 'TRAYSIDE_ADMIN_TOKEN', new Date());
    return 'from TRAYSIDE_ADMIN_TOKEN';
  }
  const file = adminTokenFile(dataDir);
  let token: string;
  try {
    token = (await readFile(file, 'utf8')).trim();
  } catch {
    token = newToken('admin');
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, `${token}\n`, { mode: 0o600 });
  }
  await store.addToken(hashToken(token), 'admin', 'admin-token file', new Date());
  return file;
}

/** Opens the store, makes sure of an admin token, publishes the demo campaigns and listens. */
export async function startServer(options: StartServerOptions): Promise<StartedServer> {
  const opening = performance.now();
  await mkdir(options.dataDir, { recursive: true });
  const store = await openStore(
    options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dataDir: path.join(options.dataDir, 'pglite') },
  );
  const storeOpenedMs = Math.round(performance.now() - opening);
  try {
    const tokenLocation = await ensureAdminToken(store, options.dataDir, options.adminToken);
    const seeded = options.demoDir === null ? [] : await seedDemoCampaigns(store, new Date(), options.demoDir);
    const app = await buildServer({
      store,
      logLevel: options.logLevel,
      ...(options.linkPolicy === undefined ? {} : { linkPolicy: options.linkPolicy }),
      ...(options.signingKeyFile === undefined ? {} : { signingKeyFile: options.signingKeyFile }),
      ...(options.crmWebhook === undefined ? {} : { crmWebhook: options.crmWebhook }),
      ...(options.eventRetentionDays === undefined ? {} : { retention: { eventDays: options.eventRetentionDays, outboxDays: 7 } }),
      updatesDir: path.join(options.dataDir, 'updates'),
      ...(options.export === undefined ? {} : { export: options.export }),
      ...(options.diagnostics === undefined ? {} : { diagnostics: options.diagnostics }),
    });
    const address = await app.listen({ host: options.host, port: options.port });
    const key = SigningKeyInfoSchema.parse((await app.inject({ method: 'GET', url: '/v1/signing-key' })).json());
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => (closing ??= app.close().then(() => store.close()));
    return { app, store, address, key, tokenLocation, seeded, storeOpenedMs, close };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
