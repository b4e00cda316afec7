import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientFrameSchema, CONTRACT_SOCKET_PATH, type ServerFrame } from '../../common/contract/wire.js';
import type { Core } from '../core/core.js';

/** Where the built panel and the bridge script are, and where to listen. */
export interface NodeHostOptions {
  core: Core;
  /** Built renderer (out/renderer). */
  rendererDir: string;
  /** Built WebSocket bridge (out/host-bridge/trayside-bridge.js). */
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

const BRIDGE_PATH = '/trayside-bridge.js';
/** One call's input is small; a megabyte is far beyond any legitimate frame. */
const MAX_FRAME_BYTES = 1024 * 1024;

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
 * owner's browser cannot reach the core by DNS rebinding or a cross-site WebSocket.
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
  // Classic scripts run before module scripts, so window.trayside exists when the panel starts.
  const servedIndex = indexHtml.replace('<script', `<script src="${BRIDGE_PATH}"></script>\n    <script`);

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
      respond(response, 200, CONTENT_TYPES['.html']!, servedIndex, 'no-store');
      return;
    }
    const file = pathname === BRIDGE_PATH ? options.bridgeScript : pathname === undefined ? undefined : resolve(rendererDir, `.${pathname}`);
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
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': 'no-cache',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  }

  const sockets = new WebSocketServer({
    server,
    path: CONTRACT_SOCKET_PATH,
    maxPayload: MAX_FRAME_BYTES,
    verifyClient: ({ origin, req }: { origin: string; req: IncomingMessage }) => {
      const host = req.headers.host ?? '';
      return allowedHosts().has(host) && (origin === `http://${host}`);
    },
  });

  const send = (socket: WebSocket, frame: ServerFrame): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };

  sockets.on('connection', (socket) => {
    socket.on('message', (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        log('host: dropped a frame that is not JSON');
        return;
      }
      const frame = ClientFrameSchema.safeParse(raw);
      if (!frame.success) {
        log('host: dropped a frame that is not a call');
        return;
      }
      void options.core.dispatch(frame.data.channel, frame.data.input).then((envelope) => send(socket, { type: 'result', id: frame.data.id, envelope }));
    });
  });

  const eventSubscription = options.core.events.subscribe(({ channel, payload }) => {
    for (const socket of sockets.clients) send(socket, { type: 'event', channel, payload });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
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
