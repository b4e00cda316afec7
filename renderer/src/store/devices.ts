import type { DeviceSnapshot } from '../../../common/device.js';
import { bridge, describeFailure } from './bridge.js';
import type { SliceDefinition } from './store.js';

/** Attached devices as the core last described them. */
export interface DevicesSlice {
  devices: DeviceSnapshot[];
  /** `idle` before the first load; `ready` once a list (or an event) arrived; `failed` when the list could not be fetched. */
  devicesStatus: 'idle' | 'loading' | 'ready' | 'failed';
  devicesError: string | null;
  /** Device ids with a "check now" read in flight. */
  refreshingIds: string[];
  loadDevices(): Promise<void>;
  /** Reads one device now; the new state arrives through `devices.onChanged`. */
  refreshDevice(deviceId: string): Promise<void>;
  /** Takes a list pushed by the core. */
  receiveDevices(devices: DeviceSnapshot[]): void;
}

/** The devices slice. */
export const devicesSlice: SliceDefinition<DevicesSlice> = {
  create: (set, get) => {
    // Counts pushed lists, so a `list()` answer overtaken by an event does not put the older list back on screen.
    let received = 0;
    return {
      devices: [],
      devicesStatus: 'idle',
      devicesError: null,
      refreshingIds: [],
      async loadDevices() {
        const before = received;
        set((state) => ({ devicesStatus: state.devicesStatus === 'ready' ? 'ready' : 'loading' }));
        try {
          const devices = await bridge().devices.list();
          if (received !== before) return;
          set({ devices, devicesStatus: 'ready', devicesError: null });
        } catch (error) {
          if (received !== before) return;
          // Keep the last list on screen (with the error) rather than blanking it.
          set({ devicesStatus: get().devicesStatus === 'ready' ? 'ready' : 'failed', devicesError: describeFailure(error) });
        }
      },
      async refreshDevice(deviceId) {
        if (get().refreshingIds.includes(deviceId)) return;
        set((state) => ({ refreshingIds: [...state.refreshingIds, deviceId] }));
        try {
          await bridge().devices.refresh({ deviceId });
          set({ devicesError: null });
        } catch (error) {
          set({ devicesError: describeFailure(error) });
        } finally {
          set((state) => ({ refreshingIds: state.refreshingIds.filter((id) => id !== deviceId) }));
        }
      },
      receiveDevices(devices) {
        received += 1;
        set({ devices, devicesStatus: 'ready', devicesError: null });
      },
    };
  },
  follow: (api, store) => api.devices.onChanged((devices) => store.getState().receiveDevices(devices)),
  load: (store) => store.getState().loadDevices(),
};
