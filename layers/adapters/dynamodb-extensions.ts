/**
 * Extension codes on the platform's shared access number, in the config table (global): the directory
 * entry a call finds (`DIR#EXT#<access number>` / `CODE#<code>` → tenant and flow) and the tenant's own item
 * listing it, written and deleted together in one transaction. A code is claimed with a condition, so two
 * tenants can never hold the same one.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { drawExtensionCode } from '../domain/calls/access-number.ts';
import type { NumberRoute } from '../domain/calls/run-ivr-turn.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { type TenantId, tenantId } from '../domain/tenancy/ids.ts';
import { configKeys } from '../resources/keys.ts';
import { tenantItems } from './dynamodb-query-all.ts';
import { limitReached, usageDecrement, usageIncrement } from './tenant-usage.ts';

export interface Extension {
  readonly accessNumber: string;
  readonly code: string;
  readonly flowId: string;
  readonly createdAt: string;
}

/** Codes one tenant may hold (a seller needs one; a few let it point departments at different flows). */
export const MAX_EXTENSIONS_PER_TENANT = 5;

export class DynamoDbExtensions {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The platform's shared access number, if it has one. */
  async accessNumber(): Promise<string | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.table, Key: configKeys.platformAccessNumber() }),
      )
    ).Item;
    return item?.e164 as string | undefined;
  }

  /** Makes a number the shared access number (the operator's act; the number must be no tenant's). */
  async setAccessNumber(e164: string): Promise<void> {
    await this.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: { ...configKeys.numberDirectory(e164), type: 'number-directory', access: true },
              ConditionExpression: 'attribute_not_exists(pk) OR #access = :yes',
              ExpressionAttributeNames: { '#access': 'access' },
              ExpressionAttributeValues: { ':yes': true },
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: { ...configKeys.platformAccessNumber(), type: 'platform-access-number', e164 },
            },
          },
        ],
      }),
    );
  }

  /** Where a code dialled on an access number goes; undefined for a code no tenant holds. */
  async route(accessNumber: string, code: string): Promise<NumberRoute | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.table, Key: configKeys.extensionDirectory(accessNumber, code) }),
      )
    ).Item;
    if (item === undefined) return undefined;
    return { tenant: tenantId(item.tenantId as string), flowId: item.flowId as string };
  }

  async list(tenant: TenantId): Promise<Extension[]> {
    const items = await tenantItems(this.documents, this.table, tenant, 'EXT#', 50);
    return items.map((i) => ({
      accessNumber: i.accessNumber as string,
      code: i.code as string,
      flowId: i.flowId as string,
      createdAt: i.createdAt as string,
    }));
  }

  /** Claims a code (the given one, or a fresh one drawn until free) for the tenant's flow. */
  async claim(tenant: TenantId, accessNumber: string, flowId: string, wanted?: string): Promise<Extension> {
    // Claiming a code the tenant holds already (a restart re-seeding the demo) is a no-op.
    if (wanted !== undefined) {
      const held = (await this.list(tenant)).find(
        (x) => x.accessNumber === accessNumber && x.code === wanted,
      );
      if (held !== undefined) return held;
    }
    for (let attempt = 0; attempt < 10; attempt++) {
      const code = wanted ?? drawExtensionCode();
      const extension: Extension = { accessNumber, code, flowId, createdAt: new Date().toISOString() };
      try {
        await this.documents.send(
          new TransactWriteCommand({
            TransactItems: [
              usageIncrement(this.table, tenant, 'extensions', MAX_EXTENSIONS_PER_TENANT),
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    ...configKeys.extensionDirectory(accessNumber, code),
                    type: 'extension-directory',
                    tenantId: tenant,
                    flowId,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    ...configKeys.extension(tenant, accessNumber, code),
                    type: 'extension',
                    ...extension,
                  },
                },
              },
            ],
          }),
        );
        return extension;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        if (limitReached(error, 0))
          throw new ConflictError(
            `a contact center may hold at most ${MAX_EXTENSIONS_PER_TENANT} extension codes`,
          );
        if (wanted !== undefined)
          throw new ConflictError(`extension code ${wanted} belongs to another contact center`);
      }
    }
    throw new ConflictError('no free extension code was found: try again');
  }

  /** Gives a code back; only the tenant holding it can. */
  async release(tenant: TenantId, accessNumber: string, code: string): Promise<void> {
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: configKeys.extensionDirectory(accessNumber, code),
                ConditionExpression: 'tenantId = :tenant',
                ExpressionAttributeValues: { ':tenant': tenant },
              },
            },
            { Delete: { TableName: this.table, Key: configKeys.extension(tenant, accessNumber, code) } },
            usageDecrement(this.table, tenant, 'extensions'),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException)
        throw new NotFoundError(`this contact center has no extension code ${code}`);
      throw error;
    }
  }
}
