/**
 * POST /api/v1/numbers `{"numberType"?: "local"|"toll-free", "areaCode"?: "415"}`: orders another number for
 * the tenant (routed to its main flow once live) → 202 with the order, whose progress
 * `GET /api/v1/numbers/orders/{orderId}` shows. Admins; one order at a time, within the tenant's number limit.
 */
import { z } from 'zod';
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, optionalJsonBody } from '../../../layers/adapters/http-api.ts';
import { tenantLimits } from '../../../layers/adapters/tenant-limits.ts';
import { ConflictError } from '../../../layers/domain/errors.ts';
import type { SignupJob } from '../../../layers/domain/tenancy/provision-tenant.ts';
import { newSignupId } from '../../../layers/domain/tenancy/signup-request.ts';
import { parseOrThrow } from '../../../layers/domain/validation.ts';
import { signupPorts } from '../signup/signup-ports.ts';
import { numberOrderView } from '../signup/signup-view.ts';
import { numberRoutes } from './numbers.ts';

const orderSchema = z
  .strictObject({
    numberType: z.enum(['local', 'toll-free']).default('local'),
    areaCode: z
      .string()
      .regex(/^[2-9]\d{2}$/, 'areaCode must be three digits, not starting with 0 or 1')
      .optional(),
  })
  .refine((o) => o.numberType === 'local' || o.areaCode === undefined, {
    message: 'areaCode is for local numbers only',
    path: ['areaCode'],
  });

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const order = parseOrThrow(orderSchema, optionalJsonBody(event), 'number order');
  await signupPorts().tenants.requireActive(caller.tenantId);
  const [held, limits] = await Promise.all([
    numberRoutes().numbers(caller.tenantId),
    tenantLimits(caller.tenantId),
  ]);
  if (held.length >= limits.phoneNumbers)
    throw new ConflictError(
      `this contact center holds its ${limits.phoneNumbers} numbers (its limit): release one or ask the operator for more`,
    );
  const job: SignupJob = {
    kind: 'number',
    signupId: newSignupId(),
    tenantId: caller.tenantId,
    email: caller.email,
    companyName: '',
    numberType: order.numberType,
    ...(order.areaCode === undefined ? {} : { areaCode: order.areaCode }),
    state: 'provisioning',
    step: 'number',
    createdAt: new Date().toISOString(),
    progress: [],
    triedNumbers: [],
    failures: 0,
  };
  await signupPorts().jobs.createNumberOrder(job);
  return {
    status: 202,
    body: numberOrderView(job),
    headers: { location: `/api/v1/numbers/orders/${job.signupId}` },
  };
});
