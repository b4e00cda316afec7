// The Electron preload: runs sandboxed, with context isolation, and hands the panel one function
// per contract call instead of ipcRenderer itself (Electron's context-isolation guide).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { contract } from '../common/contract/index.js';
import { createClientApi } from '../common/contract/client.js';

const api = createClientApi(contract, {
  invoke: (channel, input) => ipcRenderer.invoke(channel, input),
  subscribe(channel, listener) {
    const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
  onConnectionChanged(listener) {
    // The core lives in the main process: if the panel runs, the core is there.
    queueMicrotask(() => listener('connected'));
    return () => undefined;
  },
});

contextBridge.exposeInMainWorld('trayside', api);
