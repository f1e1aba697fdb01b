/**
 * POST /api/v1/extensions `{"flowId"?: "main"}`: claims a fresh six-digit code on the shared access number
 * for one of the tenant's published flows → 201 `{accessNumber, code, flowId}`; admins. At most five codes.
 */
import { z } from 'zod';
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, optionalJsonBody } from '../../../layers/adapters/http-api.ts';
import { ValidationError } from '../../../layers/domain/errors.ts';
import { ID } from '../../../layers/domain/tenancy/ids.ts';
import { parseOrThrow } from '../../../layers/domain/validation.ts';
import { flowStore } from '../flows/flow-store.ts';
import { extensions, requireAccessNumber } from './extensions.ts';

const claimSchema = z.strictObject({
  flowId: z.string().regex(ID, 'flowId must be 1-64 characters of A-Z, a-z, 0-9, _ and -').default('main'),
});

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const { flowId } = parseOrThrow(claimSchema, optionalJsonBody(event), 'extension request');
  if ((await flowStore().published(caller.tenantId, flowId)) === undefined)
    throw new ValidationError(`flow '${flowId}' has no published version for callers to reach`, [
      { path: 'flowId', message: `flow '${flowId}' has no published version` },
    ]);
  const accessNumber = await requireAccessNumber();
  const claimed = await extensions().claim(caller.tenantId, accessNumber, flowId);
  return { status: 201, body: claimed };
});
