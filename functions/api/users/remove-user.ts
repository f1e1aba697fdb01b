/** DELETE /api/v1/users/{userId}: removes a user from the tenant (and the user pool); admins, never themselves. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { ForbiddenError, NotFoundError } from '../../../layers/domain/errors.ts';
import { tenantUsers, userIdOf, userPool } from './users.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const userId = userIdOf(event);
  if (userId === caller.userId) throw new ForbiddenError('an admin cannot remove themselves');
  const user = await tenantUsers().get(caller.tenantId, userId);
  if (user === undefined) throw new NotFoundError('this contact center has no such user');
  // Gone from the user pool already (removed there directly): the list entry goes all the same.
  await userPool().removeById(userId, caller.tenantId);
  await tenantUsers().remove(caller.tenantId, userId);
  return { status: 200, body: { removed: userId } };
});
