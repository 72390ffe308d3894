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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports vanish at compile time: they neither form runtime cycles nor do I/O.
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
