/**
 * What an agent does at the desk, over the distributor and the agent's media: log in (a media session is
 * opened for the login), go ready or not ready, accept or decline an offer (accepting joins the caller to
 * the agent's media), hang up, finish wrap-up with a disposition, log out. Carrier-agnostic: the media
 * port is Chime SDK meetings on AWS and in the local emulator.
 */

import { dialableNumber } from '../calls/dialling.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import type { TenantId } from '../tenancy/ids.ts';
import type { AgentState } from './agent-state.ts';
import { returnConsultation } from './consult.ts';
import { acceptConsult, endConsult } from './consult-desk.ts';
import {
  type AgentDeskPorts,
  callerGone,
  currentCall,
  type MediaSession,
  type TransferTarget,
} from './desk-ports.ts';
import {
  acceptOffer,
  changeAgentState,
  endRouting,
  returnOffer,
  startOutbound,
  transferOut,
  transferToAgent,
  transferToQueue,
} from './dispatch.ts';

export type { AgentDeskPorts, Carrier, Disposition, MediaSession, TransferTarget } from './desk-ports.ts';

/** Logs the agent in (not ready until it says so), or hands a logged-in agent its session again. */
export async function logIn(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
): Promise<{ state: AgentState; media: MediaSession }> {
  const current = (await ports.store.agent(tenant, agentId))?.state;
  if (current !== undefined && current.status !== 'offline' && current.media !== undefined) {
    return {
      state: current,
      media: await ports.media.rejoin(tenant, agentId, current.media.meetingId, current.media.mediaRegion),
    };
  }
  const profile = await ports.profiles.agentProfile(tenant, agentId);
  if (profile === undefined)
    throw new ForbiddenError('you have no agent profile in this tenant: ask an admin to add you');
  const media = await ports.media.openSession(tenant, agentId, ports.now().toISOString());
  const state = await changeAgentState(ports, tenant, agentId, {
    kind: 'login',
    skills: profile.skills,
    queues: profile.queues,
    media: {
      meetingId: media.meetingId,
      mediaRegion: media.mediaRegion,
      attendeeId: media.attendee.attendeeId,
    },
  });
  return { state, media };
}

export async function logOut(ports: AgentDeskPorts, tenant: TenantId, agentId: string): Promise<AgentState> {
  const meetingId = (await ports.store.agent(tenant, agentId))?.state.media?.meetingId;
  const state = await changeAgentState(ports, tenant, agentId, { kind: 'logout' });
  if (meetingId !== undefined) await ports.media.closeSession(meetingId);
  return state;
}

export async function setReady(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  ready: boolean,
  reason?: string,
): Promise<AgentState> {
  if (ready) return changeAgentState(ports, tenant, agentId, { kind: 'ready' });
  const { codes } = await ports.profiles.reasonCodes(tenant);
  if (reason === undefined || !codes.some((c) => c.code === reason))
    throw new ValidationError(
      `not ready needs one of this contact center's reason codes: ${codes.map((c) => c.code).join(', ')}`,
    );
  return changeAgentState(ports, tenant, agentId, { kind: 'not-ready', reason });
}

/**
 * Accepts an offer: the agent is connected in routing, then the caller is joined to the agent's media. A
 * consultation is taken in the consulting agent's meeting instead: the answer carries the seat to join.
 */
export async function accept(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
): Promise<{ state: AgentState; media?: MediaSession }> {
  const offered = (await ports.store.agent(tenant, agentId))?.state.call;
  if (offered?.callId === callId && offered.consultOf !== undefined)
    return acceptConsult(ports, tenant, agentId, callId, offered.consultOf);
  const { agent, entry } = await acceptOffer(ports, tenant, agentId, callId);
  const meetingId = agent.media?.meetingId;
  const carrier = await ports.calls.carrier(tenant, callId);
  const requestedAt = ports.now().toISOString();
  // A queue that records has the call recorded from the moment the caller reaches an agent.
  const record = (await ports.queues.queue(tenant, entry.queueId))?.record === true;
  const joined =
    meetingId === undefined || carrier === undefined
      ? 'gone'
      : await ports.media.connect(carrier, callId, meetingId, { record });
  if (joined === 'connected') await ports.calls.recordBridge(tenant, callId, requestedAt);
  if (joined === 'gone') {
    // The caller hung up between the offer and the accept: the agent goes to wrap-up like after any call.
    await endRouting(ports, tenant, callId, 'gone');
    throw new ConflictError(`the caller of ${callId} has hung up`);
  }
  return { state: agent };
}

export async function decline(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
): Promise<AgentState> {
  const offered = (await ports.store.agent(tenant, agentId))?.state.call;
  if (offered?.callId === callId && offered.consultOf !== undefined)
    return returnConsultation(ports, tenant, agentId, callId, 'decline');
  return returnOffer(ports, tenant, agentId, callId, 'decline');
}

