/**
 * Consultations, in routing: an agent on a call consults another agent or a number while the caller holds,
 * then completes a warm transfer, makes it a three-party conference, or ends the consultation. Each step
 * is one conditional write over every agent it touches (the consulting agent, and a consulted agent), so
 * a consultation racing the caller's hang-up, the offer's ring-out or a second click cannot leave an
 * agent reserved or on a call that is gone. The media side is in ./agent-desk.ts.
 */
import { ConflictError, NotFoundError } from '../errors.ts';
import type { TenantId } from '../tenancy/ids.ts';
import { type AgentCall, type AgentState, type Consultation, transition } from './agent-state.ts';
import {
  ATTEMPTS,
  agentWrite,
  assignForAgent,
  CANDIDATE_PAGE,
  type ConsultLeftover,
  connectedCall,
  leavingAgent,
  type RoutingPorts,
} from './dispatch.ts';
import type { StoredAgent } from './routing-store.ts';
import { order } from './strategies.ts';

/** How long a consulted agent's desk rings when the call's queue says nothing (an agent's own call out). */
const CONSULT_RING_SECONDS = 15;

/**
 * The agent starts consulting `guestId`, who must be available: the guest is offered the consultation
 * (reserved, ringing) and the caller holds. Returns the consulting agent's state.
 */
