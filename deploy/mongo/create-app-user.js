// Runs once, when the MongoDB volume is first initialised (docker-entrypoint-initdb.d): the
// application's own user, limited to readWrite on its database. Passwords come from the environment.
const dbName = process.env.MONGO_APP_DB || 'vaxverify';
db.getSiblingDB(dbName).createUser({
  user: process.env.MONGO_APP_USER || 'vaxverify',
  pwd: process.env.MONGO_APP_PASSWORD,
  roles: [{ role: 'readWrite', db: dbName }],
});
