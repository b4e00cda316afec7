/**
 * `npm run server`: the reference backend on 127.0.0.1 with the embedded store and the demo
 * campaigns. Options: --port (8787), --host (127.0.0.1), --data-dir (.trayside-server),
 * --no-demo, --log-level (info). With DATABASE_URL it uses PostgreSQL instead of PGlite.
 * TRAYSIDE_ADMIN_TOKEN sets the admin token; otherwise one is made and written to
 * <data-dir>/admin-token (mode 0600). Neither the token nor the private key is ever printed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildServer, type ServerOptions } from './app.js';
import { seedDemoCampaigns } from './demo/load.js';
import { hashToken, newToken } from './http/auth.js';
import { adminTokenFile, DEFAULT_DATA_DIR, redactDatabaseUrl } from './local-config.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

async function ensureAdminToken(store: Store, dataDir: string, fromEnv: string | undefined): Promise<string> {
  if (fromEnv !== undefined && fromEnv !== '') {
    await store.addToken(hashToken(fromEnv), 'admin', 'TRAYSIDE_ADMIN_TOKEN', new Date());
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: process.env.TRAYSIDE_DATA_DIR ?? DEFAULT_DATA_DIR },
      'no-demo': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, not "${values.port}".`);
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
  const logLevel = levels.find((level) => level === values['log-level']);
  if (logLevel === undefined) throw new Error(`--log-level must be one of ${levels.join(', ')}.`);
  const dataDir = path.resolve(values['data-dir']);
  const databaseUrl = process.env.DATABASE_URL;

  const opening = performance.now();
  await mkdir(dataDir, { recursive: true });
  const store = await openStore(databaseUrl ? { databaseUrl } : { dataDir: path.join(dataDir, 'pglite') });
  const openedMs = Math.round(performance.now() - opening);
  const tokenLocation = await ensureAdminToken(store, dataDir, process.env.TRAYSIDE_ADMIN_TOKEN);
  const seeded = values['no-demo'] ? [] : await seedDemoCampaigns(store, new Date());

  const options: ServerOptions = { store, logLevel };
  const app = await buildServer(options);
  const address = await app.listen({ host: values.host, port });
  const key = (await app.inject({ method: 'GET', url: '/v1/signing-key' })).json<{ keyId: string; publicKey: string }>();

  const lines = [
    `Trayside server listening on ${address}`,
    `  store:        ${databaseUrl ? `PostgreSQL ${redactDatabaseUrl(databaseUrl)}` : `PGlite in ${path.join(dataDir, 'pglite')}`} (opened in ${openedMs} ms)`,
    `  admin token:  ${tokenLocation}`,
    `  signing key:  Ed25519 keyId ${key.keyId}`,
    `  public key:   ${key.publicKey}   (branding config "signingKeys"; also GET ${address}/v1/signing-key)`,
    `  demo:         ${values['no-demo'] ? 'off' : seeded.length > 0 ? `published ${seeded.join(', ')}` : 'campaigns already in the store'}`,
    `  try:          curl ${address}/v1/manifests/trayside-demo/en`,
    `  API:          ${address}/openapi.json   admin CLI: npm run admin -- list`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await app.close();
    await store.close();
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`trayside server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
