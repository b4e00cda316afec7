import { openPgDriver } from './pg-driver.js';
import { openPgliteDriver } from './pglite-driver.js';
import { openSqlStore } from './sql-store.js';
import type { Store } from './store.js';

/** Where the data lives: PostgreSQL when a URL is given, else PGlite in `dataDir` (or in memory when neither). */
export interface StoreLocation {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
}

/** Opens and migrates the store. */
export async function openStore(location: StoreLocation): Promise<Store> {
  const driver = location.databaseUrl ? await openPgDriver(location.databaseUrl) : await openPgliteDriver(location.dataDir);
  try {
    return await openSqlStore(driver);
  } catch (error) {
    await driver.close().catch(() => {});
    throw error;
  }
}
