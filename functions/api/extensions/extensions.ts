/** The extension-code store the extension routes share, built once per cold start. */
import { DynamoDbExtensions } from '../../../layers/adapters/dynamodb-extensions.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import { NotFoundError } from '../../../layers/domain/errors.ts';

let store: DynamoDbExtensions | undefined;

export function extensions(): DynamoDbExtensions {
  store ??= new DynamoDbExtensions(runtimeClients().documents, runtimeConfig().tables.config);
  return store;
}

/** The platform's shared access number, or a 404 saying this deployment has none. */
export async function requireAccessNumber(): Promise<string> {
  const number = await extensions().accessNumber();
  if (number === undefined) throw new NotFoundError('this deployment has no shared access number');
  return number;
}
