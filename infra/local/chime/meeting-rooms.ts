/**
 * Amazon Chime SDK meetings, locally: meetings and attendees with join tokens (the state behind the
 * meetings API), and the room each meeting is, where the seats of joined attendees hear one another.
 * A SIP media application joins a caller with JoinChimeMeeting (its meeting leg takes a seat); agents and
 * tests take seats through the virtual PSTN gateway. Muting (ModifyChimeMeetingAttendees) silences a
 * seat for everyone else.
 *
 * Not emulated: meeting features, notifications, transcription, and the end of a meeting that stays empty
 * for five minutes (a local meeting lasts until DeleteMeeting).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { badRequest, ChimeApiError, notFound } from './rest-json.ts';
import type { HeardItem, PhoneSide } from './virtual-pstn.ts';

export interface Meeting {
  readonly MeetingId: string;
  readonly ExternalMeetingId: string;
  readonly MediaRegion: string;
  readonly MeetingArn: string;
  readonly MediaPlacement: Readonly<Record<string, string>>;
  readonly TenantIds?: readonly string[];
}

export interface Attendee {
  readonly AttendeeId: string;
  readonly ExternalUserId: string;
  readonly JoinToken: string;
}

/** A joined attendee: what it says reaches every other seat unless it is muted. */
export interface Membership {
  readonly meetingId: string;
  readonly attendeeId: string;
  send(item: HeardItem): void;
  leave(): void;
}

/** Media regions of the Chime SDK meetings service. */
export const MEDIA_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-south-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

/** Per meeting, as on AWS by default. */
export const MAX_ATTENDEES = 250;
const EXTERNAL_ID = /^.{2,64}$/s;

interface Seat {
  readonly side: PhoneSide;
  readonly joinedAt: number;
}

interface MeetingRecord {
  readonly meeting: Meeting;
  readonly clientRequestToken: string | undefined;
  readonly attendees: Map<string, Attendee>;
  readonly seats: Map<string, Seat>;
  readonly muted: Set<string>;
}

export class MeetingRooms {
  private readonly meetings = new Map<string, MeetingRecord>();
  private readonly byToken = new Map<string, MeetingRecord>();
  /** Join token → its meeting and attendee: JoinChimeMeeting finds the seat without scanning. */
  private readonly joinTokens = new Map<string, { record: MeetingRecord; attendee: Attendee }>();

  constructor(
    private readonly options: {
      accountId: string;
      /** Where local clients reach meeting media: the virtual PSTN gateway. */
      signalingUrl: () => string;
    },
  ) {}

  createMeeting(input: {
    MediaRegion: string;
    ExternalMeetingId: string;
    ClientRequestToken?: string;
    TenantIds?: string[];
  }): Meeting {
    if (!MEDIA_REGIONS.includes(input.MediaRegion))
      throw badRequest(`MediaRegion ${input.MediaRegion} is not a Chime SDK media region`);
    if (!EXTERNAL_ID.test(input.ExternalMeetingId) || /^aws:/i.test(input.ExternalMeetingId))
      throw badRequest('ExternalMeetingId must be 2-64 characters and must not start with aws:');
    const token = input.ClientRequestToken;
    if (token !== undefined) {
      if (!EXTERNAL_ID.test(token)) throw badRequest('ClientRequestToken must be 2-64 characters');
      // The same token is the same request: the SDK retries CreateMeeting with it.
      const earlier = this.byToken.get(token);
      if (earlier !== undefined) return earlier.meeting;
    }
    const id = randomUUID();
    const signaling = this.options.signalingUrl();
    const meeting: Meeting = {
      MeetingId: id,
      ExternalMeetingId: input.ExternalMeetingId,
      MediaRegion: input.MediaRegion,
      MeetingArn: `arn:aws:chime:${input.MediaRegion}:${this.options.accountId}:meeting/${id}`,
      MediaPlacement: { AudioHostUrl: signaling, AudioFallbackUrl: signaling, SignalingUrl: signaling },
      ...(input.TenantIds === undefined ? {} : { TenantIds: input.TenantIds }),
    };
    const record: MeetingRecord = {
      meeting,
      clientRequestToken: token,
      attendees: new Map(),
      seats: new Map(),
      muted: new Set(),
    };
    this.meetings.set(id, record);
    if (token !== undefined) this.byToken.set(token, record);
    return meeting;
  }

  getMeeting(meetingId: string): Meeting {
    return this.record(meetingId).meeting;
  }

  /** Ends the meeting: every seated attendee drops out, the SMA's meeting legs included. */
  deleteMeeting(meetingId: string): void {
    const record = this.record(meetingId);
    this.meetings.delete(meetingId);
    if (record.clientRequestToken !== undefined) this.byToken.delete(record.clientRequestToken);
    for (const seat of record.seats.values())
      seat.side.ended({ by: 'network', sipCode: 0, detail: 'the meeting ended' });
    record.seats.clear();
    for (const attendee of record.attendees.values()) this.joinTokens.delete(attendee.JoinToken);
  }

