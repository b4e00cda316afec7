import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import { describeZodError, type ResultEnvelope } from '../common/contract/define.js';
import {
  ClientFrameSchema,
  CONTRACT_SOCKET_PATH,
  CONTRACT_SOCKET_PROTOCOL,
  SOCKET_SECRET_META,
  SOCKET_SECRET_PROTOCOL_PREFIX,
  type ServerFrame,
} from '../common/contract/wire.js';
import type { Core } from '../core/core.js';
import { cacheControlFor, createStaticFiles } from './static-files.js';
import { describeError } from '../common/errors.js';

/** Where the built panel and the bridge script are, and where to listen. */
export interface NodeHostOptions {
  core: Core;
  /** Built renderer (out/renderer). */
  rendererDir: string;
  /** Built WebSocket bridge, an ES module built with the panel (out/renderer/trayside-bridge.js). */
  bridgeScript: string;
  /** 0 lets the OS choose. */
  port?: number;
  log?: (message: string) => void;
}

/** A running Node host. */
export interface NodeHost {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Where the bridge script is served; also how another start recognises a running Trayside (host/port-owner.ts). */
export const BRIDGE_PATH = '/trayside-bridge.js';
/** One call's input is small; a megabyte is far beyond any legitimate frame. */
const MAX_FRAME_BYTES = 1024 * 1024;
/** 256 bits: the socket secret cannot be guessed in the life of one launch. */
const SECRET_BYTES = 32;
/** Only the id of a frame that fails the frame schema, so the caller hears why instead of timing out. */
const FrameIdSchema = z.object({ id: ClientFrameSchema.shape.id });

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serves the built panel and the contract over a WebSocket on 127.0.0.1 only. Requests whose
 * Host or Origin is not this host's own loopback address are refused, so a web page in the
 * owner's browser cannot reach the core by DNS rebinding or a cross-site WebSocket. The socket
 * also wants the secret the served page carries, so a process that merely forges an Origin header
 * cannot drive the contract, and a bad frame closes only its own socket.
 */
export async function startNodeHost(options: NodeHostOptions): Promise<NodeHost> {
  const log = options.log ?? (() => undefined);
  const rendererDir = resolve(options.rendererDir);
  const indexHtml = await readFile(resolve(rendererDir, 'index.html'), 'utf8').catch(() => {
    throw new Error(`The panel is not built: ${resolve(rendererDir, 'index.html')} is missing. Run "npm run build" first.`);
  });
  await stat(options.bridgeScript).catch(() => {
    throw new Error(`The host bridge is not built: ${options.bridgeScript} is missing. Run "npm run build" first.`);
  });
  // Made per launch and carried only by the served page, so only that page can open the contract socket.
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  // Module scripts run in document order once the page is parsed, so the bridge, placed before the
  // panel's own script, defines window.trayside before the panel starts and finds the secret's meta
  // tag in the document. Being a module, it downloads in parallel with the panel instead of
  // blocking the parser, and shares the panel's chunk with zod and the contract.
  const servedIndex = indexHtml.replace(
    '<script',
    `<meta name="${SOCKET_SECRET_META}" content="${secret}" />\n    <script type="module" crossorigin src="${BRIDGE_PATH}"></script>\n    <script`,
  );

  const servedIndexBytes = Buffer.from(servedIndex);
  const staticFiles = createStaticFiles();

  let port = 0;
  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const server = createServer((request, response) => {
    if (!allowedHosts().has(request.headers.host ?? '')) {
      respond(response, 421, 'text/plain; charset=utf-8', 'This address is served only as 127.0.0.1 or localhost.');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      respond(response, 405, 'text/plain; charset=utf-8', 'Only GET is served here.');
      return;
    }
    void serveFile(request, response);
  });

  async function serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const pathname = decodeURIComponentSafe(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    if (pathname === '/' || pathname === '/index.html') {
      // Revalidated on every load: it carries this launch's socket secret.
      const index = {
        key: 'index.html',
        version: 'this launch',
        contentType: CONTENT_TYPES['.html']!,
        cacheControl: 'no-cache',
        load: async () => servedIndexBytes,
      };
      await staticFiles.send(request, response, index, SECURITY_HEADERS);
      return;
    }
    const file =
      pathname === BRIDGE_PATH ? options.bridgeScript : pathname === undefined ? undefined : resolve(rendererDir, `.${pathname}`);
    // Refuse anything that resolves outside the built panel (../ tricks, encoded slashes).
    if (!file || (file !== options.bridgeScript && !file.startsWith(rendererDir + sep))) {
      respond(response, 404, 'text/plain; charset=utf-8', 'Not found.');
      return;
    }
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      respond(response, 404, 'text/plain; charset=utf-8', 'Not found.');
      return;
    }
    const resource = {
      key: file,
      version: `${info.size}:${info.mtimeMs}`,
      contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      cacheControl: pathname === BRIDGE_PATH ? 'no-cache' : cacheControlFor(pathname!),
      load: () => readFile(file),
    };
    await staticFiles.send(request, response, resource, SECURITY_HEADERS);
  }

