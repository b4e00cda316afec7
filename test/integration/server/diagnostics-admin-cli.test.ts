import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadResponseSchema } from '../../../common/diagnostics/api.js';
import { buildServer } from '../../../server/app.js';
import { hashToken } from '../../../server/http/auth.js';
import { openStore } from '../../../server/store/open-store.js';
import type { Store } from '../../../server/store/store.js';
import { runSupportCommand } from '../../../server/support/admin-commands.js';
import { errorStateBundle } from './diagnostics-fixture.js';

const run = promisify(execFile);
const ADMIN_TOKEN = 'ts_admin_support-cli-test';
const T0 = Date.UTC(2026, 10, 20, 9, 30);

describe('npm run admin -- support-token / prune / access-log', () => {
  let dir = '';
  let store: Store;
  let app: FastifyInstance;
  let url = '';
  const now = { ms: T0 };

  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSupportCommand([...argv, '--server', url], {
      env: { TRAYSIDE_ADMIN_TOKEN: ADMIN_TOKEN },
      cwd: dir,
      fetch,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trayside-support-cli-'));
    store = await openStore({ dataDir: path.join(dir, 'pglite') });
    await store.addToken(hashToken(ADMIN_TOKEN), 'admin', 'support cli test', new Date(T0));
    app = await buildServer({ store, clock: { now: () => now.ms }, logLevel: 'silent', diagnostics: { lookupFloorMs: 0 } });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a token (printed once), lists it without the secret, and revokes it so it no longer signs in', async () => {
    const created = await cli('support-token', 'create', 'Ana', 'Lopez', '--scope', 'open');
    expect(created.code).toBe(0);
    const token = created.out.trim();
    expect(token).toMatch(/^ts_support_[A-Za-z0-9_-]{43}$/);
    expect(created.err).toMatch(/st_[0-9a-f]{12} for "Ana Lopez" \(open\).*shown only now/);

    const listed = await cli('support-token', 'list');
    expect(listed.out).toMatch(/st_[0-9a-f]{12}\s+Ana Lopez\s+open\s+created/);
    expect(listed.out).not.toContain(token);
    const id = /st_[0-9a-f]{12}/.exec(listed.out)![0];

    const signIn = () =>
      fetch(`${url}/support/api/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
    expect((await signIn()).status).toBe(200);
    const revoked = await cli('support-token', 'revoke', id);
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.out).toContain(`Revoked ${id} ("Ana Lopez")`);
    expect((await signIn()).status).toBe(401);
    expect((await cli('support-token', 'list')).out).toContain('REVOKED');
  });

  it('prunes expired cases and shows who opened which case', async () => {
    const uploaded = UploadResponseSchema.parse(
      await (
        await fetch(`${url}/v1/diagnostics`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(errorStateBundle(T0)),
        })
      ).json(),
    );
    const token = (await cli('support-token', 'create', 'Ben')).out.trim();
    const signIn = await fetch(`${url}/support/api/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${url}/support/api/cases/${uploaded.caseCode}`, { headers: { cookie } })).status).toBe(200);

    const log = await cli('access-log', uploaded.caseCode.toLowerCase());
    expect(log.out).toMatch(new RegExp(`${uploaded.caseCode}\\s+open\\s+Ben \\(st_[0-9a-f]{12}\\) from 127\\.0\\.0\\.1`));

    expect((await cli('prune')).out).toBe('No expired cases to delete.');
    now.ms = T0 + 31 * 86_400_000;
    expect((await cli('prune')).out).toBe('Deleted 1 expired case.');
  });

  it('says what is wrong with a bad command, and where the server is not', async () => {
    const missing = await cli('support-token', 'create');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('needs a name');
    expect((await cli('support-token', 'create', 'x', '--scope', 'admin')).err).toContain(
      'Unknown scope admin: scopes are open and download',
    );
    expect((await cli('support-token', 'revoke', 'st_000000000000')).err).toContain('No support token with id st_000000000000');
    expect((await cli('access-log', 'K7QM-42XD')).err).toContain('A case code has 9 characters');
    const out: string[] = [];
    const down = await runSupportCommand(['prune', '--server', 'http://127.0.0.1:9'], {
      env: { TRAYSIDE_ADMIN_TOKEN: ADMIN_TOKEN },
      cwd: dir,
      fetch,
      out: () => {},
      err: (line) => out.push(line),
    });
    expect(down).toBe(1);
    expect(out.join('\n')).toMatch(/Cannot reach the server at http:\/\/127\.0\.0\.1:9 .*npm run server/);
  });

  it('lists the support commands in npm run admin -- --help', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/admin-cli.ts', '--help'], {
      cwd: path.resolve(import.meta.dirname, '../../..'),
    });
    expect(stdout).toContain('publish <campaign.json>');
    expect(stdout).toContain('support-token create <name>');
    expect(stdout).toContain('support-token revoke <id>');
    expect(stdout).toMatch(/^ {2}prune /m);
  });
});
