import type { SupplyColor, SupplyReading } from '../../common/supply.js';
import { ippText, parsePrinterSupply, type IppAttributes, type IppValue } from '../decoders/ipp-supplies.js';

// Supplies as the printer names them. Some printers send printer-supply with empty
// printer-supply-description; the decoder then makes a name up from the type and colorant. When
// the same printer sends marker-names and marker-colors with one entry per printer-supply entry,
// those are its own words and colours, and they win over the made-up ones.

const NAME_MAX = 120;

function list(attributes: IppAttributes, name: string): readonly IppValue[] {
  const values = Object.hasOwn(attributes, name) ? attributes[name] : undefined;
  return Array.isArray(values) ? values : [];
}

function clean(text: string | undefined): string {
  return (
    (text ?? '')
      // eslint-disable-next-line no-control-regex -- one line in the panel
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .trim()
      .slice(0, NAME_MAX)
  );
}

/** A single `#RRGGBB` marker colour; `none` and multi-colour values give nothing (the decoder's colour stays). */
function singleHex(value: string | undefined): string | undefined {
  const hexes = value?.match(/#[0-9a-fA-F]{6}/g);
  return hexes && hexes.length === 1 ? hexes[0]!.toLowerCase() : undefined;
}

/**
 * Replaces made-up names of printer-supply entries that came without a description by the
 * printer's marker-names (same position), and takes the printer's marker-colors hex for the gauge.
 * Entries are matched by position only when both lists have one value per printer-supply entry.
 */
export function applyMarkerNames(supplies: SupplyReading[], attributes: IppAttributes): SupplyReading[] {
  const entries = list(attributes, 'printer-supply');
  const names = list(attributes, 'marker-names');
  if (entries.length === 0 || names.length !== entries.length) return supplies;
  const descriptions = list(attributes, 'printer-supply-description');
  const colors = list(attributes, 'marker-colors');
  const pairColors = colors.length === entries.length;
  const byId = new Map(supplies.map((supply) => [supply.id, supply]));
  entries.forEach((value, position) => {
    const text = ippText(value);
    if (text === undefined) return;
    const index = Number(parsePrinterSupply(text).index);
    const supply = byId.get(`supply-${Number.isInteger(index) && index >= 0 ? index : position + 1}`);
    if (!supply) return;
    if (clean(ippText(descriptions[position])) !== '') return;
    const name = clean(ippText(names[position]));
    if (name !== '') supply.name = name;
    const hex = pairColors ? singleHex(ippText(colors[position])) : undefined;
    if (hex && supply.kind !== 'waste') {
      const color: SupplyColor = { name: supply.color?.name ?? (name.toLowerCase().slice(0, 40) || 'colour'), hex };
      supply.color = color;
    }
  });
  return supplies;
}
