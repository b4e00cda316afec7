import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { ApiErrorSchema } from '../../common/messages/index.js';
import { parseCaseCode } from '../../common/diagnostics/case-code.js';
import { describeError } from '../../common/errors.js';
import type { AdminCliIo } from '../admin-client.js';
import { adminTokenFile, DEFAULT_DATA_DIR } from '../local-config.js';
import { SUPPORT_SCOPES } from '../store/diagnostics-store.js';
import {
  AccessLogSchema,
  PruneResultSchema,
  SupportTokenCreatedSchema,
  SupportTokenInfoSchema,
  SupportTokenListSchema,
} from './support-tokens.js';

/** The commands this module answers; everything else goes to the campaign admin CLI. */
export const SUPPORT_COMMANDS = new Set(['support-token', 'prune', 'access-log']);

export const SUPPORT_USAGE = `Support and diagnostics:
  support-token create <name> [--scope open|download]...
                               a token for the support view (shown once, stored hashed);
                               scopes: open (read cases in the view) and download (the raw
                               bundle); both unless --scope is given
  support-token list           every support token: id, name, scopes, created, last used, revoked
  support-token revoke <id>    ends the token and its sign-ins at once (id from the list: st_…)
  prune                        deletes expired diagnostics cases and sign-ins now (the server
                               also does it hourly; retention is the server's --diagnostics-retention-days)
  access-log [<case code>] [--limit N]
                               who opened or downloaded which case, newest first
Same --server, --data-dir and token as the commands above.`;

class CliError extends Error {}

const date = (iso: string | null): string => (iso === null ? '—' : iso.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC'));

/** Runs a support command (`argv` without the leading options' values); returns the exit code. */
export async function runSupportCommand(argv: readonly string[], io: AdminCliIo): Promise<number> {
  const args = [...argv];
  let server = io.env.TRAYSIDE_SERVER_URL ?? 'http://127.0.0.1:8787';
  let dataDir: string | undefined;
  let limit: string | undefined;
  const scopes: string[] = [];
  const positional: string[] = [];
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '--server') server = args.shift() ?? '';
    else if (arg === '--data-dir') dataDir = args.shift() ?? '';
    else if (arg === '--scope') scopes.push(...(args.shift() ?? '').split(',').filter(Boolean));
    else if (arg === '--limit') limit = args.shift();
    else if (arg === '--help' || arg === '-h') {
      io.out(SUPPORT_USAGE);
      return 0;
    } else if (arg.startsWith('--')) {
      io.err(`Unknown option ${arg} for ${positional[0] ?? 'this command'}.\n${SUPPORT_USAGE}`);
      return 2;
    } else positional.push(arg);
  }
  const [command, ...rest] = positional;

  async function token(): Promise<string> {
    if (io.env.TRAYSIDE_ADMIN_TOKEN) return io.env.TRAYSIDE_ADMIN_TOKEN;
    const file = adminTokenFile(path.resolve(io.cwd, dataDir ?? io.env.TRAYSIDE_DATA_DIR ?? DEFAULT_DATA_DIR));
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch {
      throw new CliError(
        `No admin token at ${file}. Pass the server's data folder with --data-dir DIR (or TRAYSIDE_DATA_DIR), or set TRAYSIDE_ADMIN_TOKEN.`,
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
      const cause = (error as Error).cause;
      throw new CliError(
        `Cannot reach the server at ${server} (${describeError(cause ?? error)}). Is \`npm run server\` running? Use --server to point elsewhere.`,
      );
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const parsed = ApiErrorSchema.safeParse(json);
      throw new CliError(parsed.success ? parsed.data.message : `${method} ${route}: HTTP ${response.status}.`);
    }
    return schema.parse(json);
  }

  const usage = (problem: string): number => {
    io.err(`${problem}\n${SUPPORT_USAGE}`);
    return 2;
  };

  try {
    switch (command) {
      case 'support-token': {
        const [action, ...names] = rest;
        if (action === 'create') {
          if (names.length === 0) return usage('support-token create needs a name: who holds the token (it appears in the access log).');
          const unknown = scopes.filter((scope) => !(SUPPORT_SCOPES as readonly string[]).includes(scope));
          if (unknown.length > 0) return usage(`Unknown scope ${unknown.join(', ')}: scopes are ${SUPPORT_SCOPES.join(' and ')}.`);
          const created = await call('POST', '/v1/admin/support-tokens', SupportTokenCreatedSchema, {
            name: names.join(' '),
            ...(scopes.length > 0 ? { scopes } : {}),
          });
          io.out(created.token);
          io.err(
            `Support token ${created.id} for "${created.name}" (${created.scopes.join(', ')}). It is shown only now: hand it over privately; sign in at ${new URL('/support', server).toString()}.`,
          );
          return 0;
        }
        if (action === 'list') {
          const { tokens } = await call('GET', '/v1/admin/support-tokens', SupportTokenListSchema);
          if (tokens.length === 0) io.out('No support tokens. Make one with: npm run admin -- support-token create "<name>"');
          for (const item of tokens) {
            io.out(
              `${item.id}  ${item.name.padEnd(24)} ${item.scopes.join(',').padEnd(14)} created ${date(item.createdAt)}  last used ${date(item.lastUsedAt)}${item.revokedAt === null ? '' : `  REVOKED ${date(item.revokedAt)}`}`,
            );
          }
          return 0;
        }
        if (action === 'revoke') {
          if (names[0] === undefined) return usage('support-token revoke needs the token id (st_…; see support-token list).');
          const revoked = await call('DELETE', `/v1/admin/support-tokens/${encodeURIComponent(names[0])}`, SupportTokenInfoSchema);
          io.out(`Revoked ${revoked.id} ("${revoked.name}"); its sign-ins have ended.`);
          return 0;
        }
        return usage(
          action === undefined
            ? 'support-token needs create, list or revoke.'
            : `Unknown support-token action "${action}": use create, list or revoke.`,
        );
      }
      case 'prune': {
        const { deletedCases } = await call('POST', '/v1/admin/diagnostics/prune', PruneResultSchema);
        io.out(
          deletedCases === 0 ? 'No expired cases to delete.' : `Deleted ${deletedCases} expired case${deletedCases === 1 ? '' : 's'}.`,
        );
        return 0;
      }
      case 'access-log': {
        const query = new URLSearchParams();
        if (rest[0] !== undefined) {
          const code = parseCaseCode(rest[0]);
          if (!code.ok) return usage(code.message);
          query.set('code', code.code);
        }
        if (limit !== undefined) query.set('limit', limit);
        const { entries } = await call('GET', `/v1/admin/diagnostics/access-log${query.size > 0 ? `?${query}` : ''}`, AccessLogSchema);
        if (entries.length === 0) io.out(rest[0] === undefined ? 'Nobody has opened a case yet.' : 'Nobody has opened this case.');
        for (const entry of entries)
          io.out(
            `${date(entry.at)}  ${entry.caseCode}  ${entry.action.padEnd(8)} ${entry.tokenName} (${entry.tokenId})${entry.remote === null ? '' : ` from ${entry.remote}`}`,
          );
        return 0;
      }
      default:
        return usage(`Unknown command "${command ?? ''}".`);
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
