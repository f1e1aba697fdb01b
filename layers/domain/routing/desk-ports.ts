/**
 * The agent desk's ports (the distributor, agent profiles, the agent's media, the tenant's lines, the call
 * record), and what every desk action starts from: the agent's current call.
 */
import { ConflictError } from '../errors.ts';
import type { TenantId } from '../tenancy/ids.ts';
import type { AgentCall, AgentState } from './agent-state.ts';
import { endRouting, type RoutingPorts } from './dispatch.ts';
import type { AgentProfile, DispositionCodes, ReasonCodes } from './queue-config.ts';
import type { CallDetails } from './screen-pop.ts';

/** The agent's media session as its softphone needs it to join (opaque to routing). */
export type MediaSession = Readonly<Record<string, unknown>> & {
  readonly meetingId: string;
  readonly mediaRegion: string;
  readonly attendee: { readonly attendeeId: string; readonly joinToken: string };
};

export interface AgentDeskPorts extends RoutingPorts {
  readonly profiles: {
    agentProfile(tenant: TenantId, agentId: string): Promise<AgentProfile | undefined>;
    reasonCodes(tenant: TenantId): Promise<ReasonCodes>;
    dispositionCodes(tenant: TenantId): Promise<DispositionCodes>;
  };
  readonly media: {
    openSession(tenant: TenantId, agentId: string, loginAt: string): Promise<MediaSession>;
    /** A second join of the same session (a refreshed page): new credentials for the same meeting. */
    rejoin(tenant: TenantId, agentId: string, meetingId: string, mediaRegion: string): Promise<MediaSession>;
    closeSession(meetingId: string): Promise<void>;
    /**
     * Joins the caller to the agent's media (from the queue, or back from hold), muting the agent for the
     * caller at once if `mutedAttendee` is given; 'gone' if the call ended meanwhile.
     */
    connect(
      carrier: Carrier,
      callId: string,
      meetingId: string,
      options?: { mutedAttendee?: string; record?: boolean },
    ): Promise<'connected' | 'gone'>;
    /** Takes the caller out of the agent's media to hold music: on hold, or waiting in `queueId` again. */
    park(
      carrier: Carrier,
      callId: string,
      to: { kind: 'hold' } | { kind: 'queue'; queueId: string },
    ): Promise<'ok' | 'gone'>;
    /** Mutes (or unmutes) the agent's attendee for the caller. */
    mute(
      carrier: Carrier,
      callId: string,
      meeting: { meetingId: string; attendeeId: string },
      muted: boolean,
    ): Promise<'ok' | 'gone'>;
    /** Takes the caller out of the agent's media and connects them to a number. */
    dial(carrier: Carrier, callId: string, number: string): Promise<'ok' | 'gone'>;
    /**
     * Places a call from the contact center's number; when the far end answers it is joined to the agent's
     * meeting. Returns the new call's id.
     */
    callOut(
      carrier: Carrier,
      call: { from: string; to: string; tenant: TenantId; agentId: string; meetingId: string },
    ): Promise<string>;
    hangUp(carrier: Carrier, callId: string): Promise<'ok' | 'gone'>;
    /** Plays DTMF tones to the caller. */
    digits(carrier: Carrier, callId: string, digits: string): Promise<'ok' | 'gone'>;
    /** Pauses the call's recording (a card number is read), or resumes it. */
    recording(carrier: Carrier, callId: string, paused: boolean): Promise<'ok' | 'gone'>;
    /** A seat for a consulted agent in the consulting agent's meeting (its softphone joins it meanwhile). */
    guestSeat(meetingId: string, agentId: string): Promise<MediaSession>;
    removeSeat(meetingId: string, attendeeId: string): Promise<void>;
    /** A supervisor's seat in an agent's meeting (the same one each time it asks). */
    supervisorSeat(meetingId: string, userId: string): Promise<MediaSession>;
    /** A new coaching meeting for the agent (a supervisor whispers there). */
    openCoachMeeting(tenant: TenantId, agentId: string): Promise<string>;
    /** Whether the meeting is a coaching meeting of this tenant's agent (false if it is gone). */
    isCoachMeeting(meetingId: string, tenant: TenantId, agentId: string): Promise<boolean>;
    /** Calls a number the agent consults about `callId`; it joins the agent's meeting when answered. */
    consultCall(
      carrier: Carrier,
      call: { from: string; to: string; tenant: TenantId; callId: string; meetingId: string },
    ): Promise<string>;
    /** The caller and a consulted number go on talking without the agent (a meeting of their own). */
    pair(carrier: Carrier, tenant: TenantId, callId: string, consultCallId: string): Promise<'ok' | 'gone'>;
  };
  /** The tenant's numbers to call out from (`from` if given and the tenant's, else its first). */
  readonly lines: {
    outbound(tenant: TenantId, from?: string): Promise<{ number: string; carrier: Carrier } | undefined>;
  };
  /** Tells the agent's connections something (a whisper's seat to take). */
  readonly tellAgent: (tenant: TenantId, agentId: string, message: Record<string, unknown>) => Promise<void>;
  readonly calls: {
    carrier(tenant: TenantId, callId: string): Promise<Carrier | undefined>;
    /** The contact center's own number on the call (the number dialled, or shown on an outbound call). */
    ownNumber(tenant: TenantId, callId: string): Promise<string | undefined>;
    recordDisposition(tenant: TenantId, callId: string, disposition: Disposition): Promise<void>;
    /** When the caller's media was asked to join the agent's (the end of assignment, for its latency). */
    recordBridge(tenant: TenantId, callId: string, at: string): Promise<void>;
    details(tenant: TenantId, callId: string): Promise<CallDetails | undefined>;
    recentByCaller(tenant: TenantId, caller: string, limit: number): Promise<CallDetails[]>;
  };
}

/** Where the carrier runs a call (opaque to routing). */
export type Carrier = Readonly<Record<string, string>>;

export interface Disposition {
  readonly code: string;
  readonly notes: string;
  readonly agentId: string;
  readonly at: string;
}

/**
 * The agent's current conversation: its call and the carrier that runs it. A consulted agent is a guest
 * on someone else's call, which only that agent controls.
 */
export async function currentCall(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
): Promise<{ state: AgentState; call: AgentCall; carrier: Carrier }> {
  const state = (await ports.store.agent(tenant, agentId))?.state;
  const call = state?.status === 'on-call' ? state.call : undefined;
  if (state === undefined || call === undefined) throw new ConflictError('you are not on a call');
  if (call.consultOf !== undefined)
    throw new ConflictError(`you are consulted on this call: agent ${call.consultOf} controls it`);
  const carrier = await ports.calls.carrier(tenant, call.callId);
  if (carrier === undefined) throw new ConflictError('your call has ended');
  return { state, call, carrier };
}

/** The media said the caller has gone: routing is released, and the agent told so. */
export async function callerGone(ports: AgentDeskPorts, tenant: TenantId, callId: string): Promise<never> {
  await endRouting(ports, tenant, callId, 'gone');
  throw new ConflictError(`the caller of ${callId} has hung up`);
}

/** Where a call goes in a transfer (or whom a consultation is with). */
export type TransferTarget =
  | { readonly kind: 'queue'; readonly queueId: string }
  | { readonly kind: 'agent'; readonly agentId: string }
  | { readonly kind: 'number'; readonly number: string };
