/**
 * The media side of routing on Amazon Chime SDK: each logged-in agent has a meeting; connecting a caller
 * means an attendee for the caller in that meeting and an UpdateSipMediaApplicationCall that tells call
 * control to join the caller's leg to it (JoinChimeMeeting). The update goes to the region of the SIP media
 * application that owns the call (after a failover, the standby region).
 */

import { randomUUID } from 'node:crypto';
import {
  type ChimeSDKMeetingsClient,
  CreateAttendeeCommand,
  CreateMeetingCommand,
  DeleteAttendeeCommand,
  DeleteMeetingCommand,
  GetMeetingCommand,
  NotFoundException as MeetingNotFound,
} from '@aws-sdk/client-chime-sdk-meetings';
import {
  NotFoundException as CallNotFound,
  type ChimeSDKVoiceClient,
  CreateSipMediaApplicationCallCommand,
  UpdateSipMediaApplicationCallCommand,
} from '@aws-sdk/client-chime-sdk-voice';
import type { TenantId } from '../domain/tenancy/ids.ts';

/** Where the SMA runs a call, as call control records it on the call. */
export interface SmaCarrier {
  readonly region: string;
  readonly sipMediaApplicationId: string;
}

export class CallGoneError extends Error {
  override readonly name = 'CallGoneError';
}

export class ChimeBridge {
  constructor(
    private readonly meetings: ChimeSDKMeetingsClient,
    /** The Chime SDK Voice client for a region. */
    private readonly voiceIn: (region: string) => ChimeSDKVoiceClient,
    private readonly mediaRegion: string,
  ) {}

  /** An agent's media session: a meeting and the agent's own attendee (its join token goes to its softphone). */
  async openAgentSession(tenant: TenantId, agentId: string, loginAt: string) {
    const { Meeting } = await this.meetings.send(
      new CreateMeetingCommand({
        MediaRegion: this.mediaRegion,
        ExternalMeetingId: `${tenant}.${agentId}`.slice(0, 64),
        // The same login asking twice (a retry) gets the same meeting.
        ClientRequestToken: `${tenant}.${agentId}.${loginAt}`.slice(0, 64),
      }),
    );
    const meetingId = Meeting?.MeetingId as string;
    const { Attendee } = await this.meetings.send(
      new CreateAttendeeCommand({ MeetingId: meetingId, ExternalUserId: `agent.${agentId}`.slice(0, 64) }),
    );
    return {
      meetingId,
      mediaRegion: this.mediaRegion,
      mediaPlacement: Meeting?.MediaPlacement,
      attendee: { attendeeId: Attendee?.AttendeeId as string, joinToken: Attendee?.JoinToken as string },
    };
  }

  /**
   * New credentials for the agent in an existing meeting: its own (the softphone reloaded), or another
   * agent's (a consultation). With the meeting's media placement, which the softphone connects to.
   */
  async rejoinAgentSession(agentId: string, meetingId: string) {
    return this.seat(meetingId, `agent.${agentId}`);
  }

  /** A seat in a meeting for `externalUserId` (the same one each time it asks), with the media placement. */
  async seat(meetingId: string, externalUserId: string) {
    const [{ Meeting }, { Attendee }] = await Promise.all([
      this.meetings.send(new GetMeetingCommand({ MeetingId: meetingId })),
      this.meetings.send(
        new CreateAttendeeCommand({ MeetingId: meetingId, ExternalUserId: externalUserId.slice(0, 64) }),
      ),
    ]);
    return {
      meetingId,
      mediaRegion: Meeting?.MediaRegion ?? this.mediaRegion,
      mediaPlacement: Meeting?.MediaPlacement,
      attendee: { attendeeId: Attendee?.AttendeeId as string, joinToken: Attendee?.JoinToken as string },
    };
  }

  async closeAgentSession(meetingId: string): Promise<void> {
    try {
      await this.meetings.send(new DeleteMeetingCommand({ MeetingId: meetingId }));
    } catch (error) {
      if (!(error instanceof MeetingNotFound)) throw error;
    }
  }

