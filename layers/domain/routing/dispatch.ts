/**
 * The automatic call distributor, as services over the routing store. No lock, no single dispatcher: any
 * number of handler instances may run these at once, because every decision is committed by one
 * conditional transaction that checks what it read (the call still waiting, the agent still available at
 * the version read). A loser re-reads or moves on to the next candidate. Reads stay bounded: the queue's
 * head and the first page of its availability hints, never all agents.
 */
import { ConflictError, NotFoundError } from '../errors.ts';
import type { TenantId } from '../tenancy/ids.ts';
import { type AgentAction, type AgentState, offlineAgent, transition } from './agent-state.ts';
import type { QueueConfig } from './queue-config.ts';
import type {
  AgentWrite,
  CallRouting,
  OutboundCall,
  QueueDirectory,
  QueuedCall,
  QueueEntry,
  RoutingEnd,
  RoutingStore,
  StoredAgent,
} from './routing-store.ts';
import { type AvailabilityHint, eligible, hintFor, order } from './strategies.ts';

export interface RoutingPorts {
  readonly store: RoutingStore;
  readonly queues: QueueDirectory;
  readonly now: () => Date;
  readonly random?: () => number;
  /** Tells the agents of an offer (pushed to their connections); called for every offer made. */
  readonly offered?: (tenant: TenantId, offer: Offer) => Promise<void>;
  /**
   * A consultation ended with its call (the caller hung up, say): what it left in the media is cleared up
   * (the consulted agent's seat in the meeting, the call to a consulted number).
   */
  readonly consultLeft?: (tenant: TenantId, leftover: ConsultLeftover) => Promise<void>;
}

/** What a consultation leaves in the media when it ends. */
export interface ConsultLeftover {
  /** The caller's call the consultation was about. */
  readonly callId: string;
  /** A consulted number's own call, to hang up. */
  readonly consultCallId?: string;
  /** A consulted agent's seat in the consulting agent's meeting, to remove. */
  readonly guestSeat?: { readonly meetingId: string; readonly attendeeId: string };
}

/** An offer made: the call is reserved for the agent (or, in a ring-all queue, rung at every agent). */
export interface Offer {
  readonly entry: QueueEntry;
  readonly agentIds: readonly string[];
  readonly ringAll: boolean;
  readonly expiresAt: string;
  /** A consultation, not a call from the queue: the agent who asks. */
  readonly consultOf?: string;
}

/** Callers read from a queue's head per assignment round. */
export const HEAD_PAGE = 10;
/** Availability hints read per assignment round (and agents rung at once in a ring-all queue). */
export const CANDIDATE_PAGE = 25;
/** Attempts at a transition that lost a race before giving up with a 409. */
export const ATTEMPTS = 8;

// ------------------------------------------------------------------------------------------ agents

/** Applies an agent action (log in, ready, not ready, end wrap-up...), retrying if it raced another change. */
export async function changeAgentState(
  ports: RoutingPorts,
  tenant: TenantId,
  agentId: string,
  action: AgentAction,
): Promise<AgentState> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const stored = (await ports.store.agent(tenant, agentId)) ?? {
      state: offlineAgent(agentId, ports.now()),
      hints: [],
    };
    const next = transition(stored.state, action, ports.now());
    if (next === stored.state) return next;
    if (await ports.store.saveAgent(tenant, await agentWrite(ports, tenant, stored, next))) {
      if (next.status === 'available') await assignForAgent(ports, tenant, next);
      return next;
    }
  }
  throw new ConflictError(`agent ${agentId} kept changing; try again`);
}

/** The write for a transition: hints replaced by fresh ones while available, removed otherwise. */
export async function agentWrite(
  ports: RoutingPorts,
  tenant: TenantId,
  stored: StoredAgent,
  next: AgentState,
): Promise<AgentWrite> {
  const putHints: AgentWrite['putHints'][number][] = [];
  if (next.status === 'available') {
    for (const queueId of Object.keys(next.queues)) {
      const queue = await ports.queues.queue(tenant, queueId);
      if (queue === undefined) continue; // a queue removed since the agent logged in
      putHints.push({ ...hintFor(queue.strategy, next, queueId, queue, ports.random), queueId });
    }
  }
  return { next, expectedVersion: stored.state.version, removeHints: stored.hints, putHints };
}

