import { randomBytes, randomUUID } from 'node:crypto';
import { request, Agent } from 'node:http';
import type { DeviceEvent } from '../common/events.js';

/**
 * A simulated install as the fleet benchmark and the multi-node tier drive it: its id and
 * credential, conditional manifest polls and event batches whose ids are idempotency keys, sent
 * again after any failure until a node acknowledges them.
 */
export interface SimulatedInstall {
  installId: string;
  credential: string;
  /** The last ETag per manifest URL path. */
  etags: Map<string, string>;
}

/** A new install with a credential in the shape the server registers (ts_install_ + 43 base64url). */
export function simulatedInstall(): SimulatedInstall {
  return { installId: randomUUID(), credential: `ts_install_${randomBytes(32).toString('base64url')}`, etags: new Map() };
}

/** One HTTP answer, timed. */
export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  ms: number;
}

/** Keep-alive agent for one load generator: what a CDN edge or a busy client does. */
export function fleetAgent(maxSockets = 64): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/** A plain node:http request; resolves with status 0 when the connection fails (a killed node). */
export function send(
  agent: Agent,
  base: string,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
  timeoutMs = 5000,
): Promise<Answer> {
  const started = performance.now();
  const url = new URL(path, base);
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        headers:
          body === undefined
            ? headers
            : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: response.headers,
            ms: performance.now() - started,
          }),
        );
        response.on('error', () => resolve({ status: 0, body: '', headers: {}, ms: performance.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '', headers: {}, ms: performance.now() - started }));
    req.end(body);
  });
}

/** A conditional poll of one segment's manifest; remembers the ETag of a 200. */
export async function poll(agent: Agent, base: string, install: SimulatedInstall, productLine: string, locale: string): Promise<Answer> {
  const path = `/v1/manifests/${productLine}/${locale}`;
  const etag = install.etags.get(path);
  const answer = await send(agent, base, 'GET', path, {
    'x-trayside-install': install.installId,
    ...(etag === undefined ? {} : { 'if-none-match': etag }),
  });
  const received = answer.headers.etag;
  if (answer.status === 200 && typeof received === 'string') install.etags.set(path, received);
  return answer;
}

/**
 * A conditional segment check with the install's credential; remembers the ETag of a 200 (under
 * the segments path, beside the manifests'). A real app makes one at start and every 6 h
 * (core/messages/segment-schedule.ts), not one per poll: a load mix should weigh it so.
 */
export async function checkSegments(agent: Agent, base: string, install: SimulatedInstall): Promise<Answer> {
  const path = `/v1/segments/${install.installId}`;
  const etag = install.etags.get(path);
  const answer = await send(agent, base, 'GET', path, {
    authorization: `Bearer ${install.credential}`,
    ...(etag === undefined ? {} : { 'if-none-match': etag }),
  });
  const received = answer.headers.etag;
  if ((answer.status === 200 || answer.status === 304) && typeof received === 'string') install.etags.set(path, received);
  return answer;
}

/** Registers the install's credential; a server without install registration (404) needs none. */
export async function register(agent: Agent, base: string, install: SimulatedInstall): Promise<Answer> {
  return send(
    agent,
    base,
    'POST',
    '/v1/installs',
    { authorization: `Bearer ${install.credential}`, 'x-trayside-install': install.installId },
    JSON.stringify({ installId: install.installId }),
  );
}

/** `count` impression events with fresh ids (the idempotency keys). */
export function impressions(count: number, campaignId = 'fleet-campaign'): DeviceEvent[] {
  const at = new Date().toISOString();
  return Array.from({ length: count }, () => ({ id: randomUUID(), type: 'impression' as const, campaignId, variantId: 'a', at }));
}

/** Sends one batch once. */
export function sendBatch(agent: Agent, base: string, install: SimulatedInstall, events: readonly DeviceEvent[]): Promise<Answer> {
  const body = JSON.stringify({ installId: install.installId, consent: 'anonymous-usage', sentAt: new Date().toISOString(), events });
  return send(
    agent,
    base,
    'POST',
    '/v1/events',
    { authorization: `Bearer ${install.credential}`, 'x-trayside-install': install.installId },
    body,
  );
}

/**
 * Sends a batch until some node acknowledges it (200), moving to the next base URL after each
 * failure, with a short backoff: the app's queue does the same with one URL behind a load balancer.
 * Resolves with the acknowledging answer and the attempts it took, or undefined past `deadline`.
 */
export async function sendUntilAcknowledged(
  agent: Agent,
  bases: readonly string[],
  install: SimulatedInstall,
  events: readonly DeviceEvent[],
  deadline: number,
  start = 0,
): Promise<{ answer: Answer; attempts: number } | undefined> {
  for (let attempt = 0; Date.now() < deadline; attempt += 1) {
    const answer = await sendBatch(agent, bases[(start + attempt) % bases.length]!, install, events);
    if (answer.status === 200) return { answer, attempts: attempt + 1 };
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** Math.min(attempt, 4), 500)));
  }
  return undefined;
}
