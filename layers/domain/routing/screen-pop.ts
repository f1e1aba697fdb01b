/**
 * The screen pop: what an agent sees of the call it is offered or on — who calls, which number, which queue
 * and since when, what the caller chose and what the data lookups found in the IVR (sensitive values
 * masked), and the customer's last calls with the tenant. An agent sees only its own call.
 */
import { NotFoundError } from '../errors.ts';
import type { TenantId } from '../tenancy/ids.ts';
import type { RoutingStore } from './routing-store.ts';

/** A call as the desk and supervisors see it. */
export interface CallDetails {
  readonly callId: string;
  readonly caller: string;
  readonly dialled: string;
  readonly status: string;
  readonly direction: 'inbound' | 'outbound';
  readonly startedAt: string;
  readonly queue?: { readonly id: string };
  readonly answeredAt?: string;
  readonly endedAt?: string;
  readonly endReason?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly disposition?: { readonly code: string; readonly notes: string; readonly agentId: string };
}

export interface ScreenPopPorts {
  readonly store: Pick<RoutingStore, 'agent' | 'callRouting' | 'recentAgentCalls'>;
  readonly calls: {
    details(tenant: TenantId, callId: string): Promise<CallDetails | undefined>;
    recentByCaller(tenant: TenantId, caller: string, limit: number): Promise<CallDetails[]>;
  };
}

/** How many earlier calls of the customer the screen pop lists. */
export const HISTORY_LENGTH = 5;

export interface ScreenPop {
  readonly call: CallDetails & { readonly enqueuedAt?: string };
  readonly history: readonly CallDetails[];
}

export async function screenPop(
  ports: ScreenPopPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
): Promise<ScreenPop> {
  const mine = (await ports.store.agent(tenant, agentId))?.state.call?.callId === callId;
  // Another agent's call, another tenant's, or none at all: the same answer, so nothing is learnt.
  const call = mine ? await ports.calls.details(tenant, callId) : undefined;
  if (call === undefined) throw new NotFoundError(`call ${callId} is not on your desk`);
  const routing = await ports.store.callRouting(tenant, callId);
  const enqueuedAt = routing?.entry.outbound === true ? undefined : routing?.entry.enqueuedAt;
  const earlier = await ports.calls.recentByCaller(tenant, call.caller, HISTORY_LENGTH + 1);
  return {
    call: { ...call, ...(enqueuedAt === undefined ? {} : { enqueuedAt }) },
    history: earlier.filter((c) => c.callId !== callId).slice(0, HISTORY_LENGTH),
  };
}

/** How many of the agent's own recent calls its desk lists. */
export const RECENT_CALLS = 10;

/** The agent's latest answered calls, newest first, with what became of them (caller, status, disposition). */
export async function recentCalls(ports: ScreenPopPorts, tenant: TenantId, agentId: string) {
  const answered = await ports.store.recentAgentCalls(tenant, agentId, RECENT_CALLS);
  const details = await Promise.all(answered.map((c) => ports.calls.details(tenant, c.callId)));
  return answered.map((c, i) => ({ ...c, ...(details[i] === undefined ? {} : { call: details[i] }) }));
}
