import type { ConnectionOptions, Queue } from 'bullmq';
import { VERIFICATION_QUEUE, createVerificationQueue } from './verification.queue.js';

/**
 * Province placement (PROVINCE_GROUPS): the chunk and settle jobs of a round run on the queue
 * of its province's group, `verification-<group>`, so the workers serving that queue only ever
 * hold their group's registry snapshots. Planner jobs stay on `verification`: planning reads
 * record IDs only, never the registry, so any small worker plans every province.
 */
export interface ProvinceGroup { name: string; provinces: string[] }

export const groupQueueName = (group: string) => `${VERIFICATION_QUEUE}-${group}`;

/** The queue a province's chunk jobs go to: its group's, else the country-wide `verification`. */
export function verificationQueueFor(groups: readonly ProvinceGroup[], provinceCode: string): string {
  const group = groups.find((g) => g.provinces.includes(provinceCode));
  return group ? groupQueueName(group.name) : VERIFICATION_QUEUE;
}

/** Every queue that runs verification jobs: `verification` and one per group. */
export function verificationQueueNames(groups: readonly ProvinceGroup[]): string[] {
  return [VERIFICATION_QUEUE, ...groups.map((g) => groupQueueName(g.name))];
}

/** One Queue per group (Bull Board, the API's queue-depth gauge); close them with the others. */
export function createGroupQueues(connection: ConnectionOptions, prefix: string, groups: readonly ProvinceGroup[]): Queue[] {
  return groups.map((g) => createVerificationQueue(connection, prefix, groupQueueName(g.name)));
}