/** An agent just became available: offer it the best waiting call of its queues, in queue priority. */
export async function assignForAgent(
  ports: RoutingPorts,
  tenant: TenantId,
  agent: AgentState,
): Promise<void> {
  const queues = Object.entries(agent.queues).sort(([, a], [, b]) => a - b);
  for (const [queueId] of queues) {
    const offers = await assignQueue(ports, tenant, queueId);
    if (offers.some((o) => o.agentIds.includes(agent.agentId) && !o.ringAll)) return;
  }
}

// ------------------------------------------------------------------------------------------ calls

export type EnqueueOutcome = 'queued' | 'full' | 'already-queued';

export async function enqueueCall(
  ports: RoutingPorts,
  tenant: TenantId,
  entry: QueueEntry,
): Promise<EnqueueOutcome> {
  const queue = await requireQueue(ports, tenant, entry.queueId);
  if ((await ports.store.queueLength(tenant, entry.queueId, queue.maxSize)) >= queue.maxSize)
    // A repeated enqueue of a call already in the full queue must not send it to the overflow.
    return (await ports.store.callRouting(tenant, entry.callId)) === undefined ? 'full' : 'already-queued';
  if (!(await ports.store.enqueue(tenant, { ...entry, ...waitTimes(queue, entry.enqueuedAt) })))
    return 'already-queued';
  await assignQueue(ports, tenant, entry.queueId);
  return 'queued';
}

/**
 * One assignment round for a queue: its first waiting callers, each matched with the best eligible agent
 * of the first page of hints. Ring-all rings every eligible agent of the page instead of reserving one.
 */
export async function assignQueue(ports: RoutingPorts, tenant: TenantId, queueId: string): Promise<Offer[]> {
  const offers = await matchQueue(ports, tenant, queueId);
  for (const offer of offers) await ports.offered?.(tenant, offer);
  return offers;
}

async function matchQueue(ports: RoutingPorts, tenant: TenantId, queueId: string): Promise<Offer[]> {
  const queue = await ports.queues.queue(tenant, queueId);
  if (queue === undefined) return [];
  const head = await ports.store.queueHead(tenant, queueId, HEAD_PAGE);
  if (head.length === 0) return [];
  const now = ports.now();
  const page = order(queue.strategy, await ports.store.candidates(tenant, queueId, CANDIDATE_PAGE), now);
  const expiresAt = new Date(now.getTime() + queue.ringTimeoutSeconds * 1000).toISOString();
  if (queue.strategy === 'ring-all') {
    const { entry } = head[0] as QueuedCall;
    const agentIds = page.filter((h) => canTake(h, entry, queue, now)).map((h) => h.agentId);
    return agentIds.length === 0 ? [] : [{ entry, agentIds, ringAll: true, expiresAt }];
  }
  const offers: Offer[] = [];
  const spent = new Set<string>();
  for (const call of head) {
    const { entry } = call;
    for (const hint of page) {
      if (spent.has(hint.agentId) || !canTake(hint, entry, queue, now)) continue;
      spent.add(hint.agentId);
      const outcome = await reserve(ports, tenant, call, hint, queue);
      if (outcome === 'reserved') {
        offers.push({ entry, agentIds: [hint.agentId], ringAll: false, expiresAt });
        break;
      }
      if (outcome === 'entry-gone') break; // another dispatcher offered it, or the caller left
    }
  }
  return offers;
}

function canTake(hint: AvailabilityHint, entry: QueueEntry, queue: QueueConfig, now: Date): boolean {
  return !entry.declinedBy.includes(hint.agentId) && eligible(hint, entry, queue, now);
}

/** Reads the agent behind a hint and, if it is as the hint says, reserves it for the call. */
async function reserve(
  ports: RoutingPorts,
  tenant: TenantId,
  call: QueuedCall,
  hint: AvailabilityHint,
  queue: QueueConfig,
): Promise<'reserved' | 'entry-gone' | 'agent-changed'> {
  const { entry } = call;
  const stored = await ports.store.agent(tenant, hint.agentId);
  if (stored === undefined || stored.state.status !== 'available' || stored.state.version !== hint.version) {
    await ports.store.dropHint(tenant, entry.queueId, hint);
    return 'agent-changed';
  }
  const next = transition(
    stored.state,
    {
      kind: 'reserve',
      callId: entry.callId,
      queueId: entry.queueId,
      ringTimeoutSeconds: queue.ringTimeoutSeconds,
    },
    ports.now(),
  );
  const outcome = await ports.store.reserve(
    tenant,
    call,
    { next, expectedVersion: stored.state.version, removeHints: stored.hints, putHints: [] },
    stored.state.idleSince,
  );
  if (outcome === 'agent-changed') await ports.store.dropHint(tenant, entry.queueId, hint);
  return outcome;
}

