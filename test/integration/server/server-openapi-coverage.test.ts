import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema } from '../../../common/messages/index.js';
import { buildServer } from '../../../server/app.js';
import { hashToken } from '../../../server/http/auth.js';
import type { Route } from '../../../server/http/route.js';
import { ROUTE_GROUPS } from '../../../server/routes/index.js';
import { updateUploadRoutes } from '../../../server/updates/routes.js';
import { openSwitchableStore, type SwitchableStore } from './switchable-store.js';
import { testCredential } from '../../support/install-credentials.js';

const ADMIN_TOKEN = 'ts_admin_openapi-coverage';
const DEVICE_TOKEN = 'ts_device_openapi-coverage';

/** A plausible value per path parameter, so only the input under test is wrong. */
const SAMPLE_PARAMS: Record<string, string> = {
  id: 'cov-campaign',
  campaignId: 'cov-campaign',
  productLine: 'line-a',
  locale: 'en',
  installId: randomUUID(),
};

/** Valid bodies where a route checks its body before it reaches the store. */
const VALID_BODIES: Record<string, string> = {
  'POST /v1/events': JSON.stringify({
    installId: randomUUID(),
    consent: 'anonymous-usage',
    sentAt: new Date().toISOString(),
    events: [{ id: randomUUID(), type: 'impression', at: new Date().toISOString(), campaignId: 'cov-campaign', variantId: 'a' }],
  }),
};

interface Attempt {
  what: string;
  path?: string;
  token?: string | null;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Bad (and a few good) requests for one route; every answer must be a status its OpenAPI entry lists. */
function attempts(route: Route): Attempt[] {
  const names = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);
  const pathWith = (name: string | undefined, value: string) =>
    route.url.replace(/:([A-Za-z]+)/g, (_whole, param: string) => (param === name ? value : SAMPLE_PARAMS[param]!));
  const list: Attempt[] = [
    { what: 'plain request', token: ADMIN_TOKEN },
    { what: 'no token', token: null },
    { what: 'unknown token', token: 'ts_admin_nobody' },
    { what: 'device token', token: DEVICE_TOKEN },
    { what: 'unknown query parameter', path: `${pathWith(undefined, '')}?status=bogus&extra=1` },
    { what: 'empty JSON object', body: '{}' },
    { what: 'JSON array', body: '[]' },
    { what: 'JSON null', body: 'null' },
    { what: 'broken JSON', body: '{"id": ' },
    { what: 'empty JSON body', body: '' },
    { what: 'prototype pollution', body: '{"__proto__": {"admin": true}}' },
    { what: 'text body', body: 'hello', contentType: 'text/plain' },
    { what: 'form body', body: 'a=1', contentType: 'application/x-www-form-urlencoded' },
    { what: 'body over the limit', body: JSON.stringify({ filler: 'x'.repeat(300 * 1024) }) },
    { what: 'garbage If-Match', body: '{}', headers: { 'if-match': 'yesterday' } },
  ];
  for (const name of names) {
    list.push(
      { what: `${name}: wrong characters`, path: pathWith(name, 'NOT%20VALID%21') },
      { what: `${name}: 200 characters`, path: pathWith(name, 'a'.repeat(200)) },
      { what: `${name}: bad percent-encoding`, path: pathWith(name, '%E0%A4%A') },
    );
  }
  return list;
}

