/**
 * What taking a sign-up needs (its job, and the admin user made at once): not the number orders or the
 * tenant writer, which only the worker uses (functions/signup/worker.ts, via signup-ports.ts).
 */
import { CognitoUserDirectory } from '../../../layers/adapters/cognito-user-directory.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import { signupJobs } from './signup-jobs.ts';

let users: CognitoUserDirectory | undefined;

export function signupIntake() {
  const config = runtimeConfig();
  if (config.userPoolId === undefined)
    throw new Error('OPENLINE_USER_POOL_ID is not set: sign-up has no user pool to create the admin in');
  users ??= new CognitoUserDirectory(runtimeClients().cognito, config.userPoolId);
  return { jobs: signupJobs(), users };
}
