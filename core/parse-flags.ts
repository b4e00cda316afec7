// The flags both hosts read. The Node host is strict (a typo stops it with the usage text);
// Electron is lenient, because Chromium adds switches of its own to argv.
import { parseArgs } from 'node:util';
import type { DemoMode } from './host-devices.js';
import { describeError } from '../common/errors.js';

/** What the command line (and the TRAYSIDE_* variables) ask of this start. */
export interface AppFlags {
  /** --branding FILE (else env TRAYSIDE_BRANDING, read by core/branding/load-branding.ts). */
  branding: string | undefined;
  ipp: string[];
  demo: DemoMode;
  /** false: --no-demo-backend or TRAYSIDE_DEMO_BACKEND=0; undefined: the default decision. */
  demoBackend: boolean | undefined;
  simSpeed: number;
  backend: string | undefined;
  publicKey: string | undefined;
  productLine: string | undefined;
  /** Node host only: the port and the data folder (Electron uses its user data folder). */
  port: number;
  dataDir: string | undefined;
  help: boolean;
}

/** A flag the strict host cannot take; the message names it and what it expected. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

const OPTIONS = {
  port: { type: 'string' },
  branding: { type: 'string' },
  ipp: { type: 'string', multiple: true },
  demo: { type: 'boolean' },
  'demo-backend': { type: 'boolean' },
  'sim-speed': { type: 'string' },
  'data-dir': { type: 'string' },
  backend: { type: 'string' },
  'public-key': { type: 'string' },
  'product-line': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/**
 * Reads argv (without the program) and env. `strict`: unknown flags, positionals and bad values
 * throw a FlagError; `lenient`: they are ignored and bad numbers fall back to the defaults.
 */
export function parseFlags(
  argv: readonly string[],
  mode: 'strict' | 'lenient',
  env: Readonly<Record<string, string | undefined>>,
): AppFlags {
  const strict = mode === 'strict';
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict, allowPositionals: !strict, allowNegative: true }));
  } catch (error) {
    throw new FlagError(describeError(error));
  }
  const text = (name: keyof typeof OPTIONS): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  const number = (name: 'port' | 'sim-speed', fallback: number, valid: (value: number) => boolean, expected: string): number => {
    const raw = text(name) ?? (name === 'sim-speed' ? env.TRAYSIDE_SIM_SPEED : undefined);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (valid(value)) return value;
    if (strict) throw new FlagError(`--${name} must be ${expected}, got "${raw}"`);
    return fallback;
  };
  const demo = values.demo === true || env.TRAYSIDE_DEMO === '1' ? 'always' : values.demo === false ? 'never' : 'fallback';
  return {
    branding: text('branding'),
    ipp: (Array.isArray(values.ipp) ? values.ipp : []).filter((uri): uri is string => typeof uri === 'string'),
    demo,
    demoBackend: values['demo-backend'] === false || env.TRAYSIDE_DEMO_BACKEND === '0' ? false : undefined,
    simSpeed: number('sim-speed', 1, (value) => Number.isFinite(value) && value >= 0, 'a number of 0 or more'),
    backend: text('backend') ?? (env.TRAYSIDE_BACKEND_URL || undefined),
    publicKey: text('public-key') ?? (env.TRAYSIDE_PUBLIC_KEY || undefined),
    productLine: text('product-line'),
    port: number('port', 4477, (value) => Number.isInteger(value) && value >= 0 && value <= 65535, 'a whole number from 0 to 65535'),
    dataDir: text('data-dir'),
    help: values.help === true,
  };
}