  /** A coaching meeting: a supervisor whispers to an agent there, unheard by the caller. */
  async openCoachMeeting(tenant: TenantId, agentId: string): Promise<string> {
    const { Meeting } = await this.meetings.send(
      new CreateMeetingCommand({
        MediaRegion: this.mediaRegion,
        ExternalMeetingId: coachMeetingName(tenant, agentId),
        ClientRequestToken: randomUUID(),
      }),
    );
    return Meeting?.MeetingId as string;
  }

  /** The name a meeting was created with (whose it is), or undefined for a meeting that is gone. */
  async meetingName(meetingId: string): Promise<string | undefined> {
    try {
      const { Meeting } = await this.meetings.send(new GetMeetingCommand({ MeetingId: meetingId }));
      return Meeting?.ExternalMeetingId;
    } catch (error) {
      if (error instanceof MeetingNotFound) return undefined;
      throw error;
    }
  }

  /** Removes an attendee (a consulted agent's seat in another agent's meeting); one already gone is fine. */
  async removeSeat(meetingId: string, attendeeId: string): Promise<void> {
    try {
      await this.meetings.send(new DeleteAttendeeCommand({ MeetingId: meetingId, AttendeeId: attendeeId }));
    } catch (error) {
      if (!(error instanceof MeetingNotFound)) throw error;
    }
  }

  /**
   * A warm transfer to a number completes: the caller and the consulted number go on talking without the
   * agent, in a meeting of their own (each call knows the other, so either hanging up ends both).
   */
  async pair(carrier: SmaCarrier, tenant: TenantId, callId: string, otherCallId: string): Promise<void> {
    const { Meeting } = await this.meetings.send(
      new CreateMeetingCommand({
        MediaRegion: this.mediaRegion,
        ExternalMeetingId: `${tenant}.pair`.slice(0, 64),
        // A retried completion gets the same meeting.
        ClientRequestToken: `pair.${callId}`.slice(0, 64),
      }),
    );
    const meetingId = Meeting?.MeetingId as string;
    for (const [call, partner] of [
      [callId, otherCallId],
      [otherCallId, callId],
    ] as const) {
      const { Attendee } = await this.meetings.send(
        new CreateAttendeeCommand({ MeetingId: meetingId, ExternalUserId: `caller.${call}`.slice(0, 64) }),
      );
      await this.update(carrier, call, {
        action: 'bridge',
        meetingId,
        joinToken: Attendee?.JoinToken as string,
        partner,
      });
    }
  }

  /** One of a pair hung up: the other goes too, and their meeting ends. */
  async endPair(carrier: SmaCarrier, partnerCallId: string, meetingId: string): Promise<void> {
    await this.hangUp(carrier, partnerCallId).catch((error: unknown) => {
      if (!(error instanceof CallGoneError)) throw error;
    });
    await this.closeAgentSession(meetingId);
  }

  /**
   * Joins the caller to the agent's meeting (the caller's attendee is the same each time: its external id
   * is an idempotency token). A call that ended meanwhile is a CallGoneError.
   */
  async connect(
    carrier: SmaCarrier,
    callId: string,
    meetingId: string,
    options: { mutedAttendee?: string; record?: boolean } = {},
  ): Promise<void> {
    const { Attendee } = await this.meetings.send(
      new CreateAttendeeCommand({ MeetingId: meetingId, ExternalUserId: `caller.${callId}`.slice(0, 64) }),
    );
    await this.update(carrier, callId, {
      action: 'bridge',
      meetingId,
      joinToken: Attendee?.JoinToken as string,
      ...(options.mutedAttendee === undefined ? {} : { mute: options.mutedAttendee }),
      ...(options.record === true ? { record: '1' } : {}),
    });
  }

  /** Takes the caller out of the meeting to hold music: on hold, or waiting in a queue again. */
  async park(carrier: SmaCarrier, callId: string, queueId?: string): Promise<void> {
    await this.update(
      carrier,
      callId,
      queueId === undefined ? { action: 'hold' } : { action: 'queue', queueId },
    );
  }

  async mute(carrier: SmaCarrier, callId: string, meetingId: string, attendeeId: string, muted: boolean) {
    await this.update(carrier, callId, { action: muted ? 'mute' : 'unmute', meetingId, attendeeId });
  }

