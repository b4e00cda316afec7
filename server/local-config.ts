import path from 'node:path';

/** Default data directory of `npm run server` (relative to the working directory; TRAYSIDE_DATA_DIR overrides). */
export const DEFAULT_DATA_DIR = '.trayside-server';

/** Where the admin token file lives for a data dir; the admin CLI reads the same path. */
export function adminTokenFile(dataDir: string): string {
  return path.join(dataDir, 'admin-token');
}

/** The URL with its password hidden, for printing. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
