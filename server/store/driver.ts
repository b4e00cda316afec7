import type { StoreHealth } from './store-health.js';

/** The little a store needs from a SQL connection; PGlite and node-postgres both fit behind it. */
export interface SqlExecutor {
  /** One statement with $1-style parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A connection (or pool) that can run a transaction. */
export interface SqlDriver extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /** Reachability as the driver's calls saw it; a driver throws StoreUnavailableError for a lost or refused connection. */
  readonly health: StoreHealth;
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
