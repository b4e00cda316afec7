import type { HidDescriptorSummary } from '../../common/device.js';
import type { HidField } from './hid-descriptor.js';
import { HID_USAGE } from './hid-usages.js';

/** A usage list longer than this is a broken or hostile descriptor; the bundle keeps the first ones. */
const MAX_USAGES = 256;

const NAMES = new Map<number, string>(Object.entries(HID_USAGE).map(([name, usage]) => [usage, name]));

const hex = (value: number): string => `0x${value.toString(16).padStart(4, '0')}`;

/** `batteryRemainingCapacity` for a usage this project reads, else `0x0085:0x0066`. */
export function hidUsageName(usage: number): string {
  return NAMES.get(usage) ?? `${hex(usage >>> 16)}:${hex(usage & 0xffff)}`;
}

/** The descriptor's fields in brief: the application collection, the report counts and the usages named. */
export function summarizeHidFields(fields: readonly HidField[]): HidDescriptorSummary {
  const reports = { input: new Set<number>(), output: new Set<number>(), feature: new Set<number>() };
  const usages = new Set<string>();
  for (const field of fields) {
    reports[field.reportType].add(field.reportId);
    if (usages.size < MAX_USAGES && field.usage !== 0) usages.add(hidUsageName(field.usage));
  }
  const application = fields.find((field) => field.path.length > 1)?.path[0];
  return {
    ...(application === undefined ? {} : { usagePage: application >>> 16, usage: application & 0xffff }),
    reports: { input: reports.input.size, output: reports.output.size, feature: reports.feature.size },
    usages: [...usages],
  };
}
