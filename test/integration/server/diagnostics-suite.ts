import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, UploadResponseSchema } from '../../../common/diagnostics/api.js';
import { CASE_CODE_PATTERN, checkCharacter } from '../../../common/diagnostics/case-code.js';
import { buildServer, type ServerOptions } from '../../../server/app.js';
import { hashToken } from '../../../server/http/auth.js';
import type { Store } from '../../../server/store/store.js';
import { errorStateBundle, REAL_SERIAL } from './diagnostics-fixture.js';

const ADMIN_TOKEN = 'ts_admin_diagnostics-suite-admin-token';
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 9, 30);
/** A well-formed code (right check character) that no upload is likely to get. */
const UNKNOWN_CODE = `K7QM-42XD-${checkCharacter('K7QM42XD')}`;

interface Running {
  app: FastifyInstance;
  url: string;
  now: { ms: number };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function send(
  base: string,
  method: string,
  route: string,
  options: { body?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(new URL(route, base), {
    method,
    headers: options.headers ?? {},
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : new Uint8Array(options.body) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** An upload whose Content-Length promises more than the client sends before it hangs up. */
function cutOffUpload(base: string, body: string): Promise<void> {
  const url = new URL('/v1/diagnostics', base);
  return new Promise((resolve) => {
    const request = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(body.length * 2) },
    });
    request.on('error', () => resolve());
    request.write(body.slice(0, body.length / 2), () => {
      setTimeout(() => {
        request.destroy();
        resolve();
      }, 100);
    });
  });
}

/**
 * Diagnostics upload, delete, retention and the support role over real HTTP on 127.0.0.1, against
 * whichever store `open` gives (PGlite or PostgreSQL). One store for the suite; servers with
 * other settings share it.
 */
export function defineDiagnosticsSuite(label: string, open: () => Promise<Store>, dispose: () => Promise<void> = async () => {}): void {
  describe(`diagnostics and support (${label})`, () => {
    let store: Store;
    let server: Running;
    const extra: Running[] = [];

    const start = async (options: Partial<ServerOptions> = {}): Promise<Running> => {
      const now = { ms: T0 };
      const app = await buildServer({
        store,
        clock: { now: () => now.ms },
        logLevel: 'silent',
        ...options,
        diagnostics: { lookupFloorMs: 0, uploadLimit: { max: 1000, timeWindowMs: 3_600_000 }, ...options.diagnostics },
      });
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      return { app, url, now };
    };

    const upload = (body: string | Uint8Array, headers: Record<string, string> = {}, on: Running = server) =>
      send(on.url, 'POST', '/v1/diagnostics', {
        body,
        headers: { 'content-type': 'application/json', 'x-trayside-install': 'install-diag-0001', ...headers },
      });
    const bundleText = (at = T0) => JSON.stringify(errorStateBundle(at));
    const admin = (method: string, route: string, body?: unknown, on: Running = server) =>
      send(on.url, method, route, {
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      });

    async function supportToken(name: string, scopes?: string[], on: Running = server): Promise<{ id: string; token: string }> {
      const created = await admin('POST', '/v1/admin/support-tokens', { name, ...(scopes ? { scopes } : {}) }, on);
      expect(created.status).toBe(201);
      return created.json as { id: string; token: string };
    }

    async function signIn(token: string, on: Running = server): Promise<string> {
      const answer = await send(on.url, 'POST', '/support/api/sign-in', {
        body: JSON.stringify({ token }),
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status, answer.text).toBe(200);
      return answer.headers.get('set-cookie')!.split(';')[0]!;
    }

    const openCase = (cookie: string, code: string, on: Running = server) =>
      send(on.url, 'GET', `/support/api/cases/${encodeURIComponent(code)}`, { headers: { cookie } });

    beforeAll(async () => {
      store = await open();
      await store.addToken(hashToken(ADMIN_TOKEN), 'admin', 'diagnostics suite', new Date(T0));
      server = await start();
    });

    afterAll(async () => {
      await Promise.all([server, ...extra].map((running) => running?.app.close()));
      await store?.close();
      await dispose();
    });

    it('takes a bundle and answers a case code that reads over the phone, kept 30 days, and a delete token', async () => {
      const answer = await upload(bundleText());
      expect(answer.status, answer.text).toBe(201);
      const body = UploadResponseSchema.parse(answer.json);
      expect(body.caseCode).toMatch(CASE_CODE_PATTERN);
      expect(body.expiresAt).toBe(T0 + 30 * DAY_MS);
    });

    it('takes a gzip-compressed bundle, and support downloads exactly the text the owner reviewed', async () => {
      const text = bundleText(T0 - 1000);
      const answer = await upload(gzipSync(text), { 'content-encoding': 'gzip' });
      expect(answer.status, answer.text).toBe(201);
      const { caseCode } = UploadResponseSchema.parse(answer.json);
      const cookie = await signIn((await supportToken('gzip reader')).token);
      const download = await send(server.url, 'GET', `/support/api/cases/${caseCode}/bundle`, { headers: { cookie } });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-disposition')).toBe(`attachment; filename="trayside-case-${caseCode}.json"`);
      expect(download.text).toBe(text);
    });

    it('refuses oversized, wrong-type, truncated and malformed bodies with a clear 4xx and stores none of them', async () => {
      const small = await start({ diagnostics: { maxBytes: 64 * 1024 } });
      extra.push(small);
      const before = await store.diagnostics.countCases(new Date(T0));
      const big = JSON.stringify({
        ...errorStateBundle(T0),
        logs: Array.from({ length: 2000 }, (_, i) => ({ time: T0, level: 'info', source: 'host', message: `line ${i} ${'x'.repeat(40)}` })),
      });

      const oversized = await upload(big, {}, small);
      expect(oversized.status).toBe(413);
      expect(ApiErrorSchema.parse(oversized.json).message).toContain('over 64 KiB');

      // Small on the wire, over the limit once inflated.
      const bomb = await upload(gzipSync(big), { 'content-encoding': 'gzip' }, small);
      expect(bomb.status).toBe(413);
      expect(ApiErrorSchema.parse(bomb.json).message).toContain('inflated JSON');

      const wrongType = await upload(bundleText(), { 'content-type': 'text/plain' });
      expect(wrongType.status).toBe(415);
      expect(ApiErrorSchema.parse(wrongType.json).message).toContain('application/json');
      const brotli = await upload(bundleText(), { 'content-encoding': 'br' });
      expect(brotli.status).toBe(415);
      expect(ApiErrorSchema.parse(brotli.json).message).toContain('gzip');

      const text = bundleText();
      const truncated = await upload(text.slice(0, Math.floor(text.length * 0.6)));
      expect(truncated.status).toBe(400);
      expect(ApiErrorSchema.parse(truncated.json)).toMatchObject({ error: 'bundle-truncated' });
      expect(ApiErrorSchema.parse(truncated.json).message).toMatch(/ends early.*Nothing was stored/);

      const gz = gzipSync(text);
      const truncatedGzip = await upload(gz.subarray(0, gz.length - 40), { 'content-encoding': 'gzip' });
      expect(truncatedGzip.status).toBe(400);
      expect(ApiErrorSchema.parse(truncatedGzip.json).message).toContain('gzip body is truncated');

      const wrongField = await upload(JSON.stringify({ ...errorStateBundle(T0), devices: [{ id: 'x' }] }));
      expect(wrongField.status).toBe(400);
      expect(ApiErrorSchema.parse(wrongField.json).message).toMatch(/devices\.0\.\w+/);

      const notJson = await upload('hello, support');
      expect(notJson.status).toBe(400);
      expect(ApiErrorSchema.parse(notJson.json).message).toContain('not valid JSON');

      await cutOffUpload(server.url, text);
      // The server is still fine after the client hung up, and nothing of any of these was kept.
      expect((await upload(bundleText(T0 - 5))).status).toBe(201);
      expect(await store.diagnostics.countCases(new Date(T0))).toBe(before + 1);
    });

    it('answers a retried upload with the same idempotency key with the same case, and refuses the key for another bundle', async () => {
      const text = bundleText(T0 - 2000);
      const first = UploadResponseSchema.parse((await upload(text, { 'idempotency-key': 'capture-0001-abc' })).json);
      const again = await upload(text, { 'idempotency-key': 'capture-0001-abc' });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const second = UploadResponseSchema.parse(again.json);
      expect(second.caseCode).toBe(first.caseCode);
      // The lost first answer's token no longer deletes; the one the app now holds does.
      expect(
        (
          await send(server.url, 'DELETE', `/v1/diagnostics/${first.caseCode}`, {
            headers: { authorization: `Bearer ${first.deleteToken}` },
          })
        ).status,
      ).toBe(403);

      const other = await upload(bundleText(T0 - 3000), { 'idempotency-key': 'capture-0001-abc' });
      expect(other.status).toBe(422);
      expect(ApiErrorSchema.parse(other.json).message).toContain('different bundle');
      expect(
        (
          await send(server.url, 'DELETE', `/v1/diagnostics/${second.caseCode}`, {
            headers: { authorization: `Bearer ${second.deleteToken}` },
          })
        ).status,
      ).toBe(204);
    });

    it('lets only the uploader delete a case, after which support cannot open it', async () => {
      const uploaded = UploadResponseSchema.parse((await upload(bundleText(T0 - 4000))).json);
      const path = `/v1/diagnostics/${uploaded.caseCode}`;
      expect((await send(server.url, 'DELETE', path)).status).toBe(401);
      const wrong = await send(server.url, 'DELETE', path, { headers: { authorization: `Bearer ${'w'.repeat(43)}` } });
      expect(wrong.status).toBe(403);
      const cookie = await signIn((await supportToken('deletion check')).token);
      expect((await openCase(cookie, uploaded.caseCode)).status).toBe(200);
      expect((await send(server.url, 'DELETE', path, { headers: { authorization: `Bearer ${uploaded.deleteToken}` } })).status).toBe(204);
      expect((await send(server.url, 'DELETE', path, { headers: { authorization: `Bearer ${uploaded.deleteToken}` } })).status).toBe(404);
      expect((await openCase(cookie, uploaded.caseCode)).status).toBe(404);
    });

    it('keeps a case for the configured retention, then answers like an unknown code, and prune deletes it', async () => {
      const week = await start({ diagnostics: { retentionDays: 7 } });
      extra.push(week);
      const uploaded = UploadResponseSchema.parse((await upload(bundleText(T0 - 6000), {}, week)).json);
      expect(uploaded.expiresAt).toBe(T0 + 7 * DAY_MS);
      week.now.ms = T0 + 7 * DAY_MS - 1;
      const cookie = await signIn((await supportToken('retention', undefined, week)).token, week);
      expect((await openCase(cookie, uploaded.caseCode, week)).status).toBe(200);

      week.now.ms = T0 + 7 * DAY_MS;
      const expired = await openCase(cookie, uploaded.caseCode, week);
      const unknownCode = UNKNOWN_CODE === uploaded.caseCode ? `ZZZZ-ZZZZ-${checkCharacter('ZZZZZZZZ')}` : UNKNOWN_CODE;
      const unknown = await openCase(cookie, unknownCode, week);
      expect(expired.status).toBe(404);
      expect(unknown.status).toBe(404);
      // Same shape and words, only the code differs: an expired code tells nothing an unknown one does not.
      expect(ApiErrorSchema.parse(expired.json).message.replace(uploaded.caseCode, 'CODE')).toBe(
        ApiErrorSchema.parse(unknown.json).message.replace(unknownCode, 'CODE'),
      );
      expect(ApiErrorSchema.parse(expired.json).message).toContain('kept 7 days');

      const before = await store.diagnostics.countCases(new Date(T0));
      const pruned = await admin('POST', '/v1/admin/diagnostics/prune', undefined, week);
      expect(pruned.status).toBe(200);
      expect((pruned.json as { deletedCases: number }).deletedCases).toBeGreaterThanOrEqual(1);
      expect(await store.diagnostics.countCases(new Date(T0))).toBeLessThan(before);
    });

    it('keeps the support role apart from admin: own tokens, listed without secrets, revocable at once, and an access log', async () => {
      const uploaded = UploadResponseSchema.parse((await upload(bundleText(T0 - 7000))).json);
      const { id, token } = await supportToken('Ana (helpdesk)');
      expect(token).toMatch(/^ts_support_/);

      const listed = await admin('GET', '/v1/admin/support-tokens');
      expect(listed.text).not.toContain(token);
      expect(listed.text).not.toContain(hashToken(token));
      expect((listed.json as { tokens: { id: string; name: string; revokedAt: string | null }[] }).tokens).toContainEqual(
        expect.objectContaining({ id, name: 'Ana (helpdesk)', revokedAt: null }),
      );

      // A support token is no admin token, and an admin token does not sign in to the support view.
      expect((await send(server.url, 'GET', '/v1/admin/support-tokens', { headers: { authorization: `Bearer ${token}` } })).status).toBe(
        401,
      );
      const adminSignIn = await send(server.url, 'POST', '/support/api/sign-in', {
        body: JSON.stringify({ token: ADMIN_TOKEN }),
        headers: { 'content-type': 'application/json' },
      });
      expect(adminSignIn.status).toBe(401);
      expect(ApiErrorSchema.parse(adminSignIn.json).message).toContain('support-token create');

      const signedIn = await send(server.url, 'POST', '/support/api/sign-in', {
        body: JSON.stringify({ token }),
        headers: { 'content-type': 'application/json' },
      });
      const setCookie = signedIn.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).toMatch(/Path=\/support/);
      const cookie = setCookie.split(';')[0]!;
      const opened = await openCase(cookie, uploaded.caseCode.toLowerCase().replace(/-/g, ' '));
      expect(opened.status).toBe(200);
      expect(opened.text).not.toContain(REAL_SERIAL);
      expect((opened.json as { bundle: { devices: { serial: string }[] } }).bundle.devices[0]!.serial).toBe('<serial-1>');

      const log = await admin('GET', `/v1/admin/diagnostics/access-log?code=${uploaded.caseCode}`);
      expect((log.json as { entries: unknown[] }).entries).toEqual([
        expect.objectContaining({ caseCode: uploaded.caseCode, tokenId: id, tokenName: 'Ana (helpdesk)', action: 'open' }),
      ]);

      expect((await admin('DELETE', `/v1/admin/support-tokens/${id}`)).status).toBe(200);
      const afterRevoke = await openCase(cookie, uploaded.caseCode);
      expect(afterRevoke.status).toBe(401);
      expect(ApiErrorSchema.parse(afterRevoke.json).message).toContain('revoked');
      expect((await admin('DELETE', '/v1/admin/support-tokens/st_000000000000')).status).toBe(404);
    });

    it('answers a typo as a typo, and a token without a scope exactly like an unknown code', async () => {
      const uploaded = UploadResponseSchema.parse((await upload(bundleText(T0 - 8000))).json);
      const reader = await signIn((await supportToken('open only', ['open'])).token);
      const symbols = uploaded.caseCode.split('');
      symbols[0] = symbols[0] === 'A' ? 'B' : 'A';
      const typo = await openCase(reader, symbols.join(''));
      expect(typo.status).toBe(400);
      expect(ApiErrorSchema.parse(typo.json).message).toContain('typo');

      const opened = await openCase(reader, uploaded.caseCode);
      expect((opened.json as { case: { canDownload: boolean } }).case.canDownload).toBe(false);
      const download = await send(server.url, 'GET', `/support/api/cases/${uploaded.caseCode}/bundle`, { headers: { cookie: reader } });
      expect(download.status).toBe(404);
      expect(ApiErrorSchema.parse(download.json).error).toBe('case-not-found');
    });

    it('rate-limits uploads per install before reading the body', async () => {
      const limited = await start({ diagnostics: { uploadLimit: { max: 2, timeWindowMs: 3_600_000 } } });
      extra.push(limited);
      const statuses = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push((await upload(bundleText(T0 - 9000 - i), { 'x-trayside-install': 'install-diag-flood' }, limited)).status);
      expect(statuses).toEqual([201, 201, 429]);
      const refused = await upload(bundleText(T0 - 9100), { 'x-trayside-install': 'install-diag-flood' }, limited);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(ApiErrorSchema.parse(refused.json).message).toContain('export the bundle as a file instead');
      expect((await upload(bundleText(T0 - 9200), { 'x-trayside-install': 'install-diag-other' }, limited)).status).toBe(201);
    });

    it('rate-limits case lookups per support token', async () => {
      const limited = await start({ diagnostics: { lookupLimit: { max: 3, timeWindowMs: 60_000 } } });
      extra.push(limited);
      const cookie = await signIn((await supportToken('limited', undefined, limited)).token, limited);
      const answers = [];
      for (let i = 0; i < 4; i += 1) answers.push(await openCase(cookie, UNKNOWN_CODE, limited));
      expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 429]);
      expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('serves the support view page with a strict content security policy and no inline script', async () => {
      const page = await send(server.url, 'GET', '/support');
      expect(page.status).toBe(200);
      const policy = page.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toContain('unsafe-inline');
      expect(page.text).not.toMatch(/<script>[^<]/);
      expect((await send(server.url, 'GET', '/support/api/session')).status).toBe(401);
    });
  });
}
