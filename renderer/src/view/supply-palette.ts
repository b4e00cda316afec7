import type { SupplyColor } from '../../../common/supply.js';

/**
 * The panel's colours for colorant names (PWG 5101.1 keywords, read as words: "light cyan").
 * Printer inks are not the pure screen primaries: these are tuned to read as the ink on both the
 * light and the dark theme. A name that is not here gets the neutral swatch rather than a wrong colour.
 */
const SWATCH_BY_COLORANT: Readonly<Record<string, string>> = {
  black: '#1a1a1a',
  'photo black': '#1a1a1a',
  'matte black': '#2b2b2b',
  'light black': '#595959',
  cyan: '#00a0d8',
  'light cyan': '#7fd3f0',
  magenta: '#d4007f',
  'light magenta': '#f07fbf',
  'vivid magenta': '#e0007a',
  'vivid light magenta': '#f28cc4',
  yellow: '#f2c200',
  gray: '#808080',
  grey: '#808080',
  'light gray': '#b3b3b3',
  'light grey': '#b3b3b3',
  red: '#d42a2a',
  green: '#2aa84a',
  blue: '#2a5ad4',
  orange: '#f28c00',
  violet: '#7f3fbf',
  white: '#f5f5f5',
};

/**
 * The CSS colour of a supply's swatch and bar: the device's own value when it sends one (it knows
 * its ink best), else the panel's colour for the colorant's name, else undefined (neutral swatch).
 */
export function supplySwatch(color: SupplyColor | undefined): string | undefined {
  if (!color) return undefined;
  if (color.hex !== undefined) return color.hex;
  const name = color.name
    .trim()
    .toLowerCase()
    .replace(/[-_\s]+/g, ' ');
  return Object.hasOwn(SWATCH_BY_COLORANT, name) ? SWATCH_BY_COLORANT[name] : undefined;
}
