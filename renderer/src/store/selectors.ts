import { useMemo } from 'react';
import type { DeviceSnapshot } from '../../../common/device.js';
import { useStore, type StoreState } from './store.js';

/** Which main view the panel shows. */
export type PanelView = 'starting' | 'unreachable' | 'loading' | 'failed' | 'empty' | 'devices';

/**
 * Picks the panel's main view. Once devices were shown, a dropped connection keeps them on
 * screen under a banner (`selectUnreachable`) instead of blanking the panel.
 */
export function selectPanelView(state: StoreState): PanelView {
  const shown = state.devicesStatus === 'ready';
  if (state.connection === 'disconnected' && !shown) return 'unreachable';
  if (state.connection === 'connecting' && !shown) return state.everConnected ? 'unreachable' : 'starting';
  if (state.devicesStatus === 'failed') return 'failed';
  if (!shown) return 'loading';
  return state.devices.length === 0 ? 'empty' : 'devices';
}

/** True while the core cannot be reached (the bridge retries on its own). */
export function selectUnreachable(state: StoreState): boolean {
  return state.connection === 'disconnected' || (state.connection === 'connecting' && state.everConnected);
}

/** The attached devices. */
export const selectDevices = (state: StoreState): DeviceSnapshot[] => state.devices;

/** The hosts a message or guide may link to, without the store's while reorder buttons and store links are off. */
export function linkHostsFor(allowed: readonly string[], storeLinks: boolean, storeHosts: readonly string[]): readonly string[] {
  return storeLinks ? allowed : allowed.filter((host) => !storeHosts.includes(host));
}

/** `linkHostsFor` the panel's state, stable between renders while nothing it reads changes. */
export function useLinkHosts(): readonly string[] {
  const allowed = useStore((state) => state.inbox.allowedLinkHosts);
  const storeLinks = useStore((state) => state.cart.storeLinks);
  const storeHosts = useStore((state) => state.cart.storeHosts);
  return useMemo(() => linkHostsFor(allowed, storeLinks, storeHosts), [allowed, storeLinks, storeHosts]);
}
