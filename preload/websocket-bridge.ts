// The Node host's bridge: a classic script the host injects before the panel's own code, so the
// panel finds the same `window.trayside` as under Electron and cannot tell the hosts apart.
import { contract } from '../common/contract/index.js';
import { CONTRACT_SOCKET_PATH, ServerFrameSchema, type ClientFrame } from '../common/contract/wire.js';
import type { ResultEnvelope } from '../common/contract/define.js';
import { createClientApi, type ConnectionState } from './create-api.js';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 5_000;
/** A call that gets no answer in this time fails instead of leaving the panel spinning. */
const CALL_TIMEOUT_MS = 15_000;

const unavailable = (message: string): ResultEnvelope => ({ ok: false, error: { code: 'unavailable', message } });

let socket: WebSocket | undefined;
let state: ConnectionState = 'connecting';
let nextId = 1;
let reconnectDelay = RECONNECT_MIN_MS;
const pending = new Map<number, (envelope: ResultEnvelope) => void>();
const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
const stateListeners = new Set<(state: ConnectionState) => void>();

function setState(next: ConnectionState): void {
  if (state === next) return;
  state = next;
  for (const listener of [...stateListeners]) listener(next);
}

function connect(): void {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${protocol}//${location.host}${CONTRACT_SOCKET_PATH}`);
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
    setTimeout(connect, reconnectDelay);
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
