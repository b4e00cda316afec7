/**
 * Product-line words that printers put first in printer-make-and-model instead of the maker
 * ("ECOSYS M2540dn", "LaserJet Pro M404"), mapped to the maker. Only used when the printer sends
 * no printer-device-id MFG. Keys are lower case; a make-and-model matches on its first word.
 */
const MAKER_BY_FIRST_WORD: Readonly<Record<string, string>> = {
  ecosys: 'Kyocera',
  taskalfa: 'Kyocera',
  'kyocera-mita': 'Kyocera',
  laserjet: 'HP',
  officejet: 'HP',
  deskjet: 'HP',
  envy: 'HP',
  photosmart: 'HP',
  designjet: 'HP',
  'hewlett-packard': 'HP',
  pixma: 'Canon',
  maxify: 'Canon',
  imageclass: 'Canon',
  'i-sensys': 'Canon',
  imagerunner: 'Canon',
  workforce: 'Epson',
  ecotank: 'Epson',
  stylus: 'Epson',
  expression: 'Epson',
  surecolor: 'Epson',
  bizhub: 'Konica Minolta',
  aficio: 'Ricoh',
  phaser: 'Xerox',
  versalink: 'Xerox',
  workcentre: 'Xerox',
  altalink: 'Xerox',
  mfc: 'Brother',
  dcp: 'Brother',
  hl: 'Brother',
};

/** Spellings of makers as printers write them → the name a person reads. */
const MAKER_SPELLINGS: Readonly<Record<string, string>> = {
  hp: 'HP',
  'hewlett-packard': 'HP',
  kyocera: 'Kyocera',
  canon: 'Canon',
  epson: 'Epson',
  brother: 'Brother',
  xerox: 'Xerox',
  ricoh: 'Ricoh',
  lexmark: 'Lexmark',
  samsung: 'Samsung',
  oki: 'OKI',
  sharp: 'Sharp',
  konica: 'Konica Minolta',
  'konica-minolta': 'Konica Minolta',
  dell: 'Dell',
  pantum: 'Pantum',
  zebra: 'Zebra',
};

/**
 * Maker and model from printer-make-and-model when no 1284 MFG is known: a product-line word maps
 * to its maker and stays part of the model ("ECOSYS M2540dn" → Kyocera, "ECOSYS M2540dn"); a known
 * maker word is the maker; otherwise the first word, as IPP Everywhere's convention has it.
 */
export function makerFromMakeAndModel(makeAndModel: string): { manufacturer: string; model: string } | undefined {
  const words = makeAndModel
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  const [firstWord, ...rest] = words;
  if (!firstWord) return undefined;
  const key = firstWord.toLowerCase().replace(/[,;]+$/, '');
  const line = MAKER_BY_FIRST_WORD[key] ?? MAKER_BY_FIRST_WORD[key.split('-')[0] ?? ''];
  if (line && !MAKER_SPELLINGS[key]) return { manufacturer: line, model: words.join(' ') };
  if (rest.length === 0) return undefined;
  return { manufacturer: MAKER_SPELLINGS[key] ?? firstWord, model: rest.join(' ') };
}
