import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { classifySupply } from '../../common/supply.js';
import type { DeviceSession, DeviceSource } from '../transport.js';
import { collectDevices, formatReport, parseVendorId } from './devices-report.js';

const run = promisify(execFile);

function source(sessions: DeviceSession[]): DeviceSource {
  return { name: 'fake', list: async () => sessions, watch: () => ({ dispose: () => undefined }) };
}

describe('devices report', () => {
  it('reads every device, and shows one that does not answer as unreachable with the reason', async () => {
    const closed: string[] = [];
    const ok: DeviceSession = {
      id: 'hid:1209:7702:sn-A',
      transport: 'hid',
      read: async () => ({
        identity: { manufacturer: 'ACME', model: 'UPS 1500', serial: 'A', vendorId: 0x1209, productId: 0x7702, commandSet: [] },
        conditions: [{ code: 'on-battery', severity: 'warning', message: 'Running on battery: mains power is off' }],
        supplies: [classifySupply({ id: 'battery', name: 'Battery', kind: 'battery', role: 'consumable', level: { kind: 'percent', percent: 8 }, lowThreshold: 10 })],
        facts: { 'Runtime left': '12 min' },
      }),
      close: async () => void closed.push('ok'),
    };
    const dead: DeviceSession = {
      id: 'usb-printer:04b8:0001:sn-B:if0',
      transport: 'usb-printer',
      read: async () => {
        throw new Error('Reading the IEEE 1284 Device ID: no answer within 2000 ms');
      },
      close: async () => void closed.push('dead'),
    };
    const devices = await collectDevices([source([ok, dead])], 1000);
    expect(devices.map((d) => [d.id, d.state])).toEqual([
      ['hid:1209:7702:sn-A', 'attention'],
      ['usb-printer:04b8:0001:sn-B:if0', 'unreachable'],
    ]);
    expect(closed).toEqual(['ok', 'dead']);
    const text = formatReport({ devices, problems: [] });
    expect(text).toContain('ACME UPS 1500  [hid]');
    expect(text).toContain('Supply:   Battery: 8 % LOW');
    expect(text).toContain('Runtime left: 12 min');
    expect(text).toContain('Error:    Reading the IEEE 1284 Device ID: no answer within 2000 ms');
  });

  it('an empty list says why', () => {
    expect(formatReport({ devices: [], problems: ['usb-printer: no USB bus on this machine'] })).toBe(
      'No devices found.\n\nWhy:\n  - usb-printer: no USB bus on this machine\n',
    );
  });

  it('parses vendor ids as hex with 0x or decimal, and nothing else', () => {
    expect(parseVendorId('0x04b8')).toBe(0x04b8);
    expect(parseVendorId('1208')).toBe(1208);
    for (const bad of ['04b8', '0x', '0x12345', '65536', '-1', ' 1', 'epson']) expect(parseVendorId(bad)).toBeUndefined();
  });
});

describe('npm run devices on this host', () => {
  it('exits 0 and says no devices were found, and why', async () => {
    const { stdout } = await run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'native/cli/devices.ts', '--json'], { timeout: 60_000 });
    const report = JSON.parse(stdout) as { devices: unknown[]; problems: string[] };
    if (existsSync('/sys/bus/usb/devices')) {
      console.log('this machine has a USB bus: only the exit code and the JSON shape are checked');
      expect(Array.isArray(report.devices)).toBe(true);
    } else {
      expect(report.devices).toEqual([]);
      expect(report.problems[0]).toMatch(/^usb-printer: no USB bus on this machine/);
    }
  });

  it('rejects a bad option with exit code 2 and the usage', async () => {
    const failed = run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'native/cli/devices.ts', '--vendor', 'epson'], { timeout: 60_000 });
    await expect(failed).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--vendor "epson" is not a USB vendor id') });
  });
});
