/** GET /api/v1/numbers/orders/{orderId}: an order of the tenant's: its steps, its number once live, or why it failed. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { NotFoundError, ValidationError } from '../../../layers/domain/errors.ts';
import { signupPorts } from '../signup/signup-ports.ts';
import { numberOrderView } from '../signup/signup-view.ts';

const ORDER_ID = /^[A-Za-z0-9_-]{24}$/;

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin', 'supervisor');
  const orderId = event.pathParameters?.orderId ?? '';
  if (!ORDER_ID.test(orderId)) throw new ValidationError('orderId is not a number order id');
  const job = await signupPorts().jobs.get(orderId);
  // Another tenant's order (or a sign-up) is not this caller's to see: the same answer as none at all.
  if (job === undefined || job.kind !== 'number' || job.tenantId !== caller.tenantId)
    throw new NotFoundError('this contact center has no number order with this id');
  return { status: 200, body: numberOrderView(job) };
});