  /**
   * Places a call from one of the contact center's numbers; call control joins the far end to the agent's
   * meeting when it answers (the attendee's join token travels in the call's arguments). Returns its id.
   */
  async callOut(
    carrier: SmaCarrier,
    call: { from: string; to: string; tenant: TenantId; agentId: string; meetingId: string },
  ): Promise<string> {
    return this.place(carrier, call, { purpose: 'agent-call', agentId: call.agentId });
  }

  /**
   * Calls a number an agent consults about `callId` (the caller holds meanwhile); it joins the agent's
   * meeting when answered. Returns the consultation call's id.
   */
  async consultCall(
    carrier: SmaCarrier,
    call: { from: string; to: string; tenant: TenantId; callId: string; meetingId: string },
  ): Promise<string> {
    return this.place(carrier, call, { purpose: 'consult', callId: call.callId });
  }

  private async place(
    carrier: SmaCarrier,
    call: { from: string; to: string; tenant: TenantId; meetingId: string },
    purpose: Record<string, string>,
  ): Promise<string> {
    const { Attendee } = await this.meetings.send(
      new CreateAttendeeCommand({
        MeetingId: call.meetingId,
        ExternalUserId: `caller.out-${randomUUID()}`.slice(0, 64),
      }),
    );
    const created = await this.voiceIn(carrier.region).send(
      new CreateSipMediaApplicationCallCommand({
        SipMediaApplicationId: carrier.sipMediaApplicationId,
        FromPhoneNumber: call.from,
        ToPhoneNumber: call.to,
        ArgumentsMap: {
          ...purpose,
          tenant: call.tenant,
          meetingId: call.meetingId,
          joinToken: Attendee?.JoinToken as string,
        },
      }),
    );
    return created.SipMediaApplicationCall?.TransactionId as string;
  }

  /** Tells a waiting caller where they stand (call control speaks it over the hold music). */
  async announce(
    carrier: SmaCarrier,
    callId: string,
    announcement: { position: number; known: number; ewtSeconds?: number },
  ): Promise<void> {
    await this.update(carrier, callId, {
      action: 'announce',
      position: String(announcement.position),
      known: String(announcement.known),
      ...(announcement.ewtSeconds === undefined ? {} : { ewt: String(announcement.ewtSeconds) }),
    });
  }

  /** Sends a caller who waited too long to their queue's overflow target. */
  async overflow(carrier: SmaCarrier, callId: string, queueId: string): Promise<void> {
    await this.update(carrier, callId, { action: 'overflow', queueId });
  }

  /** Takes the caller out of the meeting and connects them to a number. */
  async dial(carrier: SmaCarrier, callId: string, number: string): Promise<void> {
    await this.update(carrier, callId, { action: 'dial', number });
  }

  /** Plays DTMF tones to the caller (the agent's keypad: an IVR at the far end of a call out, say). */
  async digits(carrier: SmaCarrier, callId: string, digits: string): Promise<void> {
    await this.update(carrier, callId, { action: 'digits', digits });
  }

  /** Pauses the call's recording, or resumes it. */
  async recording(carrier: SmaCarrier, callId: string, paused: boolean): Promise<void> {
    await this.update(carrier, callId, { action: paused ? 'pause-recording' : 'resume-recording' });
  }

  /** Hangs the call up (the agent ended it). */
  async hangUp(carrier: SmaCarrier, callId: string): Promise<void> {
    await this.update(carrier, callId, { action: 'hangup' });
  }

  private async update(carrier: SmaCarrier, callId: string, args: Record<string, string>): Promise<void> {
    try {
      await this.voiceIn(carrier.region).send(
        new UpdateSipMediaApplicationCallCommand({
          SipMediaApplicationId: carrier.sipMediaApplicationId,
          TransactionId: callId,
          Arguments: args,
        }),
      );
    } catch (error) {
      if (error instanceof CallNotFound) throw new CallGoneError(`call ${callId} has ended`);
      throw error;
    }
  }
}

/** A coaching meeting's name: the tenant and the agent coached (at most 64 characters). */
export function coachMeetingName(tenant: TenantId, agentId: string): string {
  return `${tenant}.coach.${agentId}`.slice(0, 64);
}
