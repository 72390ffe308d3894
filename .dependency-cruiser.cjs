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
      to: { path: '^src/(http|db|cli|services)/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'src/domain has no I/O: no db, http, queues, workers, lib/io.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: ['^src/(db|http|cli|services)/', '^queues/', '^workers/', '^src/lib/io/', 'node_modules/(mongoose|bullmq|ioredis|express)'] },
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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are checked too: a type from src/db/models ties a module to the store's shape.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
