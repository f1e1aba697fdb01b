/**
 * GET /api/v1/reports/{name}?from=yyyy-mm-dd&to=yyyy-mm-dd: one named report over the tenant's calls of
 * those local dates (both included; at most 3 years), as columns and rows; supervisors and admins. The
 * tenant comes from the caller's identity only, and reaches the query as a parameter.
 */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { NotFoundError } from '../../../layers/domain/errors.ts';
import { namedQuery, reportParameters } from '../../../layers/domain/reports/named-queries.ts';
import { reportRange } from '../../../layers/domain/reports/report-range.ts';
import { reportRunner } from './reports-runtime.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'reports:read', 'supervisor', 'admin');
  const name = event.pathParameters?.name ?? '';
  const query = namedQuery(name);
  if (query === undefined) throw new NotFoundError(`there is no report '${name.slice(0, 60)}'`);
  const { from, to } = reportRange(event.queryStringParameters ?? {});
  const result = await reportRunner().run(
    caller.tenantId,
    query.sql,
    reportParameters(query, caller.tenantId, from, to),
  );
  return {
    status: 200,
    body: {
      report: query.name,
      title: query.title,
      from,
      to,
      columns: result.columns,
      rows: result.rows,
      scannedBytes: result.scannedBytes,
    },
  };
});
