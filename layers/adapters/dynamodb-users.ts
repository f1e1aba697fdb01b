/**
 * The tenant's users as the console lists them (the user pool is where they sign in; Cognito cannot list
 * the users of one tenant by its custom attribute, so each tenant keeps its own list in the config table).
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantId } from '../domain/tenancy/ids.ts';
import type { Role } from '../domain/tenancy/users.ts';
import { configKeys } from '../resources/keys.ts';
import { queryAll } from './dynamodb-query-all.ts';

export interface TenantUser {
  readonly userId: string;
  readonly email: string;
  readonly groups: readonly Role[];
  readonly invitedAt: string;
  readonly invitedBy: string;
}

export class DynamoDbUsers {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list(tenant: TenantId): Promise<TenantUser[]> {
    const items = await queryAll(
      this.documents,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :users)',
        ExpressionAttributeValues: { ':pk': configKeys.tenant(tenant).pk, ':users': 'USER#' },
      },
      10_000,
    );
    return items.map((i) => ({
      userId: i.userId as string,
      email: i.email as string,
      groups: i.groups as Role[],
      invitedAt: i.invitedAt as string,
      invitedBy: i.invitedBy as string,
    }));
  }

  async get(tenant: TenantId, userId: string): Promise<TenantUser | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.table, Key: configKeys.user(tenant, userId) }),
      )
    ).Item;
    return item as TenantUser | undefined;
  }

  async put(tenant: TenantId, user: TenantUser): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...configKeys.user(tenant, user.userId), type: 'user', ...user },
      }),
    );
  }

  async remove(tenant: TenantId, userId: string): Promise<void> {
    await this.documents.send(
      new DeleteCommand({ TableName: this.table, Key: configKeys.user(tenant, userId) }),
    );
  }
}
