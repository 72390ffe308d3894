import type { Command } from 'commander';
import { parseClientEnv } from '../../config/client-env.js';
import { createApiClient, type ApiClient } from '../api-client.js';
import { inFlight, renderRounds, type RoundRow } from '../rounds-table.js';
import type { RegisterCommand } from './register-command.js';

/**
 * `vaxverify rounds …`: a coordinator drives a campaign from a terminal, through the HTTP API
 * (never the store), with a client-credentials token (VAXVERIFY_TOKEN, or VAXVERIFY_CLIENT_ID /
 * VAXVERIFY_CLIENT_SECRET / VAXVERIFY_ISSUER; the API at VAXVERIFY_API_URL).
 */
const client = () => createApiClient(parseClientEnv());
const codes = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);

export const registerRounds: RegisterCommand = (program: Command) => {
  const cmd = program.command('rounds').description('Verification rounds, through the API (client-credentials token)');

  cmd.command('enqueue')
    .description('Enqueue a round per commune of a province, a district or a list of communes')
    .option('--province <code>', 'a 2-digit province code')
    .option('--district <code>', 'a 3-digit district code')
    .option('--communes <codes>', 'comma-separated 5-digit commune codes')
    .option('--kind <kind>', 'verification or correction', 'verification')
    .option('--seq <n>', 'round number of the locality', '1')
    .option('--deadline <iso>', 'deadline, e.g. 2022-04-20T17:00:00+07:00')
    .action(async (o: { province?: string; district?: string; communes?: string; kind: string; seq: string; deadline?: string }) => {
      const given = [o.province && 'province', o.district && 'district', o.communes && 'communes'].filter(Boolean);
      if (given.length !== 1) throw new Error('give exactly one of --province, --district, --communes');
      const localities = o.province ? [o.province] : o.district ? [o.district] : codes(o.communes!);
      const want = o.province ? /^\d{2}$/ : o.district ? /^\d{3}$/ : /^\d{5}$/;
      const bad = localities.filter((c) => !want.test(c));
      if (bad.length || localities.length === 0) throw new Error(`not a ${given[0] === 'communes' ? '5-digit commune' : given[0] === 'district' ? '3-digit district' : '2-digit province'} code: ${bad.join(', ') || '(none)'}`);
      const seq = Number(o.seq);
      if (!Number.isInteger(seq) || seq < 1) throw new Error(`--seq must be a positive integer, not ${o.seq}`);
      const { rounds } = await client().post<{ rounds: { id: string; status: string; created: boolean }[] }>('/api/rounds', {
        localities, kind: o.kind, seq, ...(o.deadline ? { deadline: o.deadline } : {}),
      });
      const created = rounds.filter((r) => r.created).length;
      process.stdout.write(`${rounds.length} round(s) for ${given[0]} ${localities.join(',')}: ${created} new, ${rounds.length - created} already there\n`);
      for (const r of rounds) process.stdout.write(`  ${r.id}  ${r.status}${r.created ? '' : ' (existing)'}\n`);
      const locality = o.communes ? '' : ` --locality ${localities[0]}`;
      process.stdout.write(`follow them: vaxverify rounds status${locality} --watch\n`);
    });

  const statusOptions = (c: Command) => c
    .option('--locality <code>', 'province, district or commune (default: the token\'s one locality)')
    .option('--status <status>', 'only rounds in this status')
    .option('--kind <kind>', 'verification or correction')
    .option('--interval <ms>', 'refresh every … ms when watching', '2000');

  statusOptions(cmd.command('status').description('A table of rounds with a progress bar each').option('--watch', 'refresh until no round is planned or verifying'))
    .action(async (o: StatusOptions) => status(client(), o));
  statusOptions(cmd.command('watch').description('Same as `rounds status --watch`'))
    .action(async (o: StatusOptions) => status(client(), { ...o, watch: true }));

  cmd.command('retry')
    .argument('<id>', 'a failed round, e.g. verification-09619-1')
    .description('Plan a failed round again (finished chunks are kept)')
    .action(async (id: string) => {
      const r = await client().post<{ id: string; status: string; generation: number }>(`/api/rounds/${encodeURIComponent(id)}/retry`);
      process.stdout.write(`${r.id}: ${r.status} (retry ${r.generation})\n`);
    });
};

interface StatusOptions { locality?: string; status?: string; kind?: string; interval: string; watch?: boolean }

/** Every page of rounds for the filter, with their live chunk progress. */
async function fetchRounds(api: ApiClient, o: StatusOptions, locality: string | undefined): Promise<RoundRow[]> {
  const rows: RoundRow[] = [];
  let after: string | null = null;
  do {
    const q = new URLSearchParams({ limit: '1000', progress: 'true' });
    if (locality) q.set('locality', locality);
    if (o.status) q.set('status', o.status);
    if (o.kind) q.set('kind', o.kind);
    if (after) q.set('after', after);
    const page: { items: RoundRow[]; next: string | null } = await api.get(`/api/rounds?${q}`);
    rows.push(...page.items);
    after = page.next;
  } while (after);
  return rows;
}

async function status(api: ApiClient, o: StatusOptions): Promise<void> {
  const interval = Number(o.interval);
  if (!Number.isFinite(interval) || interval < 200) throw new Error(`--interval must be at least 200 ms, not ${o.interval}`);
  // A coordinator's token names their area: default to it when it is one locality.
  let locality = o.locality;
  if (!locality) {
    const claimed = (await api.claims()).localities;
    if (Array.isArray(claimed) && claimed.length === 1 && typeof claimed[0] === 'string') locality = claimed[0];
  }
  const tty = process.stdout.isTTY;
  let last = '';
  for (;;) {
    const rows = await fetchRounds(api, o, locality);
    const text = renderRounds(rows, { title: `rounds${locality ? ` in ${locality}` : ''} · ${new Date().toISOString().slice(0, 19)}Z` });
    const body = text.slice(text.indexOf('\n') + 1);
    if (!o.watch) { process.stdout.write(`${text}\n`); break; }
    // A terminal is redrawn in place; a pipe gets a new table only when something changed.
    if (tty) process.stdout.write(`\x1b[H\x1b[2J${text}\n`);
    else if (body !== last) process.stdout.write(`${text}\n\n`);
    last = body;
    if (rows.length > 0 && !rows.some(inFlight)) break;
    await new Promise((r) => setTimeout(r, interval));
  }
  const failed = (await fetchRounds(api, { ...o, status: 'failed' }, locality)).map((r) => r._id);
  if (failed.length) {
    process.stdout.write(`${failed.length} failed: vaxverify rounds retry ${failed[0]}${failed.length > 1 ? ' (and the others)' : ''}\n`);
    process.exitCode = 3;
  }
}
