/**
 * PUT /api/v1/recordings/{callId}/legal-hold `{"hold":true}`: keeps a recording past its retention until
 * the hold is taken off (`false`: it expires with its retention again); admins.
 */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { NotFoundError, ValidationError } from '../../../layers/domain/errors.ts';
import { recordingsIndex } from '../../recordings/recordings-runtime.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const { hold } = (jsonBody(event) ?? {}) as { hold?: unknown };
  if (typeof hold !== 'boolean') throw new ValidationError('hold must be true or false');
  const recording = await recordingsIndex().setLegalHold(
    caller.tenantId,
    event.pathParameters?.callId ?? '',
    hold,
  );
  if (recording === undefined) throw new NotFoundError('there is no such recording');
  return { status: 200, body: { recording } };
});
