/** Server addresses for tests: the same variables as the app, with local defaults. */
export function testUrls() {
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const mongoUrl = process.env.MONGO_URL || 'mongodb://127.0.0.1:27017/vaxverify';
  // Tests use their own database per file, on the same server.
  const u = new URL(mongoUrl);
  const mongoBaseUrl = `${u.protocol}//${u.host}`;
  return { redisUrl, mongoBaseUrl, mongoQuery: u.search };
}
