/**
 * The sign-up jobs store alone, for the handlers that only read or queue jobs: a handler's bundle (and so
 * its IAM policy, infra/constructs/function-access.ts) holds only the adapters it imports.
 */
import { DynamoDbSignupJobs } from '../../../layers/adapters/dynamodb-signup-jobs.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';

let jobs: DynamoDbSignupJobs | undefined;

export function signupJobs(): DynamoDbSignupJobs {
  jobs ??= new DynamoDbSignupJobs(runtimeClients().documents, runtimeConfig().tables.live);
  return jobs;
}
