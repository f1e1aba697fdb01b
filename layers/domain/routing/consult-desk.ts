/**
 * Warm transfers and conferences at the agent's desk. The agent consults another agent (or the best free
 * agent of a queue) or a number while the caller holds; then completes the transfer (the consulted party
 * has the caller, the agent goes to wrap-up), makes it a three-party conference, or ends the consultation
 * and goes back to the caller. Media: a consulted agent takes a seat in the consulting agent's meeting; a
 * consulted number is a call of its own that joins that meeting when answered. Routing first, then media,
 * as for every desk action (./agent-desk.ts); the routing side is ./consult.ts.
 */
import { dialableNumber } from '../calls/dialling.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { TenantId } from '../tenancy/ids.ts';
import type { AgentState } from './agent-state.ts';
import {
  acceptConsultation,
  availableInQueue,
  completeTransfer,
  endConsultation,
  offerConsultation,
  startConference,
  startNumberConsultation,
} from './consult.ts';
import {
  type AgentDeskPorts,
  callerGone,
  currentCall,
  type MediaSession,
  type TransferTarget,
} from './desk-ports.ts';
import { endRouting, returnToQueue } from './dispatch.ts';

/**
 * Starts a consultation: the caller holds while the agent's desk rings another agent (a queue: its best
 * free agent, by the queue's strategy), or while a number is called. Returns the agent's state.
 */
export async function consult(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  target: TransferTarget,
): Promise<AgentState> {
  const { state, call, carrier } = await currentCall(ports, tenant, agentId);
  if (call.consult !== undefined)
    throw new ConflictError('you are consulting already: end that consultation first');
  const { callId } = call;
  const hold = async () => {
    if (
      call.holdSince === undefined &&
      (await ports.media.park(carrier, callId, { kind: 'hold' })) === 'gone'
    )
      await callerGone(ports, tenant, callId);
  };
  if (target.kind === 'agent') {
    const next = await offerConsultation(ports, tenant, agentId, callId, target.agentId);
    await hold();
    return next;
  }
  if (target.kind === 'queue') {
    for (const guestId of await availableInQueue(ports, tenant, target.queueId)) {
      if (guestId === agentId) continue;
      const next = await offerConsultation(ports, tenant, agentId, callId, guestId).catch(
        (error: unknown) => {
          // That agent was taken meanwhile: the next one.
          if (error instanceof ConflictError) return undefined;
          throw error;
        },
      );
      if (next === undefined) continue;
      await hold();
      return next;
    }
    throw new ConflictError(
      `nobody in queue ${target.queueId} is free to consult: transfer the call to the queue instead`,
    );
  }
  const own = await ports.calls.ownNumber(tenant, callId);
  const meetingId = state.media?.meetingId;
  if (own === undefined) throw new ConflictError('your call has ended');
  if (meetingId === undefined) throw new ConflictError('you have no media session: log in again');
  const number = dialableNumber(target.number, own);
  // The caller holds before the number can answer into the agent's meeting.
  await hold();
  let consultCallId: string;
  try {
    consultCallId = await ports.media.consultCall(carrier, {
      from: own,
      to: number,
      tenant,
      callId,
      meetingId,
    });
  } catch (error) {
    // The number could not be called: the caller, held for it, comes back to the agent.
    if (call.holdSince === undefined) await ports.media.connect(carrier, callId, meetingId);
    throw error;
  }
  try {
    return await startNumberConsultation(ports, tenant, agentId, callId, { number, consultCallId });
  } catch (error) {
    await ports.media.hangUp(carrier, consultCallId);
    throw error;
  }
}

/** A consulted agent answers: a seat in the consulting agent's meeting, which its softphone joins. */
export async function acceptConsult(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
  hostId: string,
): Promise<{ state: AgentState; media: MediaSession }> {
  const hostMeeting = (await ports.store.agent(tenant, hostId))?.state.media?.meetingId;
  if (hostMeeting === undefined) throw new ConflictError(`agent ${hostId} is no longer logged in`);
  const seat = await ports.media.guestSeat(hostMeeting, agentId);
  const guestSeat = { meetingId: seat.meetingId, attendeeId: seat.attendee.attendeeId };
  try {
    return { state: await acceptConsultation(ports, tenant, agentId, callId, guestSeat), media: seat };
  } catch (error) {
    await ports.media.removeSeat(seat.meetingId, seat.attendee.attendeeId);
    throw error;
  }
}

/** Joins the caller to the consultation: the caller, the agent and the consulted party all talk. */
export async function conference(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
): Promise<AgentState> {
  const { state, call, carrier } = await currentCall(ports, tenant, agentId);
  if (call.consult?.state !== 'talking')
    throw new ConflictError('a conference needs someone consulted who has answered');
  const meetingId = state.media?.meetingId;
  if (meetingId === undefined) throw new ConflictError('you have no media session: log in again');
  if (call.conference !== true) {
    const muted = call.muted === true ? state.media?.attendeeId : undefined;
    const joined = await ports.media.connect(carrier, call.callId, meetingId, {
      ...(muted === undefined ? {} : { mutedAttendee: muted }),
    });
    if (joined === 'gone') return callerGone(ports, tenant, call.callId);
  }
  return startConference(ports, tenant, agentId, call.callId);
}

/**
 * Completes a warm transfer: a consulted agent takes the caller over (the caller joins that agent's own
 * meeting, and its seat in ours goes), or the caller and a consulted number go on talking on their own.
 * The agent goes to wrap-up.
 */
export async function completeWarmTransfer(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
): Promise<AgentState> {
  const { call, carrier } = await currentCall(ports, tenant, agentId);
  const { callId } = call;
  const done = await completeTransfer(ports, tenant, agentId, callId);
  if (done.consult.kind === 'number') {
    if ((await ports.media.pair(carrier, tenant, callId, done.consult.callId)) === 'gone') {
      // One of the two left as the transfer completed: the other is not left alone in the new meeting.
      await ports.media.hangUp(carrier, done.consult.callId);
      if ((await returnToQueue(ports, tenant, callId)) === 'queued')
        await ports.media.park(carrier, callId, { kind: 'queue', queueId: done.queueId });
      else await ports.media.hangUp(carrier, callId);
    }
    return done.host;
  }
  const guestMeeting = done.guest?.media?.meetingId;
  const joined =
    guestMeeting === undefined ? 'gone' : await ports.media.connect(carrier, callId, guestMeeting);
  if (done.guestSeat !== undefined)
    await ports.media.removeSeat(done.guestSeat.meetingId, done.guestSeat.attendeeId);
  // The caller hung up as the transfer completed: the agent who took it over is released.
  if (joined === 'gone') await endRouting(ports, tenant, callId, 'gone');
  return done.host;
}

/**
 * Ends the consultation without a transfer, from either side. The consulting agent stays with the caller:
 * still on hold (resume to talk), or, after a conference, still talking.
 */
export async function endConsult(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
): Promise<AgentState> {
  const leftover = await endConsultation(ports, tenant, agentId);
  // The consulted agent's seat goes, or the consulted number is hung up.
  await ports.consultLeft?.(tenant, leftover);
  const after = await ports.store.agent(tenant, agentId);
  if (after === undefined) throw new NotFoundError('you are not logged in');
  return after.state;
}
