import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { SigningKeyInfoSchema } from '../../common/messages/index.js';
import { buildServer, type ServerOptions } from '../../server/app.js';
import { hashToken } from '../../server/http/auth.js';
import { openStore } from '../../server/store/open-store.js';
import type { Store } from '../../server/store/store.js';

/** A real backend on 127.0.0.1:0 over a PGlite store, for integration and end-to-end tests. */
export interface TestServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** The server's Ed25519 public key, as a client pins it. */
  publicKey(): Promise<string>;
  /** Stops listening (the "server is down" part of offline tests); the store stays. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** What a test may add to the server's own options. */
export interface TestServerSetup {
  /** Registers this admin bearer token before the server starts. */
  adminToken?: string;
  /** A store the test opened itself (e.g. file-backed); the default is in-memory. */
  store?: Store;
}

/** Opens a store (a few seconds: PGlite initdb) and starts a server on it. */
export async function startTestServer(options: Partial<ServerOptions> = {}, setup: TestServerSetup = {}): Promise<TestServer> {
  const opened = setup.store ?? (await openStore({}));
  if (setup.adminToken) await opened.addToken(hashToken(setup.adminToken), 'admin', 'test admin', new Date());
  // Tests send far more requests per install than a device would.
  const build = () =>
    buildServer({ store: opened, logLevel: 'silent', deviceRateLimit: { max: 100_000, timeWindowMs: 60_000 }, ...options });
  let app = await build();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const harness: TestServer = {
    app,
    store: opened,
    url,
    async publicKey() {
      return SigningKeyInfoSchema.parse(await (await fetch(new URL('/v1/signing-key', url))).json()).publicKey;
    },
    async stop() {
      await app.close();
    },
    async restart() {
      app = await build();
      await app.listen({ host: '127.0.0.1', port });
      harness.app = app;
    },
    async close() {
      await app.close().catch(() => undefined);
      await opened.close();
    },
  };
  return harness;
}
