import { z } from 'zod';
import { DeviceSnapshotSchema } from '../device.js';
import { call, event } from './define.js';

/** Attached devices and their live state. */
export const devicesFeature = {
  list: call({ input: z.void(), output: z.array(DeviceSnapshotSchema), summary: 'Every device the monitor knows, newest state.' }),
  refresh: call({
    input: z.object({ deviceId: z.string().min(1).max(200) }).strict(),
    output: z.void(),
    summary: 'Reads one device now instead of waiting for the next poll.',
  }),
  onChanged: event({ payload: z.array(DeviceSnapshotSchema), summary: 'The device list or any device state changed.' }),
};
