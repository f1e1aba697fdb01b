/**
 * API keys in the config table (global, so every region authorises them): the tenant's item (name,
 * scopes, when made and by whom — never the secret) and the directory entry `DIR#APIKEY#<sha256>` the
 * authoriser looks a key up by, written and deleted together in one transaction.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import {
  type ApiScope,
  generateApiKey,
  hashApiKey,
  isApiScope,
  MAX_API_KEYS,
  type NewApiKey,
} from '../domain/tenancy/api-keys.ts';
import { type TenantId, tenantId } from '../domain/tenancy/ids.ts';
import { configKeys } from '../resources/keys.ts';
import { tenantItems } from './dynamodb-query-all.ts';
import { limitReached, usageDecrement, usageIncrement } from './tenant-usage.ts';

export interface ApiKeySummary {
  readonly keyId: string;
  readonly name: string;
  readonly scopes: readonly ApiScope[];
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface ApiKeyPrincipal {
  readonly tenantId: TenantId;
  readonly keyId: string;
  readonly scopes: readonly ApiScope[];
}

export class DynamoDbApiKeys {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list(tenant: TenantId): Promise<ApiKeySummary[]> {
    const items = await tenantItems(this.documents, this.table, tenant, 'APIKEY#', 100);
    return items.map((i) => ({
      keyId: i.keyId as string,
      name: i.name as string,
      scopes: i.scopes as ApiScope[],
      createdAt: i.createdAt as string,
      createdBy: i.createdBy as string,
    }));
  }

  /** Makes a key; the returned `key` is the only time the secret exists outside the caller's hands. */
  async create(tenant: TenantId, input: NewApiKey, by: string): Promise<ApiKeySummary & { key: string }> {
    const { keyId, key, hash } = generateApiKey();
    const summary: ApiKeySummary = {
      keyId,
      name: input.name,
      scopes: input.scopes,
      createdAt: new Date().toISOString(),
      createdBy: by,
    };
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            usageIncrement(this.table, tenant, 'apiKeys', MAX_API_KEYS),
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...configKeys.apiKeyDirectory(hash),
                  type: 'apikey-directory',
                  tenantId: tenant,
                  keyId,
                  scopes: input.scopes,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...configKeys.apiKey(tenant, keyId), type: 'apikey', hash, ...summary },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException && limitReached(error, 0))
        throw new ConflictError(
          `a contact center may hold at most ${MAX_API_KEYS} API keys: revoke one first`,
        );
      throw error;
    }
    return { ...summary, key };
  }

  /** Revokes a key of the tenant's: it stops working at once (the authoriser caches answers briefly). */
  async revoke(tenant: TenantId, keyId: string): Promise<void> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.table, Key: configKeys.apiKey(tenant, keyId) }),
      )
    ).Item;
    if (item === undefined) throw new NotFoundError('this contact center has no such API key');
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: configKeys.apiKeyDirectory(item.hash as string),
                ConditionExpression: 'tenantId = :tenant',
                ExpressionAttributeValues: { ':tenant': tenant },
              },
            },
            { Delete: { TableName: this.table, Key: configKeys.apiKey(tenant, keyId) } },
            usageDecrement(this.table, tenant, 'apiKeys'),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException)
        throw new NotFoundError('this contact center has no such API key');
      throw error;
    }
  }

  /** Who a presented key is, if it is a live key. */
  async principal(key: string): Promise<ApiKeyPrincipal | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.table, Key: configKeys.apiKeyDirectory(hashApiKey(key)) }),
      )
    ).Item;
    if (item === undefined) return undefined;
    return {
      tenantId: tenantId(item.tenantId as string),
      keyId: item.keyId as string,
      scopes: ((item.scopes as string[]) ?? []).filter(isApiScope),
    };
  }
}
