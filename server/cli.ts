/**
 * `npm run server`: the reference backend on 127.0.0.1 with the embedded store and the demo
 * campaigns. Options (--help lists them): --port (8787), --host (127.0.0.1), --data-dir
 * (.trayside-server), --branding FILE, --no-demo, --log-level (info), --signing-key FILE, --crm-webhook URL.
 * With DATABASE_URL it uses PostgreSQL instead of PGlite.
 * TRAYSIDE_ADMIN_TOKEN sets the admin token; otherwise one is made and written to
 * <data-dir>/admin-token (mode 0600). Neither the token nor the private key is ever printed.
 * (The app's own demo backend, started by `npm start`, is server/embedded.ts.)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_DIR } from './demo/load.js';
import { DEFAULT_DATA_DIR, redactDatabaseUrl } from './local-config.js';
import { startServer } from './start-server.js';
import { describeError } from '../common/errors.js';
import { readLinkPolicy } from './branding-file.js';

const USAGE = `Usage: npm run server -- [options]
  --port N           port on --host (default 8787, env PORT; 0 picks a free one)
  --host ADDR        address to listen on (default 127.0.0.1)
  --data-dir DIR     admin token and PGlite store (default ${DEFAULT_DATA_DIR}, env TRAYSIDE_DATA_DIR);
                     the admin CLI needs the same folder (its --data-dir) to find admin-token
  --branding FILE    the app's branding config (env TRAYSIDE_BRANDING): publishing refuses links
                     its allow-lists do not allow; without it, publishing only warns
  --no-demo          do not publish the demo campaigns
  --log-level LEVEL  fatal, error, warn, info (default), debug, trace or silent
  --signing-key FILE sign manifests with this Ed25519 key (PKCS#8 PEM, e.g. from
                     openssl genpkey -algorithm ed25519) instead of the store's key (env
                     TRAYSIDE_SIGNING_KEY_FILE). The file is watched: replace it to rotate the key
                     without a restart (SIGHUP re-reads it at once); a file that does not parse is
                     logged and the current key keeps signing
  --crm-webhook URL  push every new event to the CRM at URL, HMAC-signed (env
                     TRAYSIDE_CRM_WEBHOOK_URL); the secret, 16+ characters, comes from env
                     TRAYSIDE_CRM_WEBHOOK_SECRET, never from the command line
  --export-dir DIR   keep DIR a static export of every live segment's signed manifest and the
                     public key, for nginx or a CDN origin (same paths as the API; rewritten
                     within 5 s of a publish, an archive, a renewal or a key rotation; a link
                     to the newest complete copy, swapped atomically). Env TRAYSIDE_EXPORT_DIR
  --event-retention-days N
                     keep raw events N days (default 400, env TRAYSIDE_EVENT_RETENTION_DAYS);
                     campaign stats come from rollups that outlive them (docs/capacity.md)
  --export-product-line LINE
                     also export LINE (repeatable), for campaigns aimed at every product line
  --diagnostics-retention-days N
                     keep uploaded diagnostics cases N days (default 30, env
                     TRAYSIDE_DIAGNOSTICS_RETENTION_DAYS); expired ones are pruned hourly
  --diagnostics-max-mib N
                     largest diagnostics bundle accepted, MiB of JSON (default 8)
  --help             this text
Env: DATABASE_URL uses PostgreSQL instead of PGlite; TRAYSIDE_ADMIN_TOKEN sets the admin token.`;

/** Retention and size limit of diagnostics cases from their flags; a bad number is a usage error. */
function diagnosticsOf(days: string, mebibytes: string): { retentionDays: number; maxBytes: number } {
  const retentionDays = Number(days);
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650)
    throw new UsageError(`--diagnostics-retention-days must be a whole number of days from 1 to 3650, not "${days}".`);
  const size = Number(mebibytes);
  if (!Number.isFinite(size) || size <= 0 || size > 64)
    throw new UsageError(`--diagnostics-max-mib must be a number above 0 and at most 64, not "${mebibytes}".`);
  return { retentionDays, maxBytes: Math.round(size * 1024 * 1024) };
}

/** The webhook config from the flag and the secret's env; a URL without a secret is a usage error. */
function crmWebhookOf(url: string | undefined, secret: string | undefined): { url: string; secret: string } | undefined {
  if (url === undefined || url === '') return undefined;
  if (secret === undefined || secret === '')
    throw new UsageError(
      '--crm-webhook needs its shared secret in env TRAYSIDE_CRM_WEBHOOK_SECRET (16+ characters; the CRM checks X-Trayside-Signature with it).',
    );
  return { url, secret };
}

