import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseBranding, type Branding } from '../../common/branding.js';
import demoBranding from '../../assets/branding/demo.json' with { type: 'json' };
import { describeError } from '../../common/errors.js';

/**
 * A branding config that stops start-up. The message is one line a person can act on: which file,
 * which field, what to write instead (the hosts show it in a dialog or on stderr and exit).
 */
export class BrandingError extends Error {
  override readonly name = 'BrandingError';
}

/** Reads and validates a branding file; throws a BrandingError naming the file and the first bad field (and how many more). */
export function loadBrandingSync(path: string): Branding {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BrandingError(
      `Branding config ${path} could not be read (${code ?? String(error)}); check the path given with --branding or TRAYSIDE_BRANDING.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BrandingError(`Branding config ${path} is not valid JSON: ${describeError(error)}`);
  }
  return validated(raw, path);
}

function validated(raw: unknown, where: string): Branding {
  const parsed = parseBranding(raw);
  if (parsed.ok) return parsed.branding;
  const [first, ...rest] = parsed.problems;
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more: ${rest.map((problem) => problem.split(':')[0]).join(', ')})`;
  throw new BrandingError(`Branding config ${where} is invalid: ${first}${more}`);
}

/** The demo branding bundled into every build (a JSON import, so electron-vite and tsc both carry it without copying files). */
export function bundledBranding(): Branding {
  return validated(demoBranding, 'assets/branding/demo.json (bundled)');
}

/** Which branding a host runs with and where it came from (for the start-up log line). */
export interface StartupBranding {
  branding: Branding;
  /** The file, or "the bundled demo branding". */
  source: string;
  /** True for the bundled demo (its signing key is a placeholder). */
  bundled: boolean;
}

/**
 * The branding of this start: `--branding FILE` first, else env TRAYSIDE_BRANDING, else the
 * bundled demo. A relative path is taken from `cwd`. Throws a BrandingError for a bad file:
 * an OEM's broken config must stop the app, never fall back to the demo brand silently.
 */
export function loadStartupBranding(options: {
  flag: string | undefined;
  env: Record<string, string | undefined>;
  cwd: string;
}): StartupBranding {
  const chosen = options.flag ?? (options.env.TRAYSIDE_BRANDING || undefined);
  if (chosen === undefined) return { branding: bundledBranding(), source: 'the bundled demo branding', bundled: true };
  const path = resolve(options.cwd, chosen);
  return { branding: loadBrandingSync(path), source: path, bundled: false };
}
