/**
 * What a supervisor does to an agent: force its state (ready, not ready with a reason, logged out), and
 * monitor its call — listen (a muted seat in the agent's meeting: it hears the caller and the agent, and
 * neither hears it), whisper (listen, and talk to the agent alone in a coaching meeting the agent's
 * softphone is told to join: a meeting mutes an attendee for everyone, so coaching needs a meeting of its
 * own) or barge in (the seat unmuted: all three talk). Within the supervisor's tenant.
 */
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { TenantId } from '../tenancy/ids.ts';
import { logOut, setReady } from './agent-desk.ts';
import type { AgentState } from './agent-state.ts';
import type { AgentDeskPorts, MediaSession } from './desk-ports.ts';

export async function forceState(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  wanted: { status?: unknown; reason?: unknown },
): Promise<AgentState> {
  if ((await ports.store.agent(tenant, agentId)) === undefined)
    throw new NotFoundError(`no agent ${agentId}`);
  switch (wanted.status) {
    case 'available':
      return setReady(ports, tenant, agentId, true);
    case 'not-ready':
      return setReady(
        ports,
        tenant,
        agentId,
        false,
        typeof wanted.reason === 'string' ? wanted.reason : undefined,
      );
    case 'offline':
      return logOut(ports, tenant, agentId);
    default:
      throw new ValidationError('status must be available, not-ready (with a reason) or offline');
  }
}

export type MonitorMode = 'listen' | 'whisper' | 'barge';

/** A seat for the supervisor in the agent's meeting, muted to listen, unmuted to barge in. */
export async function monitor(
  ports: AgentDeskPorts,
  tenant: TenantId,
  supervisorId: string,
  agentId: string,
  mode: unknown,
): Promise<{ mode: MonitorMode; media: MediaSession; coach?: MediaSession }> {
  if (mode !== 'listen' && mode !== 'whisper' && mode !== 'barge')
    throw new ValidationError('mode must be listen, whisper or barge');
  const { state, meetingId } = await agentMeeting(ports, tenant, agentId);
  const call = state.status === 'on-call' ? state.call : undefined;
  if (call === undefined) throw new ConflictError(`agent ${agentId} is not on a call`);
  if (call.consultOf !== undefined)
    throw new ConflictError(
      `agent ${agentId} is consulted on agent ${call.consultOf}'s call: monitor that agent`,
    );
  // The seat's mute is set through the caller's leg in the meeting: not while the caller holds.
  if (call.holdSince !== undefined)
    throw new ConflictError('the caller is on hold: try again when the call resumes');
  const carrier = await ports.calls.carrier(tenant, call.callId);
  if (carrier === undefined) throw new ConflictError('the call has ended');
  const media = await ports.media.supervisorSeat(meetingId, supervisorId);
  const muted = mode !== 'barge';
  const outcome = await ports.media.mute(
    carrier,
    call.callId,
    { meetingId, attendeeId: media.attendee.attendeeId },
    muted,
  );
  if (outcome === 'gone') throw new ConflictError('the call has ended');
  if (mode !== 'whisper') return { mode, media };
  const coachMeetingId = await ports.media.openCoachMeeting(tenant, agentId);
  const [coach, agentSeat] = await Promise.all([
    ports.media.supervisorSeat(coachMeetingId, supervisorId),
    ports.media.guestSeat(coachMeetingId, agentId),
  ]);
  await ports.tellAgent(tenant, agentId, { type: 'coach', supervisorId, media: agentSeat });
  return { mode, media, coach };
}

/** The supervisor leaves the agent's meeting. */
export async function stopMonitoring(
  ports: AgentDeskPorts,
  tenant: TenantId,
  supervisorId: string,
  agentId: string,
  coachMeetingId?: unknown,
): Promise<void> {
  if (coachMeetingId !== undefined) {
    // Only a coaching meeting of this tenant's agent: a meeting id alone proves nothing.
    if (
      typeof coachMeetingId !== 'string' ||
      !(await ports.media.isCoachMeeting(coachMeetingId, tenant, agentId))
    )
      throw new ValidationError(`coachMeetingId is not a coaching meeting of agent ${agentId}`);
    await ports.media.closeSession(coachMeetingId);
  }
  const { meetingId } = await agentMeeting(ports, tenant, agentId);
  const seat = await ports.media.supervisorSeat(meetingId, supervisorId);
  await ports.media.removeSeat(meetingId, seat.attendee.attendeeId);
}

async function agentMeeting(ports: AgentDeskPorts, tenant: TenantId, agentId: string) {
  const state = (await ports.store.agent(tenant, agentId))?.state;
  if (state === undefined || state.status === 'offline')
    throw new ConflictError(`agent ${agentId} is not logged in`);
  const meetingId = state.media?.meetingId;
  if (meetingId === undefined) throw new ConflictError(`agent ${agentId} has no media session`);
  return { state, meetingId };
}
