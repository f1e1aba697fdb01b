/** The adapters the sign-up worker runs on, built once per warm handler from the runtime configuration. */
import { ChimeNumberOrders } from '../../../layers/adapters/chime-number-orders.ts';
import { CognitoUserDirectory } from '../../../layers/adapters/cognito-user-directory.ts';
import type { DynamoDbSignupJobs } from '../../../layers/adapters/dynamodb-signup-jobs.ts';
import { DynamoDbTenantWriter } from '../../../layers/adapters/dynamodb-tenant-writer.ts';
import { PlatformTelephony } from '../../../layers/adapters/platform-telephony.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import type { ProvisioningPorts } from '../../../layers/domain/tenancy/provision-tenant.ts';
import { signupJobs } from './signup-jobs.ts';

export interface SignupPorts extends ProvisioningPorts {
  readonly jobs: DynamoDbSignupJobs;
  readonly users: CognitoUserDirectory;
  readonly tenants: DynamoDbTenantWriter;
}

let built: SignupPorts | undefined;

export function signupPorts(): SignupPorts {
  if (built !== undefined) return built;
  const config = runtimeConfig();
  const clients = runtimeClients();
  if (config.userPoolId === undefined)
    throw new Error('OPENLINE_USER_POOL_ID is not set: sign-up has no user pool to create the admin in');
  const platform = new PlatformTelephony(clients.documents, config.tables.config);
  built = {
    jobs: signupJobs(),
    users: new CognitoUserDirectory(clients.cognito, config.userPoolId),
    numbers: new ChimeNumberOrders(clients.chimeSdkVoice),
    tenants: new DynamoDbTenantWriter(clients.documents, config.tables.config),
    sipTargets: () => platform.sipTargets(),
    now: Date.now,
  };
  return built;
}
