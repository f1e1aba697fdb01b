/** GET /api/v1/reports: the named reports (name, title, what they show); supervisors and admins. */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { namedQueries } from '../../../layers/domain/reports/named-queries.ts';

export const handler = httpHandler(async (event) => {
  requireAccess(callerIdentity(event), 'reports:read', 'supervisor', 'admin');
  return {
    status: 200,
    body: {
      reports: namedQueries.map((q) => ({
        name: q.name,
        title: q.title,
        description: q.description,
        detail: q.detail,
      })),
    },
  };
});
