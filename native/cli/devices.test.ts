import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { classifySupply } from '../../common/supply.js';
import type { DeviceSession, DeviceSource } from '../transport.js';
import { buildReport, collectDevices, formatReport, parseVendorId, type DeviceReport } from './devices-report.js';

const ENVIRONMENT = { appVersion: '1.2.3', os: { platform: 'linux', release: '6.1.0-18-amd64', arch: 'x64' }, node: 'v20.20.0' };
const NOW = new Date('2026-06-01T10:00:00.000Z');
const report = (devices: DeviceReport[], problems: string[], demo = false) =>
  buildReport({ devices, problems, environment: ENVIRONMENT, now: NOW, demo });

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
        supplies: [
          classifySupply({
            id: 'battery',
            name: 'Battery',
            kind: 'battery',
            role: 'consumable',
            level: { kind: 'percent', percent: 8 },
            lowThreshold: 10,
          }),
        ],
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
    const text = formatReport(report(devices, []));
    expect(text).toContain('ACME UPS 1500  [hid]');
    expect(text).toContain('Supply:   Battery: 8 % LOW');
    expect(text).toContain('Runtime left: 12 min');
    expect(text).toContain('Error:    Reading the IEEE 1284 Device ID: no answer within 2000 ms');
  });

  it('an empty list says why, what to try (--ipp, the demo printer) and where and when it was made', () => {
    expect(
      formatReport(report([], ['usb-printer: no USB bus on this machine (getDevices error: /sys/bus/usb/devices/ not found (errno 2))'])),
    ).toBe(
      [
        'No devices found.',
        '',
        'Why:',
        '  - usb-printer: no USB bus on this machine (getDevices error: /sys/bus/usb/devices/ not found (no such file or folder))',
        '',
        'What to try:',
        '  - A network printer, or one the system holds (IPP over USB, CUPS): npm run devices -- --ipp ipp://printer.local/ipp/print',
        '  - Printers on your network, with the address to give --ipp: npm run devices -- --network (it asks the network by DNS-SD for 3 s)',
        '  - To see what Trayside shows without a device: npm run devices -- --demo, or npm start (it shows the simulated demo printer)',
        '',
        'Trayside 1.2.3 on linux 6.1.0-18-amd64 (x64), Node v20.20.0, 2026-06-01T10:00:00.000Z',
        'For support: npm run devices -- --json',
        '',
      ].join('\n'),
    );
  });

  it('no bare errno anywhere; permission denied says sudo or a udev rule, with the rule', () => {
    const denied: DeviceReport = {
      id: 'usb-printer:04b8:0001:sn-C:if0',
      source: 'usb',
      transport: 'usb-printer',
      state: 'unreachable',
      statusLine: 'Not responding',
      conditions: [],
      supplies: [],
      facts: {},
      error: 'LIBUSB_ERROR_ACCESS (errno 13)',
    };
    const built = report([denied], ['usb-printer: no permission to read the USB bus (errno 13)']);
    const text = formatReport(built);
    expect(text).not.toMatch(/errno \d/);
    expect(text).toContain('Error:    LIBUSB_ERROR_ACCESS (permission denied)');
    expect(built.hints[0]).toMatch(
      /^Permission denied: run it once with sudo to check, or add a udev rule .*\/etc\/udev\/rules\.d\/.*SUBSYSTEM=="usb", ATTRS\{idVendor\}=="04b8", TAG\+="uaccess"/,
    );
    // A device was found: no "nothing found" suggestions.
    expect(built.hints).toHaveLength(1);
  });

  it('with --network it lists the printers DNS-SD found, each with the address to give --ipp, or says none answered', () => {
    const found = buildReport({
      devices: [],
      problems: [],
      environment: ENVIRONMENT,
      now: NOW,
      demo: false,
      network: [{ name: 'Office', model: 'ACME Laser 5', uri: 'ipps://192.168.1.20:631/ipp/print' }],
    });
    expect(found.networkPrinters).toEqual([{ name: 'Office', model: 'ACME Laser 5', uri: 'ipps://192.168.1.20:631/ipp/print' }]);
    expect(found.hints.some((hint) => hint.includes('--network'))).toBe(false);
    expect(formatReport(found)).toContain(
      'Printers on the network (read one with --ipp URI):\n  Office (ACME Laser 5): ipps://192.168.1.20:631/ipp/print\n',
    );
    expect(
      formatReport(buildReport({ devices: [], problems: [], environment: ENVIRONMENT, now: NOW, demo: false, network: [] })),
    ).toContain('No printer answered on the network (DNS-SD, _ipp._tcp and _ipps._tcp, 3 s).');
  });

  it('with --demo the demo suggestion is left out', () => {
    expect(report([], [], true).hints).toEqual([
      expect.stringContaining('--ipp ipp://printer.local/ipp/print'),
      expect.stringContaining('--network'),
    ]);
  });

  it('parses vendor ids as hex with 0x or decimal, and nothing else', () => {
    expect(parseVendorId('0x04b8')).toBe(0x04b8);
    expect(parseVendorId('1208')).toBe(1208);
    for (const bad of ['04b8', '0x', '0x12345', '65536', '-1', ' 1', 'epson']) expect(parseVendorId(bad)).toBeUndefined();
  });
});

describe('npm run devices on this host', () => {
  it('exits 0 and says no devices were found, and why', async () => {
    const { stdout } = await run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'native/cli/devices.ts', '--json'], {
      timeout: 60_000,
    });
    const report = JSON.parse(stdout) as {
      devices: unknown[];
      problems: string[];
      appVersion: string;
      os: Record<string, string>;
      node: string;
      generatedAt: string;
    };
    // What support asks first: the app's version, the OS, Node, and when the report was made.
    expect(report.appVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.os).toEqual({ platform: process.platform, release: expect.any(String), arch: process.arch });
    expect(report.node).toBe(process.version);
    expect(Math.abs(Date.parse(report.generatedAt) - Date.now())).toBeLessThan(60_000);
    expect(stdout).not.toMatch(/errno \d/);
    if (existsSync('/sys/bus/usb/devices')) {
      console.log('this machine has a USB bus: only the exit code and the JSON shape are checked');
      expect(Array.isArray(report.devices)).toBe(true);
    } else {
      expect(report.devices).toEqual([]);
      expect(report.problems[0]).toMatch(/^usb-printer: no USB bus on this machine/);
    }
  });

  it('rejects a bad option with exit code 2 and the usage', async () => {
    const failed = run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'native/cli/devices.ts', '--vendor', 'epson'], {
      timeout: 60_000,
    });
    await expect(failed).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--vendor "epson" is not a USB vendor id') });
  });
});