export async function offerConsultation(
  ports: RoutingPorts,
  tenant: TenantId,
  hostId: string,
  callId: string,
  guestId: string,
): Promise<AgentState> {
  if (guestId === hostId) throw new ConflictError('you cannot consult yourself');
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { routing, agent: host } = await connectedCall(ports, tenant, hostId, callId);
    const guest = await ports.store.agent(tenant, guestId);
    if (guest?.state.status !== 'available') throw new ConflictError(`agent ${guestId} is not available`);
    const ring =
      (await ports.queues.queue(tenant, routing.entry.queueId))?.ringTimeoutSeconds ?? CONSULT_RING_SECONDS;
    const now = ports.now();
    const hostNext = transition(
      host.state,
      { kind: 'consult', callId, consult: { kind: 'agent', agentId: guestId, state: 'ringing' } },
      now,
    );
    const guestNext = transition(
      guest.state,
      {
        kind: 'reserve',
        callId,
        queueId: routing.entry.queueId,
        ringTimeoutSeconds: ring,
        consultOf: hostId,
      },
      now,
    );
    const writes = [
      await agentWrite(ports, tenant, host, hostNext),
      await agentWrite(ports, tenant, guest, guestNext),
    ];
    if (await ports.store.saveAgents(tenant, writes)) {
      await ports.offered?.(tenant, {
        entry: routing.entry,
        agentIds: [guestId],
        ringAll: false,
        expiresAt: guestNext.call?.offerExpiresAt ?? now.toISOString(),
        consultOf: hostId,
      });
      return hostNext;
    }
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/** The agent starts consulting a number, whose call (`consultCallId`) has been placed; the caller holds. */
export async function startNumberConsultation(
  ports: RoutingPorts,
  tenant: TenantId,
  hostId: string,
  callId: string,
  consult: { number: string; consultCallId: string },
): Promise<AgentState> {
  const consultation: Consultation = {
    kind: 'number',
    number: consult.number,
    callId: consult.consultCallId,
    state: 'ringing',
  };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { agent: host } = await connectedCall(ports, tenant, hostId, callId);
    const next = transition(host.state, { kind: 'consult', callId, consult: consultation }, ports.now());
    if (await ports.store.saveAgent(tenant, await agentWrite(ports, tenant, host, next))) return next;
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/** A consulted agent's offer, and the agent who asks: a 409 if the offer is not (or no longer) there. */
async function consultOffer(
  ports: RoutingPorts,
  tenant: TenantId,
  guestId: string,
  callId: string,
): Promise<{ guest: StoredAgent; host: StoredAgent | undefined; call: AgentCall & { consultOf: string } }> {
  const guest = await ports.store.agent(tenant, guestId);
  const call = guest?.state.call;
  if (guest === undefined || call?.callId !== callId || call.consultOf === undefined)
    throw new ConflictError(`you are not consulted on call ${callId}`);
  const host = await ports.store.agent(tenant, call.consultOf);
  const consult = host?.state.call?.callId === callId ? host.state.call.consult : undefined;
  const asks = consult?.kind === 'agent' && consult.agentId === guestId;
  return { guest, host: asks ? host : undefined, call: { ...call, consultOf: call.consultOf } };
}

/**
 * The consulted agent answers: on the consultation (its seat in the consulting agent's meeting kept, to be
 * removed when it ends), and the consulting agent talking to it.
 */
export async function acceptConsultation(
  ports: RoutingPorts,
  tenant: TenantId,
  guestId: string,
  callId: string,
  guestSeat: NonNullable<AgentCall['guestSeat']>,
): Promise<AgentState> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { guest, host } = await consultOffer(ports, tenant, guestId, callId);
    if (guest.state.status !== 'reserved') throw new ConflictError('you have answered this consultation');
    if (host === undefined) throw new ConflictError('the consultation has ended');
    const now = ports.now();
    const answered = transition(guest.state, { kind: 'accept', callId }, now);
    const guestNext = transition(answered, { kind: 'consult-answered', callId, guestSeat }, now);
    const hostNext = transition(host.state, { kind: 'consult-answered', callId }, now);
    const writes = [
      { ...(await agentWrite(ports, tenant, guest, guestNext)) },
      await agentWrite(ports, tenant, host, hostNext),
    ];
    if (await ports.store.saveAgents(tenant, writes)) return guestNext;
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/**
 * A consulted agent declines, or lets the consultation ring out ('miss': not ready, like any offer left
 * ringing). The consulting agent is back with the caller on hold.
 */
export async function returnConsultation(
  ports: RoutingPorts,
  tenant: TenantId,
  guestId: string,
  callId: string,
  kind: 'decline' | 'miss',
): Promise<AgentState> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { guest, host } = await consultOffer(ports, tenant, guestId, callId);
    if (guest.state.status !== 'reserved') throw new ConflictError('you have answered this consultation');
    const now = ports.now();
    const guestNext = transition(guest.state, { kind, callId }, now);
    const writes = [await agentWrite(ports, tenant, guest, guestNext)];
    if (host !== undefined)
      writes.push(
        await agentWrite(ports, tenant, host, transition(host.state, { kind: 'consult-ended', callId }, now)),
      );
    if (await ports.store.saveAgents(tenant, writes)) {
      if (guestNext.status === 'available') await assignForAgent(ports, tenant, guestNext);
      return guestNext;
    }
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/**
 * Ends the consultation without a transfer, from either side: the consulted agent is released (its offer
 * withdrawn, or into wrap-up), and the consulting agent keeps the caller (on hold, or, after a conference,
 * still talking). Returns what the media must clear up.
 */
export async function endConsultation(
  ports: RoutingPorts,
  tenant: TenantId,
  agentId: string,
): Promise<ConsultLeftover> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const me = await ports.store.agent(tenant, agentId);
    const call =
      me?.state.status === 'on-call' || me?.state.status === 'reserved' ? me.state.call : undefined;
    if (me === undefined || call === undefined) throw new ConflictError('you are not on a call');
    const callId = call.callId;
    const hostId = call.consultOf ?? agentId;
    const host = call.consultOf === undefined ? me : await ports.store.agent(tenant, call.consultOf);
    const consult = host?.state.call?.callId === callId ? host.state.call.consult : undefined;
    if (call.consultOf === undefined && consult === undefined)
      throw new ConflictError('you are not consulting anyone');
    const now = ports.now();
    const writes = [];
    let leftover: ConsultLeftover = { callId };
    if (host !== undefined && consult !== undefined)
      writes.push(
        await agentWrite(ports, tenant, host, transition(host.state, { kind: 'consult-ended', callId }, now)),
      );
    if (consult?.kind === 'number') leftover = { callId, consultCallId: consult.callId };
    const guestId = call.consultOf !== undefined ? agentId : consult?.kind === 'agent' ? consult.agentId : '';
    const guest =
      guestId === agentId ? me : guestId === '' ? undefined : await ports.store.agent(tenant, guestId);
    const guestCall = guest?.state.call;
    let released: AgentState | undefined;
    if (guest !== undefined && guestCall?.callId === callId && guestCall.consultOf === hostId) {
      const routing = await ports.store.callRouting(tenant, callId);
      if (routing === undefined) throw new NotFoundError(`no call ${callId}`);
      const write = await leavingAgent(ports, tenant, guest, routing);
      writes.push(write);
      released = write.next;
      if (guestCall.guestSeat !== undefined) leftover = { callId, guestSeat: guestCall.guestSeat };
    }
    if (writes.length === 0) return leftover;
    if (await ports.store.saveAgents(tenant, writes)) {
      if (released?.status === 'available') await assignForAgent(ports, tenant, released);
      return leftover;
    }
  }
  throw new ConflictError('the consultation kept changing; try again');
}

/**
 * The consulted party answered (a consulted number's call reached the consulting agent's meeting): the
 * consulting agent is talking to it. A consultation that has ended meanwhile changes nothing.
 */
