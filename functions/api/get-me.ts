/** GET /api/v1/me: who the signed-in caller is, as the verified token says (the web app's sign-in reads it). */

import { callerIdentity } from '../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../layers/adapters/http-api.ts';

export const handler = httpHandler(async (event) => {
  const { tenantId, userId, email, groups } = callerIdentity(event);
  return { status: 200, body: { tenantId, userId, email, groups } };
});
