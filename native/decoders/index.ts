// The decoder library: pure functions from device bytes and strings to the project's
// model. No node:* imports here, so the same code runs in any process and in tests without I/O.
export * from './decoded.js';
export * from './ieee1284.js';
export * from './port-status.js';
export * from './pjl.js';
export * from './hid-descriptor.js';
export * from './hid-descriptor-writer.js';
export * from './hid-usages.js';
export * from './hid-report.js';
export * from './hid-power.js';
export * from './ipp-supplies.js';