/**
 * The agent takes the call. In a ring-all queue the call is still waiting: the first agent to accept
 * reserves it (the others then find it gone), then connects.
 */
export async function acceptOffer(
  ports: RoutingPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
): Promise<{ entry: QueueEntry; agent: AgentState }> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const routing = await ports.store.callRouting(tenant, callId);
    if (routing?.state === 'waiting') {
      const queue = await requireQueue(ports, tenant, routing.entry.queueId);
      if (queue.strategy !== 'ring-all')
        throw new ConflictError(`call ${callId} is not offered to agent ${agentId}`);
      const stored = await ports.store.agent(tenant, agentId);
      if (stored?.state.status !== 'available') throw new ConflictError(`agent ${agentId} is not available`);
      const reserved = transition(
        stored.state,
        {
          kind: 'reserve',
          callId,
          queueId: routing.entry.queueId,
          ringTimeoutSeconds: queue.ringTimeoutSeconds,
        },
        ports.now(),
      );
      const outcome = await ports.store.reserve(
        tenant,
        { entry: routing.entry, routingVersion: routing.version },
        {
          next: reserved,
          expectedVersion: stored.state.version,
          removeHints: stored.hints,
          putHints: [],
        },
      );
      if (outcome === 'entry-gone') throw new ConflictError(`call ${callId} was taken by another agent`);
      continue; // reserved for us (or we raced our own change): connect on the next pass
    }
    if (routing?.state !== 'offered' || routing.agentId !== agentId)
      throw new ConflictError(`call ${callId} is not offered to agent ${agentId}`);
    const stored = await ports.store.agent(tenant, agentId);
    if (stored === undefined) throw new NotFoundError(`no agent ${agentId}`);
    const next = transition(stored.state, { kind: 'accept', callId }, ports.now());
    const write = { next, expectedVersion: stored.state.version, removeHints: [], putHints: [] };
    if (await ports.store.connect(tenant, routing, write)) {
      // A call counts for its queue once, when first answered (not again after a transfer).
      const answeredBefore = routing.entry.answered === true || routing.timeline?.answeredAt !== undefined;
      if (routing.entry.outbound !== true && !answeredBefore) {
        const now = ports.now();
        const waitMs = now.getTime() - Date.parse(routing.entry.enqueuedAt);
        const config = await ports.queues.queue(tenant, routing.entry.queueId).catch(() => undefined);
        const target = (config?.serviceLevelSeconds ?? 20) * 1000;
        // The queue's answer rate and service level (estimated waits, wallboards): a counter, not a record;
        // a failure to count must not undo the answer.
        await ports.store
          .recordAnswer(tenant, routing.entry.queueId, waitMs, now, waitMs <= target)
          .catch(() => undefined);
      }
      await ports.store.recordAgentAnswer(tenant, agentId, ports.now()).catch(() => undefined);
      return { entry: routing.entry, agent: next };
    }
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/**
 * The agent declined, or let the offer ring out ('miss': the agent becomes not-ready). The call goes back
 * to where it was in the queue, and is not offered to this agent again.
 */
export async function returnOffer(
  ports: RoutingPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
  kind: 'decline' | 'miss',
): Promise<AgentState> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const routing = await ports.store.callRouting(tenant, callId);
    if (routing?.state !== 'offered' || routing.agentId !== agentId)
      throw new ConflictError(`call ${callId} is not offered to agent ${agentId}`);
    // An agent's own call out that rang too long is not for any queue: it ends.
    if (routing.entry.outbound === true) {
      await endRouting(ports, tenant, callId, 'gone');
      const after = await ports.store.agent(tenant, agentId);
      if (after === undefined) throw new NotFoundError(`no agent ${agentId}`);
      return after.state;
    }
    const stored = await ports.store.agent(tenant, agentId);
    if (stored === undefined) throw new NotFoundError(`no agent ${agentId}`);
    const next = transition(stored.state, { kind, callId }, ports.now());
    const entry = { ...routing.entry, declinedBy: [...routing.entry.declinedBy, agentId] };
    if (await ports.store.requeue(tenant, routing, entry, await agentWrite(ports, tenant, stored, next))) {
      await assignQueue(ports, tenant, entry.queueId);
      return next;
    }
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/**
 * The call left routing: the caller hung up (waiting, ringing or talking), the agent hung up, or the call
 * overflowed. Its agent, if it had one, is released (back to available from ringing, into after-call
 * work from a conversation). A call that already left changes nothing.
 */
