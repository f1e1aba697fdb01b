/**
 * The Chime SDK Meetings REST API subset a contact center needs (CreateMeeting, GetMeeting, DeleteMeeting,
 * CreateAttendee, GetAttendee, ListAttendees, DeleteAttendee), on the Chime emulator's port beside the
 * voice API: the official `@aws-sdk/client-chime-sdk-meetings` works against it with an endpoint override
 * (`AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS`). Paths and status codes are those of the SDK model.
 */
import type { MeetingRooms } from './meeting-rooms.ts';
import {
  label,
  ok,
  optionalString,
  pageQuery,
  pageSize,
  paginate,
  type Route,
  readJsonBody,
  requiredString,
  route,
} from './rest-json.ts';

export function meetingsApiRoutes(rooms: MeetingRooms): Route[] {
  return [
    route('POST', '/meetings', async ({ req }) => {
      const body = await readJsonBody(req);
      const tenantIds = body.TenantIds;
      const meeting = rooms.createMeeting({
        MediaRegion: requiredString(body, 'MediaRegion'),
        ExternalMeetingId: requiredString(body, 'ExternalMeetingId'),
        ...optional('ClientRequestToken', optionalString(body, 'ClientRequestToken')),
        ...(Array.isArray(tenantIds) ? { TenantIds: tenantIds.map(String) } : {}),
      });
      return ok(200, { Meeting: meeting });
    }),
    route('GET', '/meetings/{}', async ({ labels }) =>
      ok(200, { Meeting: rooms.getMeeting(label(labels, 0)) }),
    ),
    route('DELETE', '/meetings/{}', async ({ labels }) => {
      rooms.deleteMeeting(label(labels, 0));
      return ok(204);
    }),
    route('POST', '/meetings/{}/attendees', async ({ req, labels }) => {
      const body = await readJsonBody(req);
      const attendee = rooms.createAttendee(label(labels, 0), requiredString(body, 'ExternalUserId'));
      return ok(200, { Attendee: attendee });
    }),
    route('GET', '/meetings/{}/attendees', async ({ labels, query }) => {
      const { maxResults, nextToken } = pageQuery(query);
      const all = rooms.listAttendees(label(labels, 0)).map(withoutToken);
      const page = paginate(
        all.sort((a, b) => a.AttendeeId.localeCompare(b.AttendeeId)),
        (a) => a.AttendeeId,
        pageSize(maxResults, 100),
        nextToken,
      );
      return ok(200, { Attendees: page.items, NextToken: page.nextToken });
    }),
    route('GET', '/meetings/{}/attendees/{}', async ({ labels }) =>
      ok(200, { Attendee: withoutToken(rooms.getAttendee(label(labels, 0), label(labels, 1))) }),
    ),
    route('DELETE', '/meetings/{}/attendees/{}', async ({ labels }) => {
      rooms.deleteAttendee(label(labels, 0), label(labels, 1));
      return ok(204);
    }),
  ];
}

/** Join tokens are credentials: only CreateAttendee hands them out. */
function withoutToken(attendee: { AttendeeId: string; ExternalUserId: string }) {
  return { AttendeeId: attendee.AttendeeId, ExternalUserId: attendee.ExternalUserId };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