export async function numberConsultAnswered(
  ports: RoutingPorts,
  tenant: TenantId,
  callId: string,
  consultCallId: string,
): Promise<void> {
  await changeNumberConsultation(ports, tenant, callId, consultCallId, 'consult-answered');
}

/** A consulted number hung up (or never answered): the consulting agent is back with the caller. */
export async function numberConsultEnded(
  ports: RoutingPorts,
  tenant: TenantId,
  callId: string,
  consultCallId: string,
): Promise<void> {
  await changeNumberConsultation(ports, tenant, callId, consultCallId, 'consult-ended');
}

async function changeNumberConsultation(
  ports: RoutingPorts,
  tenant: TenantId,
  callId: string,
  consultCallId: string,
  kind: 'consult-answered' | 'consult-ended',
): Promise<void> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const routing = await ports.store.callRouting(tenant, callId);
    if (routing?.state !== 'connected') return;
    const host = await ports.store.agent(tenant, routing.agentId);
    const consult = host?.state.call?.callId === callId ? host.state.call.consult : undefined;
    if (host === undefined || consult?.kind !== 'number' || consult.callId !== consultCallId) return;
    const next = transition(host.state, { kind, callId }, ports.now());
    if (next === host.state) return;
    if (await ports.store.saveAgent(tenant, await agentWrite(ports, tenant, host, next))) return;
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/** The consulting agent joins the caller to the consultation: all three talk. */
export async function startConference(
  ports: RoutingPorts,
  tenant: TenantId,
  hostId: string,
  callId: string,
): Promise<AgentState> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { agent: host } = await connectedCall(ports, tenant, hostId, callId);
    const next = transition(host.state, { kind: 'conference', callId }, ports.now());
    if (next === host.state) return next;
    if (await ports.store.saveAgent(tenant, await agentWrite(ports, tenant, host, next))) return next;
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/**
 * A warm transfer completes: the consulting agent leaves the call (into wrap-up), all or nothing with the
 * other side — a consulted agent takes the caller over (routing connected to it), or the call leaves the
 * contact center for the consulted number ('transferred'). The consulted party must have answered.
 */
export async function completeTransfer(
  ports: RoutingPorts,
  tenant: TenantId,
  hostId: string,
  callId: string,
): Promise<{
  host: AgentState;
  consult: Consultation;
  /** The queue the call belongs to (where it returns if a transfer to a number falls through). */
  queueId: string;
  guest?: AgentState;
  guestSeat?: AgentCall['guestSeat'];
}> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { routing, agent: host } = await connectedCall(ports, tenant, hostId, callId);
    const consult = host.state.call?.consult;
    if (consult === undefined) throw new ConflictError('you are not consulting anyone');
    if (consult.state !== 'talking')
      throw new ConflictError('the consulted party has not answered yet: wait, or end the consultation');
    const leaving = await leavingAgent(ports, tenant, host, routing);
    if (consult.kind === 'number') {
      if (await ports.store.leave(tenant, routing, 'transferred', leaving)) {
        if (leaving.next.status === 'available') await assignForAgent(ports, tenant, leaving.next);
        return { host: leaving.next, consult, queueId: routing.entry.queueId };
      }
      continue;
    }
    const guest = await ports.store.agent(tenant, consult.agentId);
    const guestCall = guest?.state.call;
    if (guest?.state.status !== 'on-call' || guestCall?.callId !== callId || guestCall.consultOf !== hostId)
      throw new ConflictError(`agent ${consult.agentId} is no longer on the consultation`);
    const takes = transition(guest.state, { kind: 'take-over', callId }, ports.now());
    const to = await agentWrite(ports, tenant, guest, takes);
    if (await ports.store.handOver(tenant, routing, leaving, to, 'connected'))
      return {
        host: leaving.next,
        consult,
        queueId: routing.entry.queueId,
        guest: takes,
        ...(guestCall.guestSeat === undefined ? {} : { guestSeat: guestCall.guestSeat }),
      };
  }
  throw new ConflictError(`call ${callId} kept changing; try again`);
}

/** The agents of a queue free to be consulted, best first by the queue's strategy (one page of them). */
export async function availableInQueue(
  ports: RoutingPorts,
  tenant: TenantId,
  queueId: string,
): Promise<string[]> {
  const queue = await ports.queues.queue(tenant, queueId);
  if (queue === undefined) throw new NotFoundError(`no queue ${queueId}`);
  const page = await ports.store.candidates(tenant, queueId, CANDIDATE_PAGE);
  return order(queue.strategy, page, ports.now()).map((hint) => hint.agentId);
}
