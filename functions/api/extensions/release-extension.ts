/** DELETE /api/v1/extensions/{code}: gives one of the tenant's extension codes back; admins. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { EXTENSION_CODE } from '../../../layers/domain/calls/access-number.ts';
import { ValidationError } from '../../../layers/domain/errors.ts';
import { extensions, requireAccessNumber } from './extensions.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const code = event.pathParameters?.code ?? '';
  if (!EXTENSION_CODE.test(code)) throw new ValidationError('code must be six digits, not starting with 0');
  await extensions().release(caller.tenantId, await requireAccessNumber(), code);
  return { status: 200, body: { released: code } };
});
