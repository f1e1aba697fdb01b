/**
 * POST /api/v1/users `{"email", "groups": ["agent", …]}`: invites a user to the tenant with its roles → 201
 * with `temporaryPassword` (also emailed by the user pool on AWS), which the user replaces at its first
 * sign-in. Admins. An agent's profile (skills, queues) is set with PUT /api/v1/agents/{userId}.
 */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { parseInvite, temporaryPassword } from '../../../layers/domain/tenancy/users.ts';
import { signupPorts } from '../signup/signup-ports.ts';
import { tenantUsers, userPool } from './users.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const invite = parseInvite(jsonBody(event));
  await signupPorts().tenants.requireActive(caller.tenantId);
  const password = temporaryPassword();
  const userId = await userPool().invite({
    ...invite,
    tenantId: caller.tenantId,
    temporaryPassword: password,
  });
  const user = { userId, ...invite, invitedAt: new Date().toISOString(), invitedBy: caller.email };
  await tenantUsers().put(caller.tenantId, user);
  return { status: 201, body: { ...user, temporaryPassword: password } };
});
