/** Architecture rules from STYLE.md, checked in CI (`npm run lint:deps`). */

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'only-workers-import-workers',
      comment: 'workers/ is the process that runs jobs; nothing else may depend on it.',
      severity: 'error',
      from: { pathNot: '^workers/' },
      to: { path: '^workers/' },
    },
    {
      name: 'queues-declare-only',
      comment: 'queues/ declares what can be enqueued; it never imports src/ internals beyond domain types and config.',
      severity: 'error',
      from: { path: '^queues/' },
      to: { path: '^src/(http|db|cli|rounds|corrections|deadlines|dashboard|imports|eligibility|registry|audit|localities|records)/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'src/domain has no I/O: no db, http, queues, workers, lib/io.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: ['^src/(db|http|cli|rounds|corrections|deadlines|dashboard|imports|eligibility|registry|audit|localities|records)/', '^queues/', '^workers/', '^src/lib/io/', 'node_modules/(mongoose|bullmq|ioredis|express)'] },
    },
    {
      name: 'models-behind-repositories',
      comment: 'Only src/db touches mongoose models and opens the Store handle (open-store.ts); everything else holds an opaque Store and calls repositories (STYLE.md: one seam). The composition roots build the connection with connectDb. Type imports count too.',
      severity: 'error',
      from: { pathNot: ['^src/db/'] },
      to: { path: ['^src/db/models/', '^src/db/open-store\\.ts$'] },
    },
    {
      name: 'mongoose-behind-repositories',
      comment: 'Queries are written in src/db only: product code outside it imports no mongoose (an ObjectId check is a repository question too).',
      severity: 'error',
      from: { path: ['^src/', '^workers/', '^queues/'], pathNot: ['^src/db/'] },
      to: { path: 'node_modules/mongoose/' },
    },
    {
      name: 'no-layer-folders',
      comment: 'src/ is by feature (README, Layout): services and routers live in their room, not in src/services, src/import or src/http/routers.',
      severity: 'error',
      from: { path: ['^src/services/', '^src/import/', '^src/http/routers/(?!health\\.router)'] },
      to: {},
    },
    {
      name: 'shared-layers-below-rooms',
      comment: 'The shared layers (domain, db, lib, config, auth, notify, metrics) never reach up into a feature room; only the composition roots (src/http/app.ts, workers/) wire rooms together.',
      severity: 'error',
      from: { path: '^src/(domain|db|lib|config|auth|notify|metrics)/' },
      to: { path: '^src/(rounds|corrections|deadlines|dashboard|imports|eligibility|registry|audit|localities|records)/' },
    },
    {
      name: 'rooms-keep-their-routers',
      comment: "A room may call another room's service, never its router: routes are mounted once, by src/http/app.ts.",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '^src/http/app\\.ts$' },
      to: { path: '^src/([^/]+)/[^/]+\\.router\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'stand-ins-are-not-product',
      comment: 'stand-ins/ are local stand-ins of external systems (OpenID provider, population register) for the demo and tests; the product talks to them only over HTTP.',
      severity: 'error',
      from: { path: ['^src/', '^workers/', '^queues/'] },
      to: { path: '^stand-ins/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are checked too: a type from src/db/models ties a module to the store's shape.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
