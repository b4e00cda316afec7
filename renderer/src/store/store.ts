import { useStore as useZustandStore } from 'zustand';
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { TraysideBridge, Unsubscribe } from '../../../common/contract/index.js';
import { actionsSlice, type ActionsSlice } from './actions-slice.js';
import { connectionSlice, type ConnectionSlice } from './connection.js';
import { devicesSlice, type DevicesSlice } from './devices.js';
import { diagnosticsSlice, type DiagnosticsSlice } from './diagnostics.js';
import { messagesSlice, type MessagesSlice } from './messages.js';
import { preferencesSlice, type PreferencesSlice } from './preferences.js';
import { settingsSlice, type SettingsSlice } from './settings.js';

/**
 * The panel's state: one zustand store made of feature slices (zustand's slices guide).
 * To add a feature: write store/<feature>.ts exporting a `SliceDefinition`, then add it to
 * `StoreState` and to `slices` just below — nothing else changes.
 */
export type StoreState = ConnectionSlice &
  DevicesSlice &
  SettingsSlice &
  MessagesSlice &
  ActionsSlice &
  DiagnosticsSlice &
  PreferencesSlice;
const slices = [connectionSlice, devicesSlice, settingsSlice, messagesSlice, actionsSlice, diagnosticsSlice, preferencesSlice] as const;

/** A slice's state creator; it may read the whole store with `get` but sets only its own fields. */
export type SliceCreator<T> = StateCreator<StoreState, [], [], T>;

/** One feature of the store: its state and actions, plus how it follows the app while the panel is open. */
export interface SliceDefinition<T> {
  create: SliceCreator<T>;
  /** Subscribes to the feature's events; the returned function unsubscribes. */
  follow?: (bridge: TraysideBridge, store: StoreApi<StoreState>) => Unsubscribe;
  /** Fetches the feature's state; runs whenever the core becomes reachable, because events sent while it was away are lost. */
  load?: (store: StoreApi<StoreState>) => Promise<void>;
}

/** The store itself: actions and tests use it directly; components go through `useStore`. */
export const store: StoreApi<StoreState> = createStore<StoreState>()(
  (...args) => Object.assign({}, ...slices.map((slice) => (slice.create as SliceCreator<object>)(...args))) as StoreState,
);

/** Reads the store in a component with a selector (`useStore(selectDevices)`), never whole. */
export function useStore<T>(selector: (state: StoreState) => T): T {
  return useZustandStore(store, selector);
}

/** Puts the store back to its first state; tests call it between cases. */
export function resetStore(): void {
  store.setState(store.getInitialState(), true);
}

/**
 * Feeds the store from the bridge while the panel is open: every slice's events, and a reload of
 * every slice each time the connection comes (back) up. Returns the function that stops it all.
 */
export function followApp(bridge: TraysideBridge): Unsubscribe {
  const stops = slices.flatMap((slice) => (slice.follow ? [slice.follow(bridge, store)] : []));
  const stopConnection = bridge.connection.onChanged((state) => {
    const wasConnected = store.getState().connection === 'connected';
    store.getState().setConnection(state);
    if (state === 'connected' && !wasConnected) {
      for (const slice of slices) void slice.load?.(store);
    }
  });
  return () => {
    stopConnection();
    for (const stop of stops) stop();
  };
}