export async function endRouting(
  ports: RoutingPorts,
  tenant: TenantId,
  callId: string,
  outcome: RoutingEnd,
): Promise<CallRouting | undefined> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const routing = await ports.store.callRouting(tenant, callId);
    if (routing === undefined || ENDED.has(routing.state)) return routing;
    // A caller is overflowed only from the queue: one an agent has taken (or is ringing for) stays.
    if (outcome === 'overflowed' && routing.state !== 'waiting') return routing;
    // Only a call in conversation is transferred out.
    if (outcome === 'transferred' && routing.state !== 'connected') return routing;
    let write: AgentWrite | undefined;
    let consulted: AgentWrite | undefined;
    let leftover: ConsultLeftover | undefined;
    if (routing.state === 'offered' || routing.state === 'connected') {
      const stored = await ports.store.agent(tenant, routing.agentId);
      if (stored !== undefined && stored.state.call?.callId === callId) {
        write = await leavingAgent(ports, tenant, stored, routing);
        const consult = stored.state.call.consult;
        if (consult?.kind === 'number') leftover = { callId, consultCallId: consult.callId };
        if (consult?.kind === 'agent') {
          // The consulted agent is released with the call (its offer withdrawn, or into wrap-up).
          const guest = await ports.store.agent(tenant, consult.agentId);
          const guestCall = guest?.state.call;
          if (
            guest !== undefined &&
            guestCall?.callId === callId &&
            guestCall.consultOf === routing.agentId
          ) {
            consulted = await leavingAgent(ports, tenant, guest, routing);
            leftover = {
              callId,
              ...(guestCall.guestSeat === undefined ? {} : { guestSeat: guestCall.guestSeat }),
            };
          }
        }
      }
    }
    if (await ports.store.leave(tenant, routing, outcome, write, consulted)) {
      // The media first: what follows is best effort, and must not keep a consultation in a meeting.
      if (leftover !== undefined) await ports.consultLeft?.(tenant, leftover);
      for (const released of [write?.next, consulted?.next])
        if (released?.status === 'available')
          await assignForAgent(ports, tenant, released).catch(() => undefined);
      const everAnswered = routing.entry.answered === true || routing.timeline?.answeredAt !== undefined;
      if (
        outcome === 'gone' &&
        routing.state !== 'connected' &&
        routing.entry.outbound !== true &&
        !everAnswered
      )
        await countAbandon(ports, tenant, routing.entry).catch(() => undefined);
      return routing;
    }
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/** A caller who hung up before an agent answered: counted for the queue's service level. */
async function countAbandon(ports: RoutingPorts, tenant: TenantId, entry: QueueEntry): Promise<void> {
  const now = ports.now();
  const waitMs = now.getTime() - Date.parse(entry.enqueuedAt);
  const target = ((await ports.queues.queue(tenant, entry.queueId))?.serviceLevelSeconds ?? 20) * 1000;
  await ports.store.recordAbandon(tenant, entry.queueId, waitMs, now, waitMs > target).catch(() => undefined);
}

const ENDED: ReadonlySet<CallRouting['state']> = new Set(['gone', 'overflowed', 'transferred']);

// ------------------------------------------------------------------------------------------ transfers

/** The call the agent is talking to, as routing has it; a 409 if the agent is not connected to it. */
export async function connectedCall(
  ports: RoutingPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
): Promise<{ routing: CallRouting; agent: StoredAgent }> {
  const routing = await ports.store.callRouting(tenant, callId);
  if (routing?.state !== 'connected' || routing.agentId !== agentId)
    throw new ConflictError(`you are not connected to call ${callId}`);
  const agent = await ports.store.agent(tenant, agentId);
  if (agent === undefined) throw new NotFoundError(`no agent ${agentId}`);
  return { routing, agent };
}

