import { describe, expect, it } from 'vitest';
import { identityFromAttributes, readingFromAttributes } from './ipp-source.js';
import { makerFromMakeAndModel } from './vendor-names.js';

describe('IPP supplies and maker as the device states them', () => {
  it("printer-supply without descriptions takes the printer's marker-names and marker-colors", () => {
    const reading = readingFromAttributes(
      {
        'printer-supply': [
          'index=1;class=supplyThatIsConsumed;type=tonerCartridge;unit=percent;level=40;colorantname=black;',
          'index=2;class=supplyThatIsConsumed;type=tonerCartridge;unit=percent;level=70;colorantname=cyan;',
        ],
        'printer-supply-description': ['', ''],
        'marker-names': ['TK-5240K Black Toner', 'TK-5240C Cyan Toner'],
        'marker-colors': ['#000000', '#00FFFF'],
      },
      'ipp://printer/ipp/print',
    );
    expect(reading.supplies.map((supply) => [supply.name, supply.color?.hex])).toEqual([
      ['TK-5240K Black Toner', '#000000'],
      ['TK-5240C Cyan Toner', '#00ffff'],
    ]);
    // The attributes as read go with the reading, for a diagnostics capture.
    expect(reading.sources?.ipp?.['marker-names']).toEqual(['TK-5240K Black Toner', 'TK-5240C Cyan Toner']);
  });

  it("a printer's own description still wins over marker-names", () => {
    const reading = readingFromAttributes(
      {
        'printer-supply': ['index=1;type=toner;unit=percent;level=40;colorantname=black;'],
        'printer-supply-description': ['Black Toner (own)'],
        'marker-names': ['other'],
      },
      'ipp://printer/ipp/print',
    );
    expect(reading.supplies[0]?.name).toBe('Black Toner (own)');
  });

  it('maker from printer-device-id MFG first, then the vendor table, not the product-line word', () => {
    expect(identityFromAttributes({ 'printer-make-and-model': ['ECOSYS M2540dn'] }, 'ipp://p').manufacturer).toBe('Kyocera');
    expect(identityFromAttributes({ 'printer-make-and-model': ['ECOSYS M2540dn'] }, 'ipp://p').model).toBe('ECOSYS M2540dn');
    expect(
      identityFromAttributes(
        { 'printer-make-and-model': ['ECOSYS M2540dn'], 'printer-device-id': ['MFG:Kyocera Mita;MDL:M2540dn;'] },
        'ipp://p',
      ).manufacturer,
    ).toBe('Kyocera Mita');
    expect(makerFromMakeAndModel('HP LaserJet Pro M404')).toEqual({ manufacturer: 'HP', model: 'LaserJet Pro M404' });
    expect(makerFromMakeAndModel('MFC-L2710DW series')?.manufacturer).toBe('Brother');
  });
});
