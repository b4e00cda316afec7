// Types for scripts/electron-probe.mjs (plain JS so `npm start` needs no TypeScript loader).
export type Env = Record<string, string | undefined>;
export function hasDisplay(platform?: string, env?: Env): { ok: true } | { ok: false; reason: string };
export function installedElectron(root: string, env?: Env): string | undefined;
export function downloadElectron(root: string, env?: Env): string | undefined;
export function chooseHost(options: {
  root: string;
  platform?: string;
  env?: Env;
  download?: (root: string, env: Env) => string | undefined;
}): { host: 'electron'; binary: string } | { host: 'node'; reason: string };
