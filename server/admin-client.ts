import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ApiErrorSchema,
  CampaignInputSchema,
  CampaignListSchema,
  CampaignRecordSchema,
  isGuideFile,
  parseCampaignOrGuide,
  LiveListingSchema,
  ManifestSchema,
  PublishResultSchema,
  SignedEnvelopeSchema,
  SigningKeyInfoSchema,
  TokenResultSchema,
  checkCampaignLinks,
  describeIssues,
  fieldIssues,
  type LinkPolicy,
} from '../common/messages/index.js';
import type { z } from 'zod';
import { adminTokenFile, DEFAULT_DATA_DIR } from './local-config.js';
import { CampaignStatsSchema } from '../common/analytics.js';
import { formatStatsTable } from './analytics/stats-table.js';
import { CampaignPreviewSchema, PreviewDeviceStateSchema } from '../common/messages/explain-targeting.js';
import { formatPreview } from '../common/messages/preview-format.js';
import { demoBrandingFile, readLinkPolicy } from './branding-file.js';
import { SegmentImportResultSchema } from './crm/segment-import.js';
import { RELEASE_USAGE, runReleaseCli } from './updates/release-cli.js';
import { exportOnce, type ExportSource } from './export/exporter.js';

/** What the admin CLI touches, passed in so tests run it in-process. */
export interface AdminCliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  fetch: typeof fetch;
  out(line: string): void;
  err(line: string): void;
}

/** A failure to report in one message and exit 1. */
class CliError extends Error {}

const USAGE = `Usage: npm run admin -- <command> [options]
  publish <campaign.json>...   validate, create or update, then publish each file
                               (with --branding FILE, links are checked here first)
  validate <campaign.json>...  check files offline; names every bad field and every link
                               the branding does not allow (--branding FILE, default the
                               bundled demo branding assets/branding/demo.json)
  list [--status draft|live|archived]
  get <id>
  archive <id>
  live                         what manifests carry now
  public-key                   the signing key for the app's branding config
  mint-token <admin|device> <label>
  preview <campaign.json> --device <state.json> [--json]
                               whether a draft matches a device state (product line, locale,
                               region, supplies, …) and why, with each variant's title and body;
                               nothing is stored or published
  stats <id> [--json]          impressions, opens, CTR, reorders, ratings, survey answers per variant
  import-segments <file>       CRM segment membership (.csv or .json rows) by install id or customer id
${RELEASE_USAGE}
  export <dir> [--product-line LINE]...
                               every live segment's signed manifest and the public key as
                               static files for nginx or a CDN (the API's paths); <dir> becomes
                               a link to the newest complete copy, swapped atomically. The
                               server keeps one current itself with --export-dir
Options: --server <url> (env TRAYSIDE_SERVER_URL, default http://127.0.0.1:8787)
         --branding <file>  the app's branding config, for its link allow-lists
         --data-dir <dir>   the server's --data-dir, where it keeps admin-token
         --help
Token:   env TRAYSIDE_ADMIN_TOKEN, else <--data-dir, TRAYSIDE_DATA_DIR or ${DEFAULT_DATA_DIR}>/admin-token
         (the server writes it to its own --data-dir / TRAYSIDE_DATA_DIR on first start)`;

/** "within about 60 minutes" for a poll interval in seconds (at least 60 by the manifest schema). */
export function describePollInterval(seconds: number): string {
  if (seconds < 120) return `within about ${seconds} seconds`;
  if (seconds < 2 * 3600) return `within about ${Math.round(seconds / 60)} minutes`;
  if (seconds < 2 * 86_400) return `within about ${Math.round(seconds / 3600)} hours`;
  return `within about ${Math.round(seconds / 86_400)} days`;
}

/** A JSON file the CLI reads; problems are CliErrors naming the file. */
async function readJsonFile(file: string, cwd: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new CliError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file}: not valid JSON (${(error as Error).message}).`);
  }
}

/** The device state file of `preview`, checked here so a typo names its field. */
async function readDeviceStateFile(file: string, cwd: string): Promise<z.output<typeof PreviewDeviceStateSchema>> {
  const result = PreviewDeviceStateSchema.safeParse(await readJsonFile(file, cwd));
  if (!result.success)
    throw new CliError(`${file}: invalid device state\n${describeIssues(fieldIssues(result.error)).replace(/^/gm, '  ')}`);
  return result.data;
}

async function readCampaignFile(file: string, cwd: string): Promise<z.output<typeof CampaignInputSchema>> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    throw new CliError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file}: not valid JSON (${(error as Error).message}).`);
  }
  const result = parseCampaignOrGuide(json);
  if (!result.success)
    throw new CliError(
      `${file}: invalid ${isGuideFile(json) ? 'guide' : 'campaign'}\n${describeIssues(fieldIssues(result.error)).replace(/^/gm, '  ')}`,
    );
  return result.data;
}

