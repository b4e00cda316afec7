import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError, FieldIssue } from '../../common/messages/index.js';
import { STORE_RETRY_AFTER_SECONDS, StoreUnavailableError } from '../store/store-health.js';
import { StoreError } from '../store/store.js';

/** An error with a status a client should see; anything else becomes a 500 and is logged. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Maps fastify's own error codes to the API's codes and sentences. */
function fromFastify(error: FastifyError, bodyLimit: number): ApiError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        statusCode: 400,
        error: 'invalid-json',
        message: `The body is not valid JSON (${error.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'\s*/i, '') || 'parse error'}). Check quotes, commas and brackets.`,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        statusCode: 400,
        error: 'invalid-json',
        message: 'The body is empty but Content-Type is application/json; send a JSON document.',
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { statusCode: 413, error: 'body-too-large', message: `The body is larger than the limit of ${bodyLimit} bytes.` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { statusCode: 415, error: 'unsupported-media-type', message: 'Send the body as JSON with Content-Type: application/json.' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { statusCode: 400, error: 'invalid-content-length', message: 'Content-Length does not match the body.' };
    default:
      return undefined;
  }
}

/**
 * Fastify's `frameworkErrors`: the URL errors it answers before routing (bad percent-encoding, a
 * path parameter over maxParamLength), in the ApiError shape like every other failure.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const body: ApiError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? { statusCode: 414, error: 'uri-too-long', message: 'A path segment is longer than the server accepts (100 characters).' }
      : {
          statusCode: error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400,
          error: 'bad-url',
          message: 'The URL is not valid; check its percent-encoding.',
        };
  void reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
}

/** Installs the error and not-found handlers: every failure answers the ApiError shape. */
export function installErrorHandlers(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    let body: ApiError;
    if (error instanceof StoreUnavailableError) {
      // Not logged here: StoreHealth logs the outage once, not once per request (app.ts).
      void reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
      body = {
        statusCode: 503,
        error: 'store-unavailable',
        message: `The server cannot reach its database for the moment; retry in ${STORE_RETRY_AFTER_SECONDS} s.`,
      };
    } else if (error instanceof StoreError) {
      body = { statusCode: error.code === 'not-found' ? 404 : 409, error: error.code, message: error.message };
    } else if (error instanceof HttpError) {
      body = { statusCode: error.statusCode, error: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
    } else {
      const mapped = fromFastify(error, bodyLimit);
      if (mapped !== undefined) body = mapped;
      else if (error.statusCode === 429) body = { statusCode: 429, error: 'rate-limited', message: error.message };
      else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        body = { statusCode: error.statusCode, error: 'bad-request', message: error.message };
      } else {
        request.log.error({ err: error }, 'request failed');
        body = {
          statusCode: 500,
          error: 'internal',
          message: 'Something went wrong on the server; the error is logged with this request id: ' + request.id,
        };
      }
    }
    void reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ApiError = {
      statusCode: 404,
      error: 'not-found',
      message: `No route ${request.method} ${request.url.split('?')[0]}. The API is described at /openapi.json.`,
    };
    void reply.code(404).send(body);
  });
}