  const sockets = new WebSocketServer({
    server,
    path: CONTRACT_SOCKET_PATH,
    // ws refuses a larger frame or message itself (close 1009) before buffering it.
    maxPayload: MAX_FRAME_BYTES,
    // Refused here, before the handshake completes: a foreign Host or Origin (403), or no page secret (401).
    verifyClient: (
      { origin, req }: { origin: string; req: IncomingMessage },
      done: (verified: boolean, code?: number, message?: string) => void,
    ) => {
      const host = req.headers.host ?? '';
      if (!allowedHosts().has(host) || origin !== `http://${host}`) done(false, 403, 'Only the Trayside panel served here may connect.');
      else if (!presentsSecret(req.headers['sec-websocket-protocol'], secret)) done(false, 401, 'Reload the Trayside panel to connect.');
      else done(true);
    },
    // The browser fails a handshake that answers none of the offered protocols; never echo the secret.
    handleProtocols: (protocols: Set<string>) => (protocols.has(CONTRACT_SOCKET_PROTOCOL) ? CONTRACT_SOCKET_PROTOCOL : false),
  });
  // Only server-level failures arrive here; without a listener they would end the process.
  sockets.on('error', (error) => {
    // ws repeats the HTTP server's own errors here; a failed listen is reported by the listen below.
    if ((error as NodeJS.ErrnoException).syscall !== 'listen') log(`host: contract socket server: ${error.message}`);
  });

  const send = (socket: WebSocket, frame: ServerFrame): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };

  const answer = async (socket: WebSocket, data: RawData, isBinary: boolean): Promise<void> => {
    if (isBinary) {
      // The bridge sends text only; 1003 tells a client it sent a kind of data this socket never takes.
      socket.close(1003, 'Only text frames are accepted');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(rawText(data));
    } catch {
      log('host: dropped a frame that is not JSON');
      return;
    }
    const frame = ClientFrameSchema.safeParse(raw);
    if (!frame.success) {
      const id = FrameIdSchema.safeParse(raw);
      log(`host: refused a frame that is not a call${id.success ? ` (id ${id.data.id})` : ''}`);
      if (id.success)
        send(socket, { type: 'result', id: id.data.id, envelope: failure('invalid-input', describeZodError('frame', frame.error)) });
      return;
    }
    const envelope = await options.core.dispatch(frame.data.channel, frame.data.input).catch((error: unknown): ResultEnvelope => {
      log(`host: ${JSON.stringify(frame.data.channel)} failed: ${describeError(error)}`);
      return failure('internal', 'The call failed inside Trayside; the details are in the log');
    });
    send(socket, { type: 'result', id: frame.data.id, envelope });
  };

  sockets.on('connection', (socket) => {
    // ws emits a protocol error (bad UTF-8, reserved opcode or RSV bits, unmasked frame, too long)
    // here after it has sent the close frame with the matching code; without a listener the
    // 'error' event would end the whole host, so log it and let that one socket go.
    socket.on('error', (error) => log(`host: closed a contract socket after a bad frame: ${error.message}`));
    socket.on('message', (data, isBinary) => void answer(socket, data, isBinary));
  });

  const eventSubscription = options.core.events.subscribe(({ channel, payload }) => {
    for (const socket of sockets.clients) send(socket, { type: 'event', channel, payload });
  });

  await new Promise<void>((resolvePromise, reject) => {
    const onListenError = (error: NodeJS.ErrnoException): void => {
      // Nothing listens: let go of what was set up, and name a taken port so the host can say it in words.
      eventSubscription.dispose();
      sockets.close();
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port ?? 0, { cause: error }) : error);
    };
    server.once('error', onListenError);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', onListenError);
      resolvePromise();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    async close() {
      eventSubscription.dispose();
      for (const socket of sockets.clients) socket.terminate();
      await new Promise<void>((done) => sockets.close(() => done()));
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** startNodeHost's rejection when the port is taken (EADDRINUSE); host/port-owner.ts says who holds it. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(`port ${port} on 127.0.0.1 is already in use`, options);
    this.name = 'PortInUseError';
  }
}

/** Whether the offered subprotocols include this launch's secret; constant time in the secret's bytes. */
function presentsSecret(header: string | undefined, secret: string): boolean {
  const expected = digest(secret);
  let found = false;
  for (const offered of (header ?? '').split(',')) {
    const value = offered.trim();
    if (!value.startsWith(SOCKET_SECRET_PROTOCOL_PREFIX)) continue;
    // Hashing first gives equal lengths, so timingSafeEqual neither throws nor leaks the length.
    if (timingSafeEqual(digest(value.slice(SOCKET_SECRET_PROTOCOL_PREFIX.length)), expected)) found = true;
  }
  return found;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
}

function failure(code: Extract<ResultEnvelope, { ok: false }>['error']['code'], message: string): ResultEnvelope {
  return { ok: false, error: { code, message } };
}

function respond(response: ServerResponse, status: number, type: string, body: string, cache = 'no-cache'): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': cache });
  response.end(body);
}

function decodeURIComponentSafe(path: string): string | undefined {
  try {
    const decoded = decodeURIComponent(path);
    return decoded.includes('\0') ? undefined : decoded;
  } catch {
    return undefined;
  }
}
