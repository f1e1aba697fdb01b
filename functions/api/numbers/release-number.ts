/**
 * DELETE /api/v1/numbers/{number} (E.164, `+` encoded as %2B): releases one of the tenant's numbers. Its
 * calls stop reaching the tenant at once; then its SIP rule goes and the number returns to the carrier.
 * Admins.
 */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { ChimeNumberOrders } from '../../../layers/adapters/chime-number-orders.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { logger } from '../../../layers/adapters/logger.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { NotFoundError } from '../../../layers/domain/errors.ts';
import { e164 } from '../../../layers/domain/tenancy/ids.ts';
import { numberRoutes } from './numbers.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const number = e164(decodeURIComponent(event.pathParameters?.number ?? ''));
  const held = (await numberRoutes().numbers(caller.tenantId)).find((n) => n.e164 === number);
  if (held === undefined || !(await numberRoutes().unassign(caller.tenantId, number)))
    throw new NotFoundError('this contact center holds no such number');
  // The number no longer routes to the tenant; giving it back to the carrier may be retried by the operator.
  const orders = new ChimeNumberOrders(runtimeClients().chimeSdkVoice);
  try {
    const rule = held.sipRuleId ?? (await orders.findRule(number));
    if (rule !== undefined) await orders.deleteSipRule(rule);
    await orders.release(number);
  } catch (error) {
    logger().error('a released number could not be returned to the carrier', {
      tenantId: caller.tenantId,
      number,
      error: error as Error,
    });
  }
  return { status: 200, body: { released: number } };
});