describe('OpenAPI document covers every answer', () => {
  let unplugged: SwitchableStore;
  let app: FastifyInstance;
  let base: string;
  let documented: Record<string, Record<string, { responses: Record<string, unknown> }>>;

  beforeAll(async () => {
    unplugged = await openSwitchableStore();
    await unplugged.store.addToken(hashToken(ADMIN_TOKEN), 'admin', 'coverage', new Date());
    await unplugged.store.addToken(hashToken(DEVICE_TOKEN), 'device', 'coverage', new Date());
    app = await buildServer({ store: unplugged.store, logLevel: 'silent', deviceRateLimit: { max: 25, timeWindowMs: 60_000 } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    documented = ((await (await fetch(`${base}/openapi.json`)).json()) as { paths: typeof documented }).paths;
  });
  afterAll(async () => {
    await app?.close();
    await unplugged?.store.close();
  });

  const routes: Route[] = [
    ...ROUTE_GROUPS.flatMap((group) => group.routes),
    // Registered in its own scope (raw body), documented like the rest.
    ...updateUploadRoutes,
    { method: 'GET', url: '/openapi.json' } as Route,
  ];

  it(
    'lists, for each route, every status that bad input, a missing token, the rate limit or a store outage gets',
    { timeout: 60_000 },
    async () => {
      const undocumented: string[] = [];
      const seen = new Set<string>();
      const send = async (route: Route, attempt: Attempt, to = base): Promise<void> => {
        const headers: Record<string, string> = { 'x-trayside-install': randomUUID(), ...attempt.headers };
        const token = attempt.token === undefined ? ADMIN_TOKEN : attempt.token;
        if (token !== null) headers.authorization = `Bearer ${token}`;
        if (attempt.body !== undefined) headers['content-type'] = attempt.contentType ?? 'application/json';
        const path = attempt.path ?? route.url.replace(/:([A-Za-z]+)/g, (_whole, param: string) => SAMPLE_PARAMS[param]!);
        const response = await fetch(`${to}${path}`, {
          method: route.method,
          headers,
          ...(attempt.body !== undefined && route.method !== 'GET' ? { body: attempt.body } : {}),
        });
        const text = await response.text();
        const entry = documented[route.url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[route.method.toLowerCase()];
        seen.add(`${route.method} ${route.url} ${response.status}`);
        if (entry === undefined || !(String(response.status) in entry.responses)) {
          undocumented.push(
            `${route.method} ${route.url} (${attempt.what}) answered ${response.status}, documented: ${Object.keys(entry?.responses ?? {}).join(', ')}`,
          );
        }
        if (response.status >= 400) {
          expect(
            ApiErrorSchema.safeParse(JSON.parse(text)).success,
            `${route.method} ${path} (${attempt.what}) ${response.status}: ${text.slice(0, 200)}`,
          ).toBe(true);
        }
        expect(response.status, `${route.method} ${path} (${attempt.what})`).not.toBe(500);
        if (response.status === 503)
          expect(response.headers.get('retry-after'), `${route.method} ${path} 503 without Retry-After`).toMatch(/^\d+$/);
      };

      for (const route of routes) for (const attempt of attempts(route)) await send(route, attempt);
      // Over the per-install rate limit.
      for (const route of routes.filter((candidate) => candidate.rateLimited)) {
        for (let index = 0; index < 30; index += 1)
          await send(route, { what: 'over the rate limit', headers: { 'x-trayside-install': 'rate-limit-install' } });
      }
      // With the database unreachable, on this node and on one that never read a manifest (so has none to serve).
      const cold = await buildServer({ store: unplugged.store, logLevel: 'silent' });
      const coldBase = await cold.listen({ host: '127.0.0.1', port: 0 });
      unplugged.setDown(true);
      try {
        for (const route of routes) {
          const body = VALID_BODIES[`${route.method} ${route.url}`];
          // A device route's well-formed credential reaches the store (to look up its hash), so the outage is what answers.
          const credential = route.url === '/v1/events' ? { token: testCredential(randomUUID()) } : {};
          for (const to of [base, coldBase])
            await send(route, { what: 'store down', ...(body !== undefined ? { body } : {}), ...credential }, to);
        }
      } finally {
        unplugged.setDown(false);
        await cold.close();
      }

      expect(undocumented).toEqual([]);
      // The walk really reached the answers it is about.
      for (const expected of [
        'GET /v1/segments/:installId 400',
        'POST /v1/conversions 400',
        'GET /v1/admin/stats/:campaignId 400',
        'POST /v1/events 413',
        'GET /v1/admin/campaigns/:id 414',
        'POST /v1/events 429',
        'POST /v1/events 503',
        'GET /v1/manifests/:productLine/:locale 503',
      ]) {
        expect(seen, expected).toContain(expected);
      }
    },
  );
});
