import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contract } from '../common/contract/index.js';
import { call, channelName, event, listEndpoints, type ResultEnvelope } from '../common/contract/define.js';
import { Emitter } from '../common/lifecycle.js';
import { createDispatcher } from '../core/contract/dispatcher.js';
import type { ContractEvent } from '../core/contract/event-hub.js';
import { registerIpcAdapter, type EventTarget, type IpcMainLike } from './ipc-adapter.js';

const RENDERER = '/app/out/renderer/index.html';
const ORIGIN = { rendererFile: RENDERER, platform: 'linux' };
const APP_URL = pathToFileURL(RENDERER).href;

/** A small contract with a call that changes state, so "changes nothing" can be checked. */
const testContract = {
  notes: {
    add: call({ input: z.object({ text: z.string().min(1).max(20) }).strict(), output: z.number(), summary: 'Adds a note.' }),
    count: call({ input: z.void(), output: z.number(), summary: 'How many notes.' }),
    onAdded: event({ payload: z.string(), summary: 'A note was added.' }),
  },
};

type Handler = (event: unknown, input: unknown) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMainLike;
  /** Calls a channel as the renderer would, from the given frame. */
  const invoke = (channel: string, input: unknown, frame: { url: string; parent: unknown } | null = { url: APP_URL, parent: null }) =>
    handlers.get(channel)!({ senderFrame: frame }, input) as Promise<ResultEnvelope>;
  return { ipcMain, handlers, invoke };
}

function setup() {
  const notes: string[] = [];
  const events = new Emitter<ContractEvent>();
  const dispatch = createDispatcher(testContract, {
    notes: {
      add: async ({ text }: { text: string }) => notes.push(text),
      count: async () => notes.length,
    },
  });
  const sent: Array<[string, unknown]> = [];
  let target: EventTarget | undefined = {
    send: (channel, payload) => sent.push([channel, payload]),
    isDestroyed: () => false,
    getURL: () => APP_URL,
  };
  const log: string[] = [];
  const ipc = fakeIpcMain();
  const adapter = registerIpcAdapter({
    ipcMain: ipc.ipcMain,
    contract: testContract,
    dispatch,
    subscribe: (listener) => events.on(listener),
    origin: ORIGIN,
    target: () => target,
    log: (message) => log.push(message),
  });
  return { ...ipc, notes, events, sent, log, adapter, setTarget: (next: EventTarget | undefined) => (target = next) };
}

describe('IPC adapter', () => {
  it('registers a handler for every call of the real contract, and only calls', () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpcAdapter({
      ipcMain,
      contract,
      dispatch: async () => ({ ok: true, value: null }),
      subscribe: () => ({ dispose: () => undefined }),
      origin: ORIGIN,
      target: () => undefined,
      log: () => undefined,
    });
    const calls = listEndpoints(contract)
      .filter((endpoint) => endpoint.spec.kind === 'call')
      .map(({ feature, name }) => channelName(feature, name));
    expect([...handlers.keys()].sort()).toEqual(calls.sort());
  });

  it('answers a call from the panel through the dispatcher', async () => {
    const { invoke, notes } = setup();
    expect(await invoke('trayside:notes.add', { text: 'hello' })).toEqual({ ok: true, value: 1 });
    expect(notes).toEqual(['hello']);
  });

  it('refuses calls from a foreign page, an iframe or a vanished frame, and changes nothing', async () => {
    const { invoke, notes, log } = setup();
    for (const frame of [
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///tmp/evil.html', parent: null },
      { url: APP_URL, parent: { url: APP_URL } },
      null,
    ]) {
      expect(await invoke('trayside:notes.add', { text: 'pwned' }, frame)).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'This call came from a page that is not the Trayside panel, so it was refused' },
      });
    }
    expect(notes).toEqual([]);
    expect(log[0]).toBe('ipc: refused trayside:notes.add from https://evil.example/');
  });

  it('passes bad input to the dispatcher, which refuses it by name and changes nothing', async () => {
    const { invoke, notes } = setup();
    for (const input of [undefined, null, { text: '' }, { text: 'x'.repeat(21) }, { text: 'ok', extra: 1 }, 'text']) {
      const envelope = await invoke('trayside:notes.add', input);
      expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      if (!envelope.ok) expect(envelope.error.message).toMatch(/^notes\.add: /);
    }
    expect(await invoke('trayside:notes.count', { sneaky: true })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(notes).toEqual([]);
  });

  it('forwards core events to the panel, and to nothing when the panel is gone or shows another page', () => {
    const { events, sent, setTarget } = setup();
    events.fire({ channel: 'trayside:notes.onAdded', payload: 'hello' });
    expect(sent).toEqual([['trayside:notes.onAdded', 'hello']]);
    setTarget({ send: () => sent.push(['destroyed', null]), isDestroyed: () => true, getURL: () => APP_URL });
    events.fire({ channel: 'trayside:notes.onAdded', payload: 'lost' });
    setTarget({ send: () => sent.push(['foreign', null]), isDestroyed: () => false, getURL: () => 'https://evil.example/' });
    events.fire({ channel: 'trayside:notes.onAdded', payload: 'leak' });
    setTarget(undefined);
    events.fire({ channel: 'trayside:notes.onAdded', payload: 'nobody' });
    expect(sent).toHaveLength(1);
  });

  it('removes its handlers and its event subscription when disposed', () => {
    const { adapter, handlers, events } = setup();
    expect(handlers.size).toBe(2);
    expect(events.size).toBe(1);
    adapter.dispose();
    expect(handlers.size).toBe(0);
    expect(events.size).toBe(0);
  });
});
