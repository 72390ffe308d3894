/** Architecture rules from STYLE.md, checked in CI (`npm run lint:deps`). */

/**
 * Modules that still reach src/db/models directly (issue 15: they are to call repositories
 * instead). The list may only shrink: a module not on it that imports a model fails lint:deps.
 */
const MODELS_IMPORTERS_TO_MOVE = [
  'src/deadlines/campaign.service.ts',
  'src/deadlines/contacts.service.ts',
  'src/deadlines/deps.ts',
  'src/deadlines/escalations.service.ts',
  'src/deadlines/overview.service.ts',
  'src/http/access/authorize.ts',
  'src/http/metrics.ts',
  'src/http/routers/access-log.router.ts',
  'src/http/routers/dashboard.router.ts',
  'src/http/routers/eligibility.router.ts',
  'src/http/routers/imports.router.ts',
  'src/import/import-kinds.ts',
  'src/import/localities.import.ts',
  'src/import/run-import.ts',
  'src/services/access-log.service.ts',
  'src/services/backlog.service.ts',
  'src/services/correction-round.service.ts',
  'src/services/corrections.service.ts',
  'src/services/dashboard.service.ts',
  'src/services/eligibility.service.ts',
  'src/services/record-history.service.ts',
  'src/services/rounds.service.ts',
  'src/services/settle.service.ts',
  'src/services/sign-off.service.ts',
  'src/services/worklists.service.ts',
  'workers/dashboard.processor.ts',
  'workers/import.processor.ts',
  'workers/matcher.ts',
  'workers/notifications.processor.ts',
  'workers/verification.processor.ts',
];
const exactly = (files) => files.map((f) => `^${f.replaceAll('.', '\\.')}$`);
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
      comment: 'Only src/db (its repositories) and the composition roots touch mongoose models; everything else calls repositories (STYLE.md: one seam). Type imports count too.',
      severity: 'error',
      from: { pathNot: ['^src/db/', '^workers/main\\.ts$', '^src/http/(main|app)\\.ts$', '^src/cli/(main|with-db)\\.ts$', ...exactly(MODELS_IMPORTERS_TO_MOVE)] },
      to: { path: '^src/db/models/' },
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
