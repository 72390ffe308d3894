import { parseEnv } from '../config/index.js';
import { connectDb, type Db } from '../db/connect.js';

/** Run a CLI action with a database connection from MONGO_URL, closing it afterwards. */
export async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const config = parseEnv();
  const db = await connectDb(config.MONGO_URL, { poolSize: config.MONGO_POOL_SIZE });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
