import type { z } from 'zod';

/** A failed call, with the server's own sentence when it gave one. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** The server's error body (`{ statusCode, error, message }`), or undefined for anything else. */
function errorOf(json: unknown): { error: string; message: string } | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { error, message } = json as Record<string, unknown>;
  return typeof error === 'string' && typeof message === 'string' ? { error, message } : undefined;
}

/**
 * A same-origin JSON call whose answer is parsed before anything is shown. Every failure is an
 * ApiFailure with a sentence for the page: `unreachable` when nothing answered, the server's own
 * words for an error status, and a reload hint for an answer the page cannot read.
 */
export async function callJson<T>(schema: z.ZodType<T>, path: string, init: RequestInit, unreachable: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiFailure(0, 'offline', unreachable);
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const failure = errorOf(json);
    throw new ApiFailure(response.status, failure?.error ?? 'http', failure?.message ?? `The server answered HTTP ${response.status}.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ApiFailure(
      response.status,
      'unreadable',
      `The server's answer could not be read (${parsed.error.issues[0]?.path.join('.') ?? 'body'}); reload the page.`,
    );
  return parsed.data;
}

/** A POST with a JSON body. */
export function postJson(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Ends the session cookie; the answer does not matter (a lost session is signed out too). */
export function signOut(path: string): Promise<void> {
  return fetch(path, { method: 'POST', credentials: 'same-origin' }).then(() => undefined);
}
