/**
 * The sweeper, run every second or so: what must happen on time and what a missed trigger may have left.
 * Offers that rang out are returned to the queue (the agent becomes not-ready, "missed"); timed wrap-up that
 * ended makes its agent available; and every queue that had callers gets an assignment round, so a caller
 * and an agent who missed each other (both arrived at once) still meet. Everything it does is the same
 * conditional work the agents and callers do, so it may run anywhere, as often as needed, in parallel.
 */
import type { TenantId } from '../tenancy/ids.ts';
import { returnConsultation } from './consult.ts';
import {
  assignQueue,
  changeAgentState,
  endRouting,
  overflowWaiting,
  type RoutingPorts,
  returnOffer,
} from './dispatch.ts';
import { estimatedWaitSeconds } from './overflow.ts';
import type { QueueEntry } from './routing-store.ts';

export interface SweepStore {
  /** Agents whose deadline (ring timeout, end of wrap-up) is at or before `now`. */
  dueAgents(now: string): Promise<{ tenant: TenantId; agentId: string }[]>;
  activeQueues(): Promise<{ tenant: TenantId; queueId: string; lastEnqueuedAt: string }[]>;
  retireQueue(tenant: TenantId, queueId: string, lastEnqueuedAt: string): Promise<void>;
  /** Waiting callers due an announcement or to overflow at or before `now`. */
  dueWaits(now: string): Promise<{ tenant: TenantId; entry: QueueEntry }[]>;
}

/** Where the sweeper reaches waiting callers (the carrier: UpdateSipMediaApplicationCall on the SMA). */
export interface WaitingCallers {
  /** Tells the caller where they stand; 'gone' if the call has ended. */
  announce(
    tenant: TenantId,
    callId: string,
    announcement: { position: number; known: number; ewtSeconds?: number },
  ): Promise<'ok' | 'gone'>;
  /** Sends the caller, who has left the queue, to the queue's overflow target. */
  overflow(tenant: TenantId, callId: string, queueId: string): Promise<'ok' | 'gone'>;
}

export interface SweepReport {
  missed: number;
  announced: number;
  overflowed: number;
  wrappedUp: number;
  offers: number;
  queues: number;
}

/** Callers counted ahead of a waiting caller, at most: beyond it they are told "more than". */
export const POSITION_KNOWN = 100;
/** The answer rate behind estimated waits is taken over this much recent time. */
const RATE_WINDOW_S = 15 * 60;

export async function sweep(
  ports: RoutingPorts & { sweeps: SweepStore; waiting: WaitingCallers },
): Promise<SweepReport> {
  const report: SweepReport = { missed: 0, announced: 0, overflowed: 0, wrappedUp: 0, offers: 0, queues: 0 };
  const now = ports.now();
  for (const { tenant, entry } of await ports.sweeps.dueWaits(now.toISOString())) {
    if (entry.waitDeadline !== undefined && Date.parse(entry.waitDeadline) <= now.getTime()) {
      const from = await overflowWaiting(ports, tenant, entry.callId);
      if (from === undefined) continue;
      if ((await ports.waiting.overflow(tenant, entry.callId, from)) === 'gone')
        await endRouting(ports, tenant, entry.callId, 'gone');
      report.overflowed += 1;
    } else if (entry.announceAt !== undefined && Date.parse(entry.announceAt) <= now.getTime()) {
      const queue = await ports.queues.queue(tenant, entry.queueId);
      const every = queue?.announceEverySeconds ?? 0;
      // The next one first: an announcement that fails is not repeated every second.
      await ports.store.rescheduleEntry(
        tenant,
        entry,
        every > 0 ? new Date(now.getTime() + every * 1000).toISOString() : undefined,
      );
      const position = (await ports.store.callsAhead(tenant, entry, POSITION_KNOWN)) + 1;
      const { answered } = await ports.store.countersBetween(
        tenant,
        entry.queueId,
        new Date(now.getTime() - RATE_WINDOW_S * 1000),
        now,
      );
      const ewtSeconds = estimatedWaitSeconds(position, answered, RATE_WINDOW_S);
      const outcome = await ports.waiting.announce(tenant, entry.callId, {
        position,
        known: POSITION_KNOWN,
        ...(ewtSeconds === undefined ? {} : { ewtSeconds }),
      });
      if (outcome === 'gone') await endRouting(ports, tenant, entry.callId, 'gone');
      else report.announced += 1;
    }
  }
  for (const { tenant, agentId } of await ports.sweeps.dueAgents(now.toISOString())) {
    const state = (await ports.store.agent(tenant, agentId))?.state;
    try {
      if (
        state?.status === 'reserved' &&
        state.call?.offerExpiresAt !== undefined &&
        Date.parse(state.call.offerExpiresAt) <= now.getTime()
      ) {
        // A consultation left ringing leaves the consulting agent with the caller; a call goes back to its queue.
        if (state.call.consultOf !== undefined)
          await returnConsultation(ports, tenant, agentId, state.call.callId, 'miss');
        else await returnOffer(ports, tenant, agentId, state.call.callId, 'miss');
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