/** Puts the caller on hold (they hear hold music, the agent hears nothing) or takes them off it. */
export async function hold(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  on: boolean,
): Promise<AgentState> {
  const { state, call, carrier } = await currentCall(ports, tenant, agentId);
  const held = call.holdSince !== undefined;
  if (on && !held) {
    if ((await ports.media.park(carrier, call.callId, { kind: 'hold' })) === 'gone')
      return callerGone(ports, tenant, call.callId);
  }
  if (!on && held) {
    // Taking the caller off hold now would put them into the consultation.
    if (call.consult !== undefined)
      throw new ConflictError(
        'you are consulting: make it a conference, complete the transfer or end the consultation',
      );
    const meetingId = state.media?.meetingId;
    if (meetingId === undefined) throw new ConflictError('you have no media session: log in again');
    const muted = call.muted === true ? state.media?.attendeeId : undefined;
    if (
      (await ports.media.connect(carrier, call.callId, meetingId, {
        ...(muted === undefined ? {} : { mutedAttendee: muted }),
      })) === 'gone'
    )
      return callerGone(ports, tenant, call.callId);
  }
  return changeAgentState(ports, tenant, agentId, { kind: on ? 'hold' : 'resume', callId: call.callId });
}

/**
 * Plays DTMF tones to the other party (digits, `*`, `#`, A-D; a comma pauses): the agent's keypad, for an
 * IVR at the far end of a call out or a transfer line.
 */