/** Runs one admin command; returns the exit code (0 ok, 1 failed, 2 usage). */
/** The export source over the HTTP API: the admin listing for the segments, the device routes for the signed bytes. */
function httpExportSource(
  server: string,
  fetchImpl: typeof fetch,
  get: <T>(route: string, schema: z.ZodType<T>) => Promise<T>,
): ExportSource {
  const fetchOk = async (route: string): Promise<Response> => {
    const response = await fetchImpl(new URL(route, server)).catch((error: Error) => {
      throw new CliError(`Cannot reach the server at ${server} (${error.message}).`);
    });
    if (!response.ok) throw new CliError(`GET ${route} answered ${response.status}; nothing was exported.`);
    return response;
  };
  return {
    async live() {
      const live = await get('/v1/admin/live', LiveListingSchema);
      const campaigns = [];
      for (const entry of live.campaigns)
        campaigns.push((await get(`/v1/admin/campaigns/${encodeURIComponent(entry.id)}`, CampaignRecordSchema)).campaign);
      return { version: live.version, campaigns };
    },
    async manifest(segment) {
      const route = `/v1/manifests/${segment.productLine}/${encodeURIComponent(segment.locale)}`;
      const response = await fetchOk(route);
      const body = Buffer.from(await response.arrayBuffer());
      const envelope = SignedEnvelopeSchema.parse(JSON.parse(body.toString('utf8')));
      const manifest = ManifestSchema.parse(JSON.parse(envelope.payload));
      return { body, etag: response.headers.get('etag') ?? '', issuedAtMs: Date.parse(manifest.issuedAt) };
    },
    signingKey: async () => SigningKeyInfoSchema.parse(await (await fetchOk('/v1/signing-key')).json()),
  };
}

