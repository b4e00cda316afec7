import { readFileSync } from 'node:fs';
import { parseBranding, type Branding } from '../../../common/branding.js';

/** Reads and validates a branding file at start; the error names the file and every bad field. */
export function loadBrandingSync(path: string): Branding {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Branding config ${path} could not be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = parseBranding(raw);
  if (!parsed.ok) throw new Error(`Branding config ${path} is invalid:\n  ${parsed.problems.join('\n  ')}`);
  return parsed.branding;
}
