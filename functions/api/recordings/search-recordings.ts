/**
 * GET /api/v1/recordings?from=&to=&agentId=&caller=&queueId=&customerId=&disposition=&limit=: the
 * tenant's recordings that match, newest first (a day back by default); supervisors and admins.
 */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { parseRecordingSearch } from '../../../layers/domain/recordings/recordings.ts';
import { recordingsIndex } from '../../recordings/recordings-runtime.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'recordings:read', 'supervisor', 'admin');
  const search = parseRecordingSearch(event.queryStringParameters ?? {}, new Date());
  return { status: 200, body: { recordings: await recordingsIndex().search(caller.tenantId, search) } };
});
