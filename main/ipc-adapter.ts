// The Electron side of the contract: the only file that touches ipcMain. Every call goes through
// core.dispatch (which parses the input with the contract's schema) after the sender is checked.
import type { IpcMain } from 'electron';
import { channelName, listEndpoints, type ContractSpec, type ResultEnvelope } from '../common/contract/define.js';
import type { Disposable } from '../common/lifecycle.js';
import type { Dispatch } from '../core/contract/dispatcher.js';
import type { ContractEvent } from '../core/contract/event-hub.js';
import { isAppUrl, isTrustedSender, type AppOrigin, type SenderFrame } from './security.js';

/** The part of ipcMain this adapter uses; tests pass a fake. */
export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;

/** Where events go: the panel window's webContents, while it exists. */
export interface EventTarget {
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
  getURL(): string;
}

/** What the adapter needs from the core. */
export interface IpcAdapterOptions {
  ipcMain: IpcMainLike;
  contract: ContractSpec;
  dispatch: Dispatch;
  subscribe(listener: (event: ContractEvent) => void): Disposable;
  origin: AppOrigin;
  /** The panel's webContents, or undefined while no panel exists. */
  target(): EventTarget | undefined;
  log: (message: string) => void;
}

/** Electron's ipcMain, loaded lazily so this module stays importable (and tested) under plain Node. */
export async function electronIpcMain(): Promise<IpcMainLike> {
  return (await import('electron')).ipcMain;
}

const FORBIDDEN: ResultEnvelope = {
  ok: false,
  error: { code: 'forbidden', message: 'This call came from a page that is not the Trayside panel, so it was refused' },
};

/** Registers one handler per call of the contract and forwards the core's events to the panel. */
export function registerIpcAdapter(options: IpcAdapterOptions): Disposable {
  const channels: string[] = [];
  for (const { feature, name, spec } of listEndpoints(options.contract)) {
    if (spec.kind !== 'call') continue;
    const channel = channelName(feature, name);
    channels.push(channel);
    options.ipcMain.handle(channel, async (event, input: unknown) => {
      const frame = (event as { senderFrame?: SenderFrame | null }).senderFrame;
      if (!isTrustedSender(frame, options.origin)) {
        options.log(`ipc: refused ${channel} from ${frame ? String(frame.url).slice(0, 200) : 'a frame that is gone'}`);
        return FORBIDDEN;
      }
      return options.dispatch(channel, input);
    });
  }

  const subscription = options.subscribe(({ channel, payload }) => {
    const target = options.target();
    // A panel that is gone or somehow shows another page gets nothing.
    if (!target || target.isDestroyed() || !isAppUrl(target.getURL(), options.origin)) return;
    target.send(channel, payload);
  });

  return {
    dispose() {
      subscription.dispose();
      for (const channel of channels) options.ipcMain.removeHandler(channel);
    },
  };
}
