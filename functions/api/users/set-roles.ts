/**
 * PUT /api/v1/users/{userId}/groups `{"groups": ["supervisor"]}`: a user's roles, exactly; admins, and never
 * their own (new roles reach the user's next sign-in: tokens already issued keep theirs for their hour).
 */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { ForbiddenError, NotFoundError } from '../../../layers/domain/errors.ts';
import { parseRoles } from '../../../layers/domain/tenancy/users.ts';
import { tenantUsers, userIdOf, userPool } from './users.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const userId = userIdOf(event);
  const { groups } = parseRoles(jsonBody(event));
  if (userId === caller.userId) throw new ForbiddenError('an admin cannot change their own roles');
  const user = await tenantUsers().get(caller.tenantId, userId);
  if (user === undefined) throw new NotFoundError('this contact center has no such user');
  if (!(await userPool().setGroups(userId, caller.tenantId, groups)))
    throw new NotFoundError('this contact center has no such user');
  const changed = { ...user, groups };
  await tenantUsers().put(caller.tenantId, changed);
  return { status: 200, body: changed };
});