/** Exit code 2 with the usage: a mistyped flag is a usage error, not a crash. */
class UsageError extends Error {}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string', default: process.env.PORT ?? '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string', default: process.env.TRAYSIDE_DATA_DIR ?? DEFAULT_DATA_DIR },
        branding: { type: 'string', ...(process.env.TRAYSIDE_BRANDING ? { default: process.env.TRAYSIDE_BRANDING } : {}) },
        'no-demo': { type: 'boolean', default: false },
        'log-level': { type: 'string', default: 'info' },
        'signing-key': {
          type: 'string',
          ...(process.env.TRAYSIDE_SIGNING_KEY_FILE ? { default: process.env.TRAYSIDE_SIGNING_KEY_FILE } : {}),
        },
        'crm-webhook': {
          type: 'string',
          ...(process.env.TRAYSIDE_CRM_WEBHOOK_URL ? { default: process.env.TRAYSIDE_CRM_WEBHOOK_URL } : {}),
        },
        'export-dir': { type: 'string', ...(process.env.TRAYSIDE_EXPORT_DIR ? { default: process.env.TRAYSIDE_EXPORT_DIR } : {}) },
        'export-product-line': { type: 'string', multiple: true, default: [] },
        'event-retention-days': {
          type: 'string',
          ...(process.env.TRAYSIDE_EVENT_RETENTION_DAYS ? { default: process.env.TRAYSIDE_EVENT_RETENTION_DAYS } : {}),
        },
        'diagnostics-retention-days': { type: 'string', default: process.env.TRAYSIDE_DIAGNOSTICS_RETENTION_DAYS ?? '30' },
        'diagnostics-max-mib': { type: 'string', default: '8' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(describeError(error));
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, not "${values.port}".`);
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
  const logLevel = levels.find((level) => level === values['log-level']);
  if (logLevel === undefined) throw new Error(`--log-level must be one of ${levels.join(', ')}.`);
  const dataDir = path.resolve(values['data-dir']);
  const databaseUrl = process.env.DATABASE_URL;
  let linkPolicy;
  if (values.branding !== undefined) {
    const read = await readLinkPolicy(path.resolve(values.branding));
    if (!read.ok) throw new Error(read.problem);
    linkPolicy = read.policy;
  }

  const crmWebhook = crmWebhookOf(values['crm-webhook'], process.env.TRAYSIDE_CRM_WEBHOOK_SECRET);
  const retentionText = values['event-retention-days'];
  const eventRetentionDays = retentionText === undefined ? undefined : Number(retentionText);
  if (eventRetentionDays !== undefined && (!Number.isInteger(eventRetentionDays) || eventRetentionDays < 1))
    throw new UsageError(`--event-retention-days must be a whole number of days, 1 or more, not "${retentionText}".`);
  const exportDir = values['export-dir'] === undefined ? undefined : path.resolve(values['export-dir']);
  const signingKeyFile = values['signing-key'] === undefined ? undefined : path.resolve(values['signing-key']);

  const server = await startServer({
    host: values.host,
    port,
    dataDir,
    databaseUrl,
    adminToken: process.env.TRAYSIDE_ADMIN_TOKEN,
    demoDir: values['no-demo'] ? null : DEMO_DIR,
    logLevel,
    ...(linkPolicy === undefined ? {} : { linkPolicy }),
    signingKeyFile,
    eventRetentionDays,
    ...(crmWebhook === undefined ? {} : { crmWebhook }),
    diagnostics: diagnosticsOf(values['diagnostics-retention-days'], values['diagnostics-max-mib']),
    ...(exportDir === undefined ? {} : { export: { dir: exportDir, productLines: values['export-product-line'] } }),
  });
  const { address, key, seeded } = server;

  const lines = [
    `Trayside server listening on ${address}`,
    `  store:        ${databaseUrl ? `PostgreSQL ${redactDatabaseUrl(databaseUrl)}` : `PGlite in ${path.join(dataDir, 'pglite')}`} (opened in ${server.storeOpenedMs} ms)`,
    `  admin token:  ${server.tokenLocation}`,
    `  signing key:  Ed25519 keyId ${key.keyId}${signingKeyFile === undefined ? ' (kept in the store)' : ` from ${signingKeyFile} (watched: replace the file to rotate)`}`,
    `  public key:   ${key.publicKey}   (branding config "signingKeys"; also GET ${address}/v1/signing-key)`,
    `  links:        ${values.branding === undefined ? 'not checked on publish (no --branding; publishing warns)' : `publish refuses hosts not allowed by ${values.branding}`}`,
    `  support view: ${address}/support   (diagnostics kept ${values['diagnostics-retention-days']} days; npm run admin -- support-token create NAME)`,
    `  dashboard:    ${address}/dashboard   (campaign figures; sign in with the admin token)`,
    `  CRM webhook:  ${crmWebhook === undefined ? 'off (--crm-webhook URL to push events)' : `every new event to ${crmWebhook.url}`}`,
    `  export:       ${exportDir === undefined ? 'off (--export-dir DIR for a CDN origin)' : `${exportDir} (kept current)`}`,
    `  demo:         ${values['no-demo'] ? 'off' : seeded.length > 0 ? `published ${seeded.join(', ')}` : 'campaigns already in the store'}`,
    `  try:          curl ${address}/v1/manifests/trayside-demo/en`,
    `  API:          ${address}/openapi.json   admin CLI: npm run admin -- list`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  process.once('SIGINT', () => void server.close());
  process.once('SIGTERM', () => void server.close());
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`trayside server: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`trayside server: ${describeError(error)}\n`);
  process.exitCode = 1;
});
