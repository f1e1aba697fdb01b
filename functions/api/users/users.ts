/** What the users routes share: the user pool, the tenant's list of users, and the user of the path. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CognitoUserDirectory } from '../../../layers/adapters/cognito-user-directory.ts';
import { DynamoDbUsers } from '../../../layers/adapters/dynamodb-users.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import { entityId } from '../../../layers/domain/tenancy/ids.ts';

let pool: CognitoUserDirectory | undefined;
let list: DynamoDbUsers | undefined;

export function userPool(): CognitoUserDirectory {
  const config = runtimeConfig();
  if (config.userPoolId === undefined) throw new Error('OPENLINE_USER_POOL_ID is not set');
  pool ??= new CognitoUserDirectory(runtimeClients().cognito, config.userPoolId);
  return pool;
}

export function tenantUsers(): DynamoDbUsers {
  list ??= new DynamoDbUsers(runtimeClients().documents, runtimeConfig().tables.config);
  return list;
}

export function userIdOf(event: APIGatewayProxyEventV2): string {
  return entityId('user', event.pathParameters?.userId ?? '');
}
