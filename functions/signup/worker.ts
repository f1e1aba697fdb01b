/**
 * The sign-up worker (layers/domain/tenancy/provision-tenant.ts): takes every unfinished sign-up under a
 * lease and runs its steps until it is live or undone, saving after each step. On AWS a schedule invokes it
 * every minute with `loopSeconds: 55` and it looks for new sign-ups four times a second for that long; the
 * local cloud invokes it every half second with no loop. Either way it returns only when the sign-ups it
 * started have finished or given their lease back.
 */

import type { LeasedJob } from '../../layers/adapters/dynamodb-signup-jobs.ts';
import { logger } from '../../layers/adapters/logger.ts';
import {
  advance,
  isFinished,
  needsWorker,
  stepFailed,
} from '../../layers/domain/tenancy/provision-tenant.ts';
import { signupPorts } from '../api/signup/signup-ports.ts';

/** How long one run keeps a sign-up before giving it back (a slow order continues in the next run). */
const RUN_MS = 25_000;
const LOOK_EVERY_MS = 250;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function handler(
  event: { loopSeconds?: number } = {},
): Promise<{ live: number; failed: number }> {
  const ports = signupPorts();
  const until = Date.now() + Math.min(Math.max(event.loopSeconds ?? 0, 0), 840) * 1000;
  const running = new Map<string, Promise<void>>();
  const outcome = { live: 0, failed: 0 };
  for (;;) {
    for (const job of await ports.jobs.open()) {
      if (running.has(job.signupId) || !needsWorker(job, Date.now())) continue;
      const run = provision(job.signupId, outcome).finally(() => running.delete(job.signupId));
      running.set(job.signupId, run);
    }
    if (running.size === 0 && Date.now() + LOOK_EVERY_MS > until) break;
    await sleep(LOOK_EVERY_MS);
  }
  return outcome;
}

async function provision(signupId: string, outcome: { live: number; failed: number }): Promise<void> {
  const ports = signupPorts();
  const leased: LeasedJob | undefined = await ports.jobs.lease(signupId);
  if (leased === undefined) return;
  let job = leased.job;
  const stopAt = Date.now() + RUN_MS;
  try {
    while (!isFinished(job) && Date.now() < stopAt) {
      let waitMs = 0;
      try {
        const next = await advance(job, ports);
        job = next.job;
        waitMs = next.waitMs;
      } catch (error) {
        logger().warn('sign-up step failed', {
          signupId,
          tenantId: job.tenantId,
          step: job.step,
          error: error as Error,
        });
        job = stepFailed(job, error);
        waitMs = 500 * job.failures;
      }
      if (!(await ports.jobs.save(leased, job))) return; // another worker took it over
      if (waitMs > 0) await sleep(waitMs);
    }
    if (isFinished(job) && job.kind === 'number') await ports.jobs.freeNumberOrderSlot(job);
    if (job.state === 'live') {
      outcome.live++;
      logger().info('tenant live', { signupId, tenantId: job.tenantId, phoneNumber: job.phoneNumber });
    } else if (job.state === 'failed') {
      outcome.failed++;
      logger().info('sign-up undone', { signupId, tenantId: job.tenantId, reason: job.error });
    }
  } finally {
    if (!isFinished(job)) await ports.jobs.release(leased).catch(() => undefined);
  }
}
