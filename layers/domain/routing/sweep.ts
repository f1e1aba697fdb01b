/**
 * The sweeper, run every second or so: what must happen on time and what a missed trigger may have left.
 * Offers that rang out are returned to the queue (the agent becomes not-ready, "missed"); timed wrap-up that
 * ended makes its agent available; and every queue that had callers gets an assignment round, so a caller
 * and an agent who missed each other (both arrived at once) still meet. Everything it does is the same
 * conditional work the agents and callers do, so it may run anywhere, as often as needed, in parallel.
 */
import type { TenantId } from '../tenancy/ids.ts';
import { assignQueue, changeAgentState, type RoutingPorts, returnOffer } from './dispatch.ts';

export interface SweepStore {
  /** Agents whose deadline (ring timeout, end of wrap-up) is at or before `now`. */
  dueAgents(now: string): Promise<{ tenant: TenantId; agentId: string }[]>;
  activeQueues(): Promise<{ tenant: TenantId; queueId: string; lastEnqueuedAt: string }[]>;
  retireQueue(tenant: TenantId, queueId: string, lastEnqueuedAt: string): Promise<void>;
}

export interface SweepReport {
  missed: number;
  wrappedUp: number;
  offers: number;
  queues: number;
}

export async function sweep(ports: RoutingPorts & { sweeps: SweepStore }): Promise<SweepReport> {
  const report: SweepReport = { missed: 0, wrappedUp: 0, offers: 0, queues: 0 };
  const now = ports.now();
  for (const { tenant, agentId } of await ports.sweeps.dueAgents(now.toISOString())) {
    const state = (await ports.store.agent(tenant, agentId))?.state;
    try {
      if (
        state?.status === 'reserved' &&
        state.call?.offerExpiresAt !== undefined &&
        Date.parse(state.call.offerExpiresAt) <= now.getTime()
      ) {
        await returnOffer(ports, tenant, agentId, state.call.callId, 'miss');
        report.missed += 1;
      } else if (
        state?.status === 'after-call' &&
        state.acwUntil !== undefined &&
        Date.parse(state.acwUntil) <= now.getTime()
      ) {
        await changeAgentState(ports, tenant, agentId, { kind: 'end-wrap-up' });
        report.wrappedUp += 1;
      }
    } catch {
      // The agent moved on by itself meanwhile (accepted, wrapped up): nothing left to do.
    }
  }
  for (const queue of await ports.sweeps.activeQueues()) {
    report.queues += 1;
    report.offers += (await assignQueue(ports, queue.tenant, queue.queueId)).length;
    if ((await ports.store.queueLength(queue.tenant, queue.queueId, 1)) === 0)
      await ports.sweeps.retireQueue(queue.tenant, queue.queueId, queue.lastEnqueuedAt);
  }
  return report;
}
