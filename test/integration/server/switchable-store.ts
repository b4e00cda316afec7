import type { SqlDriver } from '../../../server/store/driver.js';
import { openPgliteDriver } from '../../../server/store/pglite-driver.js';
import { openSqlStore } from '../../../server/store/sql-store.js';
import { StoreHealth, StoreUnavailableError } from '../../../server/store/store-health.js';
import type { Store } from '../../../server/store/store.js';

/** A real store (in-memory PGlite) whose database can be "unplugged": every call then fails as a refused connection does in pg-driver.ts. */
export interface SwitchableStore {
  store: Store;
  /** Calls from now on fail (true) or reach the database again (false). */
  setDown(down: boolean): void;
  /** Calls from now on wait (a database that stops answering without closing the connection) until hang(false). */
  hang(hung: boolean): void;
}

export async function openSwitchableStore(): Promise<SwitchableStore> {
  const inner = await openPgliteDriver(undefined);
  const health = new StoreHealth();
  let down = false;
  let release: (() => void) | undefined;
  let hung: Promise<void> | undefined;
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    const ticket = health.begin();
    if (hung !== undefined) await hung;
    if (down) {
      const error = new StoreUnavailableError(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432 (unplugged by the test)'), { code: 'ECONNREFUSED' }),
      );
      health.failed(error);
      throw error;
    }
    const result = await call();
    health.succeeded(ticket);
    return result;
  };
  const driver: SqlDriver = {
    kind: 'postgres',
    health,
    query: (sql, params) => guarded(() => inner.query(sql, params)),
    exec: (sql) => guarded(() => inner.exec(sql)),
    transaction: (work) => guarded(() => inner.transaction(work)),
    close: () => inner.close(),
  };
  return {
    store: await openSqlStore(driver),
    setDown: (value) => (down = value),
    hang(value) {
      if (value) hung ??= new Promise((resolve) => (release = resolve));
      else {
        release?.();
        hung = undefined;
      }
    },
  };
}