  createAttendee(meetingId: string, externalUserId: string): Attendee {
    const record = this.record(meetingId);
    if (!EXTERNAL_ID.test(externalUserId) || /^aws:/i.test(externalUserId))
      throw badRequest('ExternalUserId must be 2-64 characters and must not start with aws:');
    // ExternalUserId is an idempotency token: the same user asked for again is the same attendee.
    for (const existing of record.attendees.values())
      if (existing.ExternalUserId === externalUserId) return existing;
    if (record.attendees.size >= MAX_ATTENDEES)
      throw new ChimeApiError(
        'ResourceLimitExceededException',
        'ResourceLimitExceeded',
        `A meeting has at most ${MAX_ATTENDEES} attendees`,
      );
    const attendee: Attendee = {
      AttendeeId: randomUUID(),
      ExternalUserId: externalUserId,
      JoinToken: randomBytes(32).toString('base64url'),
    };
    record.attendees.set(attendee.AttendeeId, attendee);
    this.joinTokens.set(attendee.JoinToken, { record, attendee });
    return attendee;
  }

  getAttendee(meetingId: string, attendeeId: string): Attendee {
    const attendee = this.record(meetingId).attendees.get(attendeeId);
    if (attendee === undefined) throw notFound(`Attendee ${attendeeId} not found in meeting ${meetingId}`);
    return attendee;
  }

  listAttendees(meetingId: string): Attendee[] {
    return [...this.record(meetingId).attendees.values()];
  }

  /** Removes an attendee; if seated, it drops out of the meeting. */
  deleteAttendee(meetingId: string, attendeeId: string): void {
    const record = this.record(meetingId);
    const attendee = record.attendees.get(attendeeId);
    if (attendee === undefined) throw notFound(`Attendee ${attendeeId} not found in meeting ${meetingId}`);
    record.attendees.delete(attendeeId);
    this.joinTokens.delete(attendee.JoinToken);
    const seat = record.seats.get(attendeeId);
    record.seats.delete(attendeeId);
    record.muted.delete(attendeeId);
    seat?.side.ended({ by: 'network', sipCode: 0, detail: 'removed from the meeting' });
  }

  /**
   * Seats the attendee whose join token this is. Throws a plain Error (the caller decides how to report
   * it) when the token is unknown, belongs to another meeting, or is already seated.
   */
  join(input: { meetingId: string | undefined; joinToken: string; side: PhoneSide }): Membership {
    const found = this.joinTokens.get(input.joinToken);
    if (found === undefined) throw new Error('the join token does not belong to any meeting');
    const { record, attendee } = found;
    const meetingId = record.meeting.MeetingId;
    if (input.meetingId !== undefined && input.meetingId !== meetingId)
      throw new Error('the join token belongs to another meeting');
    if (record.seats.has(attendee.AttendeeId)) throw new Error('this attendee is already in the meeting');
    const presence = (present: boolean) => {
      for (const [other, seat] of record.seats)
        if (other !== attendee.AttendeeId)
          seat.side.hear({
            kind: 'presence',
            externalUserId: attendee.ExternalUserId,
            present,
            atMs: Date.now() - seat.joinedAt,
          });
    };
    record.seats.set(attendee.AttendeeId, { side: input.side, joinedAt: Date.now() });
    input.side.connected();
    presence(true);
    const attendeeId = attendee.AttendeeId;
    return {
      meetingId,
      attendeeId,
      send: (item) => {
        if (record.muted.has(attendeeId) || !record.seats.has(attendeeId)) return;
        for (const [other, seat] of record.seats) {
          if (other !== attendeeId) seat.side.hear({ ...item, atMs: Date.now() - seat.joinedAt } as never);
        }
      },
      leave: () => {
        if (record.seats.get(attendeeId)?.side !== input.side) return;
        record.seats.delete(attendeeId);
        presence(false);
      },
    };
  }

  /** ModifyChimeMeetingAttendees: every listed attendee must belong to the meeting, or nothing changes. */
  setMuted(meetingId: string, attendeeIds: readonly string[], muted: boolean): void {
    const record = this.meetings.get(meetingId);
    if (record === undefined) throw new Error(`meeting ${meetingId} does not exist`);
    const strangers = attendeeIds.filter((id) => !record.attendees.has(id));
    if (strangers.length > 0) throw new Error(`not attendees of this meeting: ${strangers.join(', ')}`);
    for (const id of attendeeIds) {
      if (muted) record.muted.add(id);
      else record.muted.delete(id);
    }
  }

  isMuted(meetingId: string, attendeeId: string): boolean {
    return this.meetings.get(meetingId)?.muted.has(attendeeId) ?? false;
  }

  private record(meetingId: string): MeetingRecord {
    const record = this.meetings.get(meetingId);
    if (record === undefined) throw notFound(`Meeting ${meetingId} not found`);
    return record;
  }
}