/** The call ends for one of its agents: into wrap-up (or back from ringing, for an offer). */
export async function leavingAgent(
  ports: RoutingPorts,
  tenant: TenantId,
  agent: StoredAgent,
  routing: CallRouting,
): Promise<AgentWrite> {
  const queue = await ports.queues.queue(tenant, routing.entry.queueId);
  const next = transition(
    agent.state,
    { kind: 'call-ended', callId: routing.entry.callId, acwSeconds: queue?.acwSeconds ?? 30 },
    ports.now(),
  );
  return agentWrite(ports, tenant, agent, next);
}

/**
 * A blind transfer to a queue: the caller waits in that queue (as a new arrival, at their priority) and
 * the agent goes to wrap-up. A full queue refuses the transfer, and the agent keeps the call.
 */
export async function transferToQueue(
  ports: RoutingPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
  queueId: string,
): Promise<AgentState> {
  const queue = await requireQueue(ports, tenant, queueId);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { routing, agent } = await connectedCall(ports, tenant, agentId, callId);
    if ((await ports.store.queueLength(tenant, queueId, queue.maxSize)) >= queue.maxSize)
      throw new ConflictError(`queue '${queueId}' is full`);
    if (agent.state.call?.consult !== undefined)
      throw new ConflictError('you are consulting: complete the transfer, or end the consultation first');
    const enqueuedAt = ports.now().toISOString();
    const entry: QueueEntry = {
      ...routing.entry,
      queueId,
      enqueuedAt,
      declinedBy: [],
      answered: true,
      ...waitTimes(queue, enqueuedAt),
    };
    const leaving = await leavingAgent(ports, tenant, agent, routing);
    if (await ports.store.requeue(tenant, routing, entry, leaving)) {
      await assignQueue(ports, tenant, queueId);
      return leaving.next;
    }
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/**
 * A blind transfer to an agent, who must be available: the call is offered to them at once (it rings for
 * the ring timeout of the call's queue; declined or missed, it goes back to that queue), and the agent who
 * transferred it goes to wrap-up.
 */
export async function transferToAgent(
  ports: RoutingPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
  targetId: string,
): Promise<AgentState> {
  if (targetId === agentId) throw new ConflictError('you cannot transfer a call to yourself');
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { routing, agent } = await connectedCall(ports, tenant, agentId, callId);
    if (agent.state.call?.consult !== undefined)
      throw new ConflictError('you are consulting: complete the transfer, or end the consultation first');
    const queue = await requireQueue(ports, tenant, routing.entry.queueId);
    const target = await ports.store.agent(tenant, targetId);
    if (target?.state.status !== 'available') throw new ConflictError(`agent ${targetId} is not available`);
    const reserved = transition(
      target.state,
      {
        kind: 'reserve',
        callId,
        queueId: routing.entry.queueId,
        ringTimeoutSeconds: queue.ringTimeoutSeconds,
      },
      ports.now(),
    );
    const leaving = await leavingAgent(ports, tenant, agent, routing);
    const to = {
      next: reserved,
      expectedVersion: target.state.version,
      removeHints: target.hints,
      putHints: [],
    };
    if (await ports.store.handOver(tenant, routing, leaving, to)) {
      await ports.offered?.(tenant, {
        entry: routing.entry,
        agentIds: [targetId],
        ringAll: false,
        expiresAt: reserved.call?.offerExpiresAt ?? ports.now().toISOString(),
      });
      return leaving.next;
    }
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/** A transfer out of the contact center (to a number): routing ends for the call, the agent goes to wrap-up. */
export async function transferOut(
  ports: RoutingPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
): Promise<void> {
  await connectedCall(ports, tenant, agentId, callId);
  const routing = await endRouting(ports, tenant, callId, 'transferred');
  if (routing?.state !== 'connected' || routing.agentId !== agentId)
    throw new ConflictError(`call ${callId} changed while it was being transferred; try again`);
}

/**
 * A call comes back to a queue as a new arrival: one transferred out that nobody answered (to the queue it
 * came from), or one that overflowed to another queue (`queueId`). Anything else (the caller gone, the
 * call back already) is left as it is; a full target queue keeps the call out.
 */
export async function returnToQueue(
  ports: RoutingPorts,
  tenant: TenantId,
  callId: string,
  queueId?: string,
): Promise<'queued' | 'not-returned' | 'full'> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const routing = await ports.store.callRouting(tenant, callId);
    const from = queueId === undefined ? 'transferred' : 'overflowed';
    if (routing?.state !== from) return 'not-returned';
    const target = queueId ?? routing.entry.queueId;
    const queue = await ports.queues.queue(tenant, target);
    if (queue === undefined) return 'not-returned';
    if ((await ports.store.queueLength(tenant, target, queue.maxSize)) >= queue.maxSize) return 'full';
    const enqueuedAt = ports.now().toISOString();
    const entry: QueueEntry = {
      ...routing.entry,
      queueId: target,
      enqueuedAt,
      declinedBy: [],
      // A transfer out that nobody answered comes back answered before; an overflowed caller was not.
      ...(from === 'transferred' ? { answered: true } : {}),
      ...waitTimes(queue, enqueuedAt),
    };
    if (await ports.store.requeue(tenant, routing, entry, undefined)) {
      await assignQueue(ports, tenant, entry.queueId);
      return 'queued';
    }
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/** A waiting caller's overflow deadline and first announcement, from the queue's settings. */
function waitTimes(queue: QueueConfig, enqueuedAt: string): Pick<QueueEntry, 'waitDeadline' | 'announceAt'> {
  const at = Date.parse(enqueuedAt);
  return {
    waitDeadline: new Date(at + queue.maxWaitSeconds * 1000).toISOString(),
    ...(queue.announceEverySeconds > 0
      ? { announceAt: new Date(at + queue.announceEverySeconds * 1000).toISOString() }
      : {}),
  };
}

/**
 * A caller waited the queue's maximum: they leave the queue for its overflow target. Returns the queue
 * they overflowed from, or undefined if they were no longer waiting (an agent took them meanwhile).
 */
export async function overflowWaiting(
  ports: RoutingPorts,
  tenant: TenantId,
  callId: string,
): Promise<string | undefined> {
  const routing = await endRouting(ports, tenant, callId, 'overflowed');
  return routing?.state === 'waiting' ? routing.entry.queueId : undefined;
}

// ------------------------------------------------------------------------------------------ calls out

/** The queue id an agent's own call is routed under: not a valid queue id, so no queue can have it. */
export const OUTBOUND_QUEUE = '(outbound)';
/** How long an agent stays reserved for a call out that nobody answers and nobody reports. */
const OUTBOUND_RING_SECONDS = 90;

/**
 * An agent's call out begins: the call is routed to the agent at once (reserved while it rings at the far
 * end), so no queue offers the agent a call meanwhile. Only an agent who is available or not ready may.
 */
export async function startOutbound(
  ports: RoutingPorts,
  tenant: TenantId,
  agentId: string,
  call: OutboundCall,
): Promise<AgentState> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const stored = await ports.store.agent(tenant, agentId);
    if (stored === undefined) throw new NotFoundError('you are not logged in');
    const next = transition(
      stored.state,
      {
        kind: 'dial',
        callId: call.callId,
        queueId: OUTBOUND_QUEUE,
        ringTimeoutSeconds: OUTBOUND_RING_SECONDS,
      },
      ports.now(),
    );
    const entry: QueueEntry = {
      queueId: OUTBOUND_QUEUE,
      callId: call.callId,
      priority: 0,
      enqueuedAt: call.startedAt,
      skills: {},
      declinedBy: [],
      outbound: true,
    };
    const routing: CallRouting = {
      state: 'offered',
      entry,
      agentId,
      version: 1,
      timeline: { offeredAt: next.call?.offeredAt },
    };
    const outcome = await ports.store.startOutbound(
      tenant,
      call,
      routing,
      await agentWrite(ports, tenant, stored, next),
    );
    if (outcome === 'started') return next;
    if (outcome === 'call-ended')
      throw new ConflictError(`the call to ${call.to} ended at once: the line is busy or cannot be reached`);
  }
  throw new ConflictError(`agent ${agentId} kept changing; try again`);
}

/** The far end of an agent's call out answered (and joined the agent): the agent is on the call. */
export async function answerOutbound(ports: RoutingPorts, tenant: TenantId, callId: string): Promise<void> {
  const routing = await ports.store.callRouting(tenant, callId);
  if (routing?.state !== 'offered' || routing.entry.outbound !== true) return;
  await acceptOffer(ports, tenant, routing.agentId, callId);
}

async function requireQueue(ports: RoutingPorts, tenant: TenantId, queueId: string): Promise<QueueConfig> {
  const queue = await ports.queues.queue(tenant, queueId);
  if (queue === undefined) throw new NotFoundError(`no queue '${queueId}'`);
  return queue;
}
