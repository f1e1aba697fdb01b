/** The report runner the report routes share, built once per cold start. */
import { AthenaReports } from '../../../layers/adapters/athena-reports.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';

let reports: AthenaReports | undefined;

export function reportRunner(): AthenaReports {
  reports ??= new AthenaReports(runtimeClients().athena, runtimeConfig().buckets.lake);
  return reports;
}
