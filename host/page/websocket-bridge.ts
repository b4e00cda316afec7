// The Node host's bridge: a module script the host injects before the panel's own (module scripts
// run in document order), so the panel finds the same `window.trayside` as under Electron and
// cannot tell the hosts apart. Built with the panel, it shares the panel's chunk of zod and schemas.
import { contract } from '../../common/contract/index.js';
import { z } from 'zod';
import {
  CONTRACT_SOCKET_PATH,
  CONTRACT_SOCKET_PROTOCOL,
  SOCKET_SECRET_META,
  SOCKET_SECRET_PROTOCOL_PREFIX,
  ServerFrameSchema,
  type ClientFrame,
} from '../../common/contract/wire.js';
import type { ResultEnvelope } from '../../common/contract/define.js';
import { createClientApi, type ConnectionState } from '../../common/contract/client.js';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 5_000;
/** A call that gets no answer in this time fails instead of leaving the panel spinning. */
const CALL_TIMEOUT_MS = 15_000;
/** Asking the host for its page again must not hold up a reconnect for long. */
const PAGE_FETCH_TIMEOUT_MS = 3_000;
/** The host's secret is base64url; anything else in the meta tag is not one. */
const SecretSchema = z.string().regex(/^[A-Za-z0-9_-]{22,128}$/);

const unavailable = (message: string): ResultEnvelope => ({ ok: false, error: { code: 'unavailable', message } });

let socket: WebSocket | undefined;
let state: ConnectionState = 'connecting';
let nextId = 1;
let reconnectDelay = RECONNECT_MIN_MS;
let secret = readSecret(document);
const pending = new Map<number, (envelope: ResultEnvelope) => void>();
const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
const stateListeners = new Set<(state: ConnectionState) => void>();

function setState(next: ConnectionState): void {
  if (state === next) return;
  state = next;
  for (const listener of [...stateListeners]) listener(next);
}

/** The per-launch secret the host put into the page it served; the socket is refused without it. */
function readSecret(page: Document): string {
  const parsed = SecretSchema.safeParse(page.querySelector(`meta[name="${SOCKET_SECRET_META}"]`)?.getAttribute('content'));
  return parsed.success ? parsed.data : '';
}

/**
 * A host that restarted has a new secret, so before each reconnect ask it for the page again
 * (same origin, never cached); while it is down, keep the secret we have.
 */
async function refreshSecret(): Promise<void> {
  try {
    const response = await fetch('/', { cache: 'no-store', signal: AbortSignal.timeout(PAGE_FETCH_TIMEOUT_MS) });
    if (!response.ok) return;
    const fresh = readSecret(new DOMParser().parseFromString(await response.text(), 'text/html'));
    if (fresh) secret = fresh;
  } catch {
    // Unreachable or slow: the next attempt tries again.
  }
}

function connect(): void {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // The secret travels as a subprotocol: a page may set that header, and it stays out of URLs and logs.
  const ws = new WebSocket(`${protocol}//${location.host}${CONTRACT_SOCKET_PATH}`, [
    CONTRACT_SOCKET_PROTOCOL,
    `${SOCKET_SECRET_PROTOCOL_PREFIX}${secret}`,
  ]);
  socket = ws;
  ws.addEventListener('open', () => {
    reconnectDelay = RECONNECT_MIN_MS;
    setState('connected');
  });
  ws.addEventListener('message', (message) => {
    let raw: unknown;
    try {
      raw = JSON.parse(String(message.data));
    } catch {
      return;
    }
    const frame = ServerFrameSchema.safeParse(raw);
    if (!frame.success) return;
    if (frame.data.type === 'result') {
      pending.get(frame.data.id)?.(frame.data.envelope);
      pending.delete(frame.data.id);
    } else {
      for (const listener of [...(eventListeners.get(frame.data.channel) ?? [])]) listener(frame.data.payload);
    }
  });
  ws.addEventListener('close', () => {
    socket = undefined;
    for (const resolve of pending.values()) resolve(unavailable('Lost the connection to Trayside; retrying'));
    pending.clear();
    setState('disconnected');
    setTimeout(() => void refreshSecret().then(connect), reconnectDelay);
    reconnectDelay = Math.min(RECONNECT_MAX_MS, reconnectDelay * 2);
  });
}

const api = createClientApi(contract, {
  invoke(channel, input) {
    return new Promise((resolve) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        resolve(unavailable('Trayside is not reachable right now'));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(unavailable('Trayside did not answer in time'));
      }, CALL_TIMEOUT_MS);
      pending.set(id, (envelope) => {
        clearTimeout(timer);
        resolve(envelope);
      });
      const frame: ClientFrame = { type: 'call', id, channel, input };
      socket.send(JSON.stringify(frame));
    });
  },
  subscribe(channel, listener) {
    let listeners = eventListeners.get(channel);
    if (!listeners) eventListeners.set(channel, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  onConnectionChanged(listener) {
    stateListeners.add(listener);
    queueMicrotask(() => listener(state));
    return () => {
      stateListeners.delete(listener);
    };
  },
});

Object.defineProperty(window, 'trayside', { value: Object.freeze(api), writable: false, configurable: false });
connect();
