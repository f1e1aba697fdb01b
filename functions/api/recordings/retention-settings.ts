/**
 * GET / PUT /api/v1/recording-settings `{"months":14}`: how many months the tenant keeps call recordings
 * (1-120; 14 by default). A change applies to recordings made from then on. Reading: supervisors and
 * admins; changing: admins.
 */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { parseRetentionMonths } from '../../../layers/domain/recordings/recordings.ts';
import { recordingsIndex } from '../../recordings/recordings-runtime.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  if (event.requestContext.http.method === 'PUT') {
    requireGroup(caller, 'admin');
    const months = parseRetentionMonths(jsonBody(event));
    await recordingsIndex().setRetentionMonths(caller.tenantId, months);
    return { status: 200, body: { months } };
  }
  requireGroup(caller, 'supervisor', 'admin');
  return { status: 200, body: { months: await recordingsIndex().retentionMonths(caller.tenantId) } };
});