export async function sendDigits(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  digits: unknown,
): Promise<AgentState> {
  if (typeof digits !== 'string' || !/^[0-9A-D*#,]{1,50}$/.test(digits))
    throw new ValidationError('digits are 1-50 of 0-9, *, #, A-D and , (a pause)');
  const { state, call, carrier } = await currentCall(ports, tenant, agentId);
  if (call.holdSince !== undefined) throw new ConflictError('the caller is on hold: resume the call first');
  if ((await ports.media.digits(carrier, call.callId, digits)) === 'gone')
    return callerGone(ports, tenant, call.callId);
  return state;
}

/**
 * Pauses the call's recording while the caller reads something that must not be kept (a card number), or
 * resumes it. A call that is not recorded is left as it is; the pauses are kept on the call's record.
 */
export async function pauseRecording(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  paused: unknown,
): Promise<AgentState> {
  if (typeof paused !== 'boolean') throw new ValidationError('paused must be true or false');
  const { state, call, carrier } = await currentCall(ports, tenant, agentId);
  if (call.holdSince !== undefined) throw new ConflictError('the caller is on hold: resume the call first');
  if ((await ports.media.recording(carrier, call.callId, paused)) === 'gone')
    return callerGone(ports, tenant, call.callId);
  return state;
}

/** Mutes the agent for the caller (or unmutes). While on hold it takes effect when the call resumes. */
export async function mute(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  muted: boolean,
): Promise<AgentState> {
  const { state, call, carrier } = await currentCall(ports, tenant, agentId);
  const meetingId = state.media?.meetingId;
  const attendeeId = state.media?.attendeeId;
  if (meetingId === undefined || attendeeId === undefined)
    throw new ConflictError('your media session predates mute: log in again');
  if (call.holdSince === undefined && (call.muted ?? false) !== muted) {
    if ((await ports.media.mute(carrier, call.callId, { meetingId, attendeeId }, muted)) === 'gone')
      return callerGone(ports, tenant, call.callId);
  }
  return changeAgentState(ports, tenant, agentId, { kind: 'mute', callId: call.callId, muted });
}

/**
 * A blind transfer: the caller goes to another queue, another agent (who must be available; the call
 * rings there and, if not taken, returns to its queue) or a number (a valid number in the tenant's
 * country; if nobody answers, the caller returns to the queue). The agent goes to wrap-up.
 */
export async function transfer(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  target: TransferTarget,
): Promise<AgentState> {
  const { call, carrier } = await currentCall(ports, tenant, agentId);
  const { callId } = call;
  if (call.consult !== undefined)
    throw new ConflictError('you are consulting: complete the transfer, or end the consultation first');
  switch (target.kind) {
    case 'queue': {
      // Routing first: a full queue refuses before the caller leaves the agent.
      const next = await transferToQueue(ports, tenant, agentId, callId, target.queueId);
      if ((await ports.media.park(carrier, callId, { kind: 'queue', queueId: target.queueId })) === 'gone')
        await endRouting(ports, tenant, callId, 'gone');
      return next;
    }
    case 'agent': {
      const next = await transferToAgent(ports, tenant, agentId, callId, target.agentId);
      if ((await ports.media.park(carrier, callId, { kind: 'hold' })) === 'gone')
        await endRouting(ports, tenant, callId, 'gone');
      return next;
    }
    case 'number': {
      const own = await ports.calls.ownNumber(tenant, callId);
      if (own === undefined) throw new ConflictError('your call has ended');
      const number = dialableNumber(target.number, own);
      await transferOut(ports, tenant, agentId, callId);
      // The caller hanging up meanwhile is no error: routing has already let the call go.
      await ports.media.dial(carrier, callId, number);
      const after = await ports.store.agent(tenant, agentId);
      if (after === undefined) throw new NotFoundError('you are not logged in');
      return after.state;
    }
  }
}

/**
 * Calls a number for the agent, from one of the tenant's numbers: a valid number in the tenant's country
 * (not premium-rate). The agent is reserved for the call while it rings and on it once answered; an agent
 * on a call, or offered one, cannot call out.
 */
export async function callOut(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  request: { to?: unknown; from?: unknown },
): Promise<{ state: AgentState; callId: string }> {
  const state = (await ports.store.agent(tenant, agentId))?.state;
  if (state === undefined || state.status === 'offline') throw new ConflictError('log in to call out');
  if (state.status !== 'available' && state.status !== 'not-ready')
    throw new ConflictError(`you cannot call out while ${state.status}`);
  const meetingId = state.media?.meetingId;
  if (meetingId === undefined) throw new ConflictError('you have no media session: log in again');
  if (request.from !== undefined && typeof request.from !== 'string')
    throw new ValidationError('from must be one of your contact center’s numbers');
  const line = await ports.lines.outbound(tenant, request.from);
  if (line === undefined)
    throw request.from === undefined
      ? new ConflictError('this contact center has no number to call out from')
      : new ValidationError(`${request.from} is not one of your contact center’s numbers`);
  const to = dialableNumber(request.to, line.number);
  const callId = await ports.media.callOut(line.carrier, {
    from: line.number,
    to,
    tenant,
    agentId,
    meetingId,
  });
  try {
    const next = await startOutbound(ports, tenant, agentId, {
      callId,
      to,
      from: line.number,
      carrier: line.carrier,
      startedAt: ports.now().toISOString(),
    });
    return { state: next, callId };
  } catch (error) {
    // The agent changed meanwhile (took a call, logged out): the call out must not ring on.
    await ports.media.hangUp(line.carrier, callId);
    throw error;
  }
}

/**
 * Ends the agent's current call (or a call out still ringing); routing moves the agent to wrap-up (or back
 * to available) when the call has gone.
 */
export async function hangUp(ports: AgentDeskPorts, tenant: TenantId, agentId: string): Promise<void> {
  const state = (await ports.store.agent(tenant, agentId))?.state;
  // A consulted agent hanging up leaves the consultation, not the caller's call.
  if (state?.status === 'on-call' && state.call?.consultOf !== undefined) {
    await endConsult(ports, tenant, agentId);
    return;
  }
  const ours = state?.status === 'on-call' || (state?.status === 'reserved' && state.call?.outbound === true);
  const callId = ours ? state?.call?.callId : undefined;
  if (callId === undefined) throw new ConflictError('you are not on a call');
  const carrier = await ports.calls.carrier(tenant, callId);
  const outcome = carrier === undefined ? 'gone' : await ports.media.hangUp(carrier, callId);
  // Normally call control reports the hang-up and routing follows; a call already gone is released here.
  if (outcome === 'gone') await endRouting(ports, tenant, callId, 'gone');
}

/** Finishes after-call work, recording the disposition of the call just handled. */
export async function wrapUp(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  disposition: { code?: unknown; notes?: unknown },
): Promise<AgentState> {
  const state = (await ports.store.agent(tenant, agentId))?.state;
  if (state === undefined) throw new NotFoundError('you are not logged in');
  const code = disposition.code ?? 'none';
  const notes = disposition.notes ?? '';
  if (typeof code !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/.test(code))
    throw new ValidationError('a disposition code is 1-40 letters, digits, _ and -');
  if (typeof notes !== 'string' || notes.length > 2000)
    throw new ValidationError('notes are text of at most 2,000 characters');
  if (code !== 'none') {
    const { codes } = await ports.profiles.dispositionCodes(tenant);
    if (!codes.some((c) => c.code === code))
      throw new ValidationError(
        `'${code}' is not one of this contact center's disposition codes (${codes.map((c) => c.code).join(', ')})`,
      );
  }
  if (state.status === 'after-call' && state.call !== undefined)
    await ports.calls.recordDisposition(tenant, state.call.callId, {
      code,
      notes,
      agentId,
      at: ports.now().toISOString(),
    });
  return changeAgentState(ports, tenant, agentId, { kind: 'end-wrap-up' });
}
