// Wire tables of HID devices, apart from the parsing (hid-descriptor.ts) and mapping (hid-power.ts)
// logic: what each usage number a device's report descriptor names means.

/** Usage pages and ids this project reads; numbers from the HID Usage Tables and Power Device Class 1.1 (NUT `drivers/hidtypes.h`). */
export const HID_USAGE = {
  genericDeviceBatteryStrength: 0x0006_0020,
  powerPresentStatus: 0x0084_0002,
  powerUps: 0x0084_0004,
  powerBattery: 0x0084_0012,
  powerSummary: 0x0084_0024,
  powerShutdownImminent: 0x0084_0069,
  batteryRemainingCapacityLimit: 0x0085_0029,
  batteryCapacityMode: 0x0085_002c,
  batteryBelowRemainingCapacityLimit: 0x0085_0042,
  batteryCharging: 0x0085_0044,
  batteryDischarging: 0x0085_0045,
  batteryNeedReplacement: 0x0085_004b,
  batteryRemainingCapacity: 0x0085_0066,
  batteryFullChargeCapacity: 0x0085_0067,
  batteryRunTimeToEmpty: 0x0085_0068,
  batteryWarningCapacityLimit: 0x0085_008c,
  batteryAcPresent: 0x0085_00d0,
} as const;

/** HID Battery System CapacityMode values (Power Device Class 1.1 §4.2): 0 mAh, 1 mWh, 2 percent, 3 boolean only. */
export const CAPACITY_MODE = { milliampHours: 0, milliwattHours: 1, percent: 2, booleanOnly: 3 } as const;
