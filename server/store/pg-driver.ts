import pg from 'pg';
import type { SqlDriver, SqlExecutor } from './driver.js';

/** node-postgres pool for DATABASE_URL deployments (many stateless nodes, one database). */
export async function openPgDriver(connectionString: string, options: { maxConnections?: number } = {}): Promise<SqlDriver> {
  const pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its connection emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', () => {});
  const client = await pool.connect();
  client.release();
  const wrap = (target: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await target.query(sql, params);
      return result.rows as T[];
    },
    async exec(sql: string) {
      await target.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(work) {
      const tx = await pool.connect();
      try {
        await tx.query('BEGIN');
        const result = await work(wrap(tx));
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        await tx.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        tx.release();
      }
    },
    close: () => pool.end(),
  };
}
