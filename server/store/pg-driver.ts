import pg from 'pg';
import type { SqlDriver, SqlExecutor } from './driver.js';
import { StoreHealth, StoreUnavailableError } from './store-health.js';

/** Socket errors that mean the database is out of reach, not that a statement is wrong. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True when an error says the connection is gone or refused: socket errors, SQLSTATE class 08
 * (connection exception), 57P01–57P03 (shutdown, crash, cannot connect now), 53300 (too many
 * connections). node-postgres reports a dropped socket and a pool timeout by message only.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300'))
    return true;
  return /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect/i.test(error.message);
}

/**
 * node-postgres pool for DATABASE_URL deployments (many stateless nodes, one database). Survives
 * the database going away: every call that finds it gone throws StoreUnavailableError and tells
 * `health`; the pool reconnects on the next call once the database is back.
 */
export async function openPgDriver(connectionString: string, options: { maxConnections?: number } = {}): Promise<SqlDriver> {
  const health = new StoreHealth();
  // keepAlive from 10 s of silence (the OS default waits 2 h): a database host that vanishes without
  // closing the socket is noticed in minutes, not never. Polls do not wait on it meanwhile (manifest/service.ts).
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle client that loses its connection emits 'error' on the pool (which then discards it);
  // without a listener that kills the process. The next call that needs the database reports an outage.
  pool.on('error', () => {});
  const client = await pool.connect();
  client.release();

  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    const ticket = health.begin();
    try {
      const result = await call();
      health.succeeded(ticket);
      return result;
    } catch (error) {
      if (!isConnectionLoss(error)) {
        // The database answered (a constraint, a bad statement): it is reachable.
        health.succeeded(ticket);
        throw error;
      }
      const unavailable = error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error);
      health.failed(unavailable);
      throw unavailable;
    }
  };

  const wrap = (target: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await target.query(sql, params);
      return result.rows as T[];
    },
    async exec(sql: string) {
      await target.query(sql);
    },
  });
  const pooled = wrap(pool);

  return {
    kind: 'postgres',
    health,
    query: (sql, params) => guarded(() => pooled.query(sql, params)),
    exec: (sql) => guarded(() => pooled.exec(sql)),
    transaction: (work) =>
      guarded(async () => {
        const tx = await pool.connect();
        // A checked-out client has no listener from the pool: a connection lost mid-transaction
        // would emit an unhandled 'error' and end the process. Keep the error; the failing query
        // reports it, and the client is released with it so the pool discards it.
        let lost: unknown;
        const onError = (error: Error): void => {
          lost ??= error;
        };
        tx.on('error', onError);
        try {
          await tx.query('BEGIN');
          const result = await work(wrap(tx));
          await tx.query('COMMIT');
          return result;
        } catch (error) {
          if (isConnectionLoss(error)) lost ??= error;
          await tx.query('ROLLBACK').catch((rollbackError: unknown) => {
            lost ??= rollbackError;
          });
          throw error;
        } finally {
          // release(error) ends the client instead of handing a dead connection to the next caller;
          // from here the pool's own idle listener catches anything it still emits.
          tx.release(lost === undefined ? undefined : lost instanceof Error ? lost : true);
          tx.removeListener('error', onError);
        }
      }),
    close: () => pool.end(),
  };
}
