/**
 * What agents and supervisors are told as it happens: each committed change of an agent's state or of a
 * call's place becomes a live event, addressed to the agent concerned and to the tenant's supervisors.
 * Built from the change itself (the item before and after, as the table's stream delivers it), so every
 * change is told whichever handler made it, and a change that alters nothing they see is not told.
 */
import type { TenantId } from '../tenancy/ids.ts';
import { type AgentState, agentView } from './agent-state.ts';
import type { CallRouting } from './routing-store.ts';

export type Audience =
  | { readonly kind: 'agent'; readonly agentId: string }
  | { readonly kind: 'supervisors' };

export interface LiveEvent {
  readonly tenant: TenantId;
  readonly audience: readonly Audience[];
  readonly message: { readonly type: string } & Readonly<Record<string, unknown>>;
}

/** An agent-state item changed (undefined: the item did not exist, or was deleted). */
export function agentStateEvent(
  tenant: TenantId,
  before: AgentState | undefined,
  after: AgentState | undefined,
): LiveEvent | undefined {
  if (after === undefined || before?.version === after.version) return undefined;
  return {
    tenant,
    audience: [{ kind: 'agent', agentId: after.agentId }, { kind: 'supervisors' }],
    message: {
      type: 'agent.state',
      agentId: after.agentId,
      version: after.version,
      previousStatus: before?.status ?? 'offline',
      state: agentView(after),
    },
  };
}

/** The fields of a call record that the live view shows. */
export interface CallSnapshot {
  readonly callId: string;
  readonly status: string;
  readonly caller?: string;
  readonly dialled?: string;
  readonly startedAt?: string;
  readonly answeredAt?: string;
  readonly endedAt?: string;
  readonly endReason?: string;
  readonly queue?: { readonly id: string };
  readonly routing?: CallRouting;
  readonly media?: { readonly held?: boolean; readonly muted?: boolean; readonly parties?: number };
}

/** A call record changed: supervisors see calls arrive, queue, connect, hold and end. */
export function callEvent(
  tenant: TenantId,
  before: CallSnapshot | undefined,
  after: CallSnapshot | undefined,
): LiveEvent | undefined {
  if (after === undefined) return undefined;
  const shown = callView(after);
  if (before !== undefined && JSON.stringify(callView(before)) === JSON.stringify(shown)) return undefined;
  return { tenant, audience: [{ kind: 'supervisors' }], message: { type: 'call', ...shown } };
}

function callView(call: CallSnapshot) {
  return {
    callId: call.callId,
    status: call.status,
    caller: call.caller,
    dialled: call.dialled,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    endReason: call.endReason,
    queueId: call.routing?.entry.queueId ?? call.queue?.id,
    enqueuedAt: call.routing?.entry.enqueuedAt,
    routing: call.routing?.state,
    agentId: call.routing !== undefined && 'agentId' in call.routing ? call.routing.agentId : undefined,
    held: call.media?.held ?? false,
    muted: call.media?.muted ?? false,
  };
}
