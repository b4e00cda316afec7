import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildServer, type ServerOptions } from '../../../server/app.js';
import { openStore } from '../../../server/store/open-store.js';
import type { Store } from '../../../server/store/store.js';

/** A real server on 127.0.0.1:0 over an in-memory PGlite store. */
export interface TestServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** Stops listening (the "server is down" part of offline tests); the store stays. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Opens a store (a few seconds: PGlite initdb) and starts a server on it. */
export async function startTestServer(options: Partial<ServerOptions> = {}, store?: Store): Promise<TestServer> {
  const opened = store ?? (await openStore({}));
  let app = await buildServer({ store: opened, logLevel: 'silent', deviceRateLimit: { max: 100_000, timeWindowMs: 60_000 }, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const harness: TestServer = {
    app,
    store: opened,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await app.close();
    },
    async restart() {
      app = await buildServer({ store: opened, logLevel: 'silent', deviceRateLimit: { max: 100_000, timeWindowMs: 60_000 }, ...options });
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
