import { actionsFeature } from './actions.js';
import { appFeature } from './app.js';
import { devicesFeature } from './devices.js';
import { diagnosticsFeature } from './diagnostics.js';
import { messagesFeature } from './messages.js';
import { preferencesFeature } from './preferences.js';
import { privacyFeature } from './privacy.js';
import type { ConnectionApi } from './connection.js';
import type { ClientApi, Handlers } from './define.js';
import { settingsFeature } from './settings.js';

/**
 * The one contract between the panel and the app. Each feature file declares its calls and
 * events once; preload, the IPC handlers and the Node host's WebSocket bridge are generated
 * from this object. Add a feature by adding one line here.
 */
export const contract = {
  actions: actionsFeature,
  app: appFeature,
  devices: devicesFeature,
  diagnostics: diagnosticsFeature,
  messages: messagesFeature,
  preferences: preferencesFeature,
  privacy: privacyFeature,
  settings: settingsFeature,
} as const;

/** The contract's type. */
export type Contract = typeof contract;

/** `window.trayside`. */
export type TraysideApi = ClientApi<Contract>;

/** Everything the panel finds on `window.trayside`: the contract plus the bridge's connection state. */
export type TraysideBridge = TraysideApi & ConnectionApi;

/** What the core implements. */
export type TraysideHandlers = Handlers<Contract>;

export * from './define.js';
export type { ConnectionApi, ConnectionState } from './connection.js';
