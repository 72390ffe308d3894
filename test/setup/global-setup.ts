import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { testUrls } from '../helpers/urls.js';

/** Fail the run early, and say how to fix it, when Redis or the Mongo-wire server is down. */
export default async function globalSetup(): Promise<void> {
  const { redisUrl, mongoBaseUrl } = testUrls();
  const problems: string[] = [];

  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    problems.push(`Redis at ${redisUrl} does not answer (${(err as Error).message}).`);
  } finally {
    redis.disconnect();
  }

  const conn = mongoose.createConnection(`${mongoBaseUrl}/admin`, { serverSelectionTimeoutMS: 3000 });
  try {
    await conn.asPromise();
  } catch (err) {
    problems.push(`Mongo-wire server at ${mongoBaseUrl} does not answer (${(err as Error).message}).`);
  } finally {
    await conn.close().catch(() => {});
  }

  if (problems.length > 0) {
    throw new Error(
      `${problems.join('\n')}\nStart them with: npm run services   (or set REDIS_URL / MONGO_URL)`,
    );
  }
}