export async function runAdminCli(argv: readonly string[], io: AdminCliIo): Promise<number> {
  // Release commands have options of their own (--version, --channel, --rollout …).
  if (argv[0] === 'release') return runReleaseCli(argv.slice(1), io);
  const args = [...argv];
  let server = io.env.TRAYSIDE_SERVER_URL ?? 'http://127.0.0.1:8787';
  let status: string | undefined;
  let json = false;
  let brandingFile: string | undefined;
  let dataDirOption: string | undefined;
  let deviceFile: string | undefined;
  const positional: string[] = [];
  const productLines: string[] = [];
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '--server') server = args.shift() ?? '';
    else if (arg === '--status') status = args.shift();
    else if (arg === '--json') json = true;
    else if (arg === '--branding') brandingFile = args.shift() ?? '';
    else if (arg === '--data-dir') dataDirOption = args.shift() ?? '';
    else if (arg === '--product-line') productLines.push(args.shift() ?? '');
    else if (arg === '--device') deviceFile = args.shift() ?? '';
    else if (arg === '--help' || arg === '-h') {
      io.out(USAGE);
      return 0;
    } else if (arg.startsWith('--')) {
      io.err(`Unknown option ${arg}.\n${USAGE}`);
      return 2;
    } else positional.push(arg);
  }
  const [command, ...rest] = positional;
  if (command === undefined) {
    io.err(USAGE);
    return 2;
  }

  async function token(): Promise<string> {
    const fromEnv = io.env.TRAYSIDE_ADMIN_TOKEN;
    if (fromEnv) return fromEnv;
    const source =
      dataDirOption !== undefined
        ? '--data-dir'
        : io.env.TRAYSIDE_DATA_DIR
          ? 'TRAYSIDE_DATA_DIR'
          : `the default data dir ${DEFAULT_DATA_DIR}`;
    const file = adminTokenFile(path.resolve(io.cwd, dataDirOption ?? io.env.TRAYSIDE_DATA_DIR ?? DEFAULT_DATA_DIR));
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch {
      throw new CliError(
        `No admin token at ${file} (from ${source}). The server writes admin-token into its own data dir on first start — its --data-dir or TRAYSIDE_DATA_DIR, default ${DEFAULT_DATA_DIR} in the folder it was started from. ` +
          'Pass the same folder here with --data-dir DIR (or TRAYSIDE_DATA_DIR), or set TRAYSIDE_ADMIN_TOKEN.',
      );
    }
  }

  async function call<T>(method: string, route: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${await token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await io.fetch(new URL(route, server), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      throw new CliError(
        `Cannot reach the server at ${server} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}). Is \`npm run server\` running? Use --server to point elsewhere.`,
      );
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const parsed = ApiErrorSchema.safeParse(json);
      if (!parsed.success) throw new CliError(`${method} ${route}: HTTP ${response.status}.`);
      const issues = parsed.data.issues?.length ? `\n${describeIssues(parsed.data.issues).replace(/^/gm, '  ')}` : '';
      throw new CliError(`${method} ${route}: ${parsed.data.message}${issues}`);
    }
    return schema.parse(json);
  }

  async function exists(id: string): Promise<boolean> {
    try {
      await call('GET', `/v1/admin/campaigns/${id}`, CampaignRecordSchema);
      return true;
    } catch (error) {
      if (error instanceof CliError && error.message.includes('No campaign with id')) return false;
      throw error;
    }
  }

  /** The branding's allow-lists: --branding, or the bundled demo branding when `fallBackToDemo`. */
  async function linkPolicy(fallBackToDemo: boolean): Promise<{ policy: LinkPolicy; file: string } | undefined> {
    if (brandingFile === undefined && !fallBackToDemo) return undefined;
    const file = brandingFile === undefined ? await demoBrandingFile() : path.resolve(io.cwd, brandingFile);
    const read = await readLinkPolicy(file);
    if (!read.ok) throw new CliError(read.problem);
    return { policy: read.policy, file };
  }

  /** Refuses a campaign whose links the branding's app would drop, naming each. */
  function refuseLinks(file: string, campaign: z.output<typeof CampaignInputSchema>, branding: { policy: LinkPolicy; file: string }): void {
    const issues = checkCampaignLinks(campaign, branding.policy);
    if (issues.length === 0) return;
    throw new CliError(
      `${file}: links the app would not open (checked against ${path.relative(io.cwd, branding.file) || branding.file})\n${describeIssues(issues).replace(/^/gm, '  ')}`,
    );
  }

  const need = (count: number, what: string): void => {
    if (rest.length < count) throw new CliError(`${command} needs ${what}.\n${USAGE}`);
  };

  try {
    switch (command) {
      case 'validate': {
        need(1, 'at least one file');
        const branding = (await linkPolicy(true))!;
        const checkedAgainst = path.relative(io.cwd, branding.file) || branding.file;
        let failed = false;
        for (const file of rest) {
          try {
            const campaign = await readCampaignFile(file, io.cwd);
            refuseLinks(file, campaign, branding);
            io.out(
              `${file}: ok (${campaign.id}; links checked against ${checkedAgainst}${brandingFile === undefined ? ', the demo branding: pass --branding FILE for yours' : ''})`,
            );
          } catch (error) {
            // Report every bad file, not only the first.
            if (!(error instanceof CliError)) throw error;
            io.err(error.message);
            failed = true;
          }
        }
        return failed ? 1 : 0;
      }
      case 'publish': {
        need(1, 'at least one file');
        // Validate every file before changing anything, so a typo in the third file publishes nothing.
        // Links only against an explicit --branding: the server checks against its own branding when it knows one.
        const branding = await linkPolicy(false);
        const campaigns = [];
        for (const file of rest) {
          const campaign = await readCampaignFile(file, io.cwd);
          if (branding !== undefined) refuseLinks(file, campaign, branding);
          campaigns.push({ file, campaign });
        }
        let pollSeconds: number | undefined;
        for (const { file, campaign } of campaigns) {
          const route = `/v1/admin/campaigns/${campaign.id}`;
          const saved = (await exists(campaign.id))
            ? await call('PUT', route, CampaignRecordSchema, campaign)
            : await call('POST', '/v1/admin/campaigns', CampaignRecordSchema, campaign);
          const result = await call('POST', `${route}/publish`, PublishResultSchema);
          io.out(`${file}: published ${saved.id} revision ${result.record.publishedRevision} (manifest version ${result.version})`);
          for (const warning of result.warnings ?? []) io.err(`${file}: warning: ${warning.field}: ${warning.message}`);
          pollSeconds = result.pollIntervalSeconds ?? pollSeconds;
        }
        io.out(
          pollSeconds === undefined
            ? 'Installs pick it up at their next poll (hourly unless the server is set otherwise).'
            : `Installs pick it up at their next poll: ${describePollInterval(pollSeconds)} (the poll interval the server suggests).`,
        );
        return 0;
      }
      case 'list': {
        const query = status === undefined ? '' : `?status=${encodeURIComponent(status)}`;
        const { campaigns } = await call('GET', `/v1/admin/campaigns${query}`, CampaignListSchema);
        if (campaigns.length === 0) io.out('No campaigns.');
        for (const record of campaigns) {
          const pending = record.unpublishedChanges && record.status !== 'draft' ? ' (unpublished changes)' : '';
          io.out(
            `${record.id.padEnd(32)} ${record.status.padEnd(8)} r${record.revision}${pending}  ${record.campaign.category.padEnd(8)} ${record.campaign.name}`,
          );
        }
        return 0;
      }
      case 'get': {
        need(1, 'a campaign id');
        io.out(JSON.stringify(await call('GET', `/v1/admin/campaigns/${encodeURIComponent(rest[0]!)}`, CampaignRecordSchema), null, 2));
        return 0;
      }
      case 'archive': {
        need(1, 'a campaign id');
        const result = await call('POST', `/v1/admin/campaigns/${encodeURIComponent(rest[0]!)}/archive`, PublishResultSchema);
        io.out(`archived ${result.record.id} (manifest version ${result.version})`);
        return 0;
      }
      case 'live': {
        const live = await call('GET', '/v1/admin/live', LiveListingSchema);
        io.out(`manifest version ${live.version} (changed ${live.changedAt})`);
        for (const campaign of live.campaigns)
          io.out(
            `${campaign.id.padEnd(32)} r${campaign.publishedRevision}  ${campaign.productLines.join(',')} × ${campaign.locales.join(',')}  ${campaign.name}`,
          );
        return 0;
      }
      case 'public-key': {
        const response = await io.fetch(new URL('/v1/signing-key', server)).catch((error: Error) => {
          throw new CliError(`Cannot reach the server at ${server} (${error.message}).`);
        });
        const key = SigningKeyInfoSchema.parse(await response.json());
        io.out(`keyId:      ${key.keyId}\npublicKey:  ${key.publicKey}\n\n${key.publicKeyPem.trim()}`);
        return 0;
      }
      case 'preview': {
        need(1, 'a campaign file');
        if (deviceFile === undefined) throw new CliError(`preview needs --device <state.json>.\n${USAGE}`);
        const campaign = await readCampaignFile(rest[0]!, io.cwd);
        const device = await readDeviceStateFile(deviceFile, io.cwd);
        const preview = await call('POST', '/v1/admin/campaigns/preview', CampaignPreviewSchema, { campaign, device });
        io.out(json ? JSON.stringify(preview, null, 2) : formatPreview(preview, device));
        return 0;
      }
      case 'stats': {
        need(1, 'a campaign id');
        const stats = await call('GET', `/v1/admin/stats/${encodeURIComponent(rest[0]!)}`, CampaignStatsSchema);
        io.out(json ? JSON.stringify(stats, null, 2) : formatStatsTable(stats));
        return 0;
      }
      case 'import-segments': {
        need(1, 'a .csv or .json file');
        const file = path.resolve(io.cwd, rest[0]!);
        const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new CliError(`${rest[0]}: cannot read (${error.code ?? String(error)}).`);
        });
        let body: unknown;
        if (file.endsWith('.csv')) body = { format: 'csv', data: text };
        else {
          try {
            body = { format: 'json', rows: JSON.parse(text) as unknown };
          } catch (error) {
            throw new CliError(`${rest[0]}: not valid JSON (${(error as Error).message}); use a .csv name for CSV.`);
          }
        }
        const result = await call('POST', '/v1/admin/crm/segments', SegmentImportResultSchema, body);
        io.out(
          `Imported ${result.rows} rows: ${result.memberships} memberships for ${result.keys} installs/customers, ${result.links} new customer links.`,
        );
        return 0;
      }
      case 'export': {
        need(1, 'a folder to export into');
        const dir = path.resolve(io.cwd, rest[0]!);
        const result = await exportOnce(
          httpExportSource(server, io.fetch, (route, schema) => call('GET', route, schema)),
          { dir, productLines, ttlSeconds: 0, now: Date.now() },
        );
        io.out(
          `exported manifest version ${result.version}: ${result.segments} segments and the signing key into ${dir} (${result.replaced ? `${result.written} written, ${result.kept} unchanged, ${result.removed} removed` : 'unchanged'})`,
        );
        return 0;
      }
      case 'mint-token': {
        need(2, 'a role (admin or device) and a label');
        const result = await call('POST', '/v1/admin/tokens', TokenResultSchema, { role: rest[0], label: rest.slice(1).join(' ') });
        io.out(result.token);
        return 0;
      }
      default:
        io.err(`Unknown command "${command}".\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
