/**
 * Flows in the config table (global, so the standby region serves the same flows): a draft item, one
 * immutable item per version, and a PUBLISHED item that copies the live version's document, so a new
 * call reads its flow with one GetItem. Keys: layers/resources/keys.ts.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors.ts';
import type { FlowDocument } from '../domain/flows/flow-document.ts';
import type { FlowStore, FlowVersionSummary, PublishedFlow } from '../domain/flows/flow-service.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { configKeys } from '../resources/keys.ts';

const PUBLISH_ATTEMPTS = 5;

export class DynamoDbFlowStore implements FlowStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async saveDraft(tenant: TenantId, flowId: string, document: FlowDocument, by: string): Promise<void> {
    const savedAt = new Date().toISOString();
    await this.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: {
                ...configKeys.flowDraft(tenant, flowId),
                type: 'flow-draft',
                flowId,
                document,
                savedAt,
                savedBy: by,
              },
            },
          },
          { Put: { TableName: this.table, Item: this.entry(tenant, flowId, document, savedAt) } },
        ],
      }),
    );
  }

  async draft(tenant: TenantId, flowId: string) {
    const item = await this.get(configKeys.flowDraft(tenant, flowId));
    return item === undefined
      ? undefined
      : { document: item.document as FlowDocument, savedAt: item.savedAt as string };
  }

  async publish(tenant: TenantId, flowId: string, document: FlowDocument, by: string): Promise<number> {
    // Two admins publishing at once both read the same latest version; the condition lets one win and
    // the other take the next number.
    for (let attempt = 1; ; attempt++) {
      const latest = (await this.versions(tenant, flowId, 1))[0]?.version ?? 0;
      const version = latest + 1;
      const publishedAt = new Date().toISOString();
      const body = { flowId, version, document, name: document.name, publishedAt, publishedBy: by };
      try {
        await this.documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: { ...configKeys.flowVersion(tenant, flowId, version), type: 'flow-version', ...body },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.table,
                  Item: { ...configKeys.flowPublished(tenant, flowId), type: 'flow-published', ...body },
                },
              },
              { Put: { TableName: this.table, Item: this.entry(tenant, flowId, document, publishedAt) } },
            ],
          }),
        );
        return version;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException) || attempt >= PUBLISH_ATTEMPTS) throw error;
      }
    }
  }

  async published(tenant: TenantId, flowId: string): Promise<PublishedFlow | undefined> {
    return asPublished(await this.get(configKeys.flowPublished(tenant, flowId)));
  }

  async version(tenant: TenantId, flowId: string, version: number): Promise<PublishedFlow | undefined> {
    return asPublished(await this.get(configKeys.flowVersion(tenant, flowId, version)));
  }

  async versions(tenant: TenantId, flowId: string, limit = 100): Promise<FlowVersionSummary[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': configKeys.tenant(tenant).pk,
          ':prefix': configKeys.flowVersionsPrefix(flowId),
        },
        ProjectionExpression: 'version, #n, publishedAt, publishedBy',
        ExpressionAttributeNames: { '#n': 'name' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((i) => ({
      version: i.version as number,
      name: i.name as string,
      publishedAt: i.publishedAt as string,
      publishedBy: i.publishedBy as string,
    }));
  }

  async setPublished(tenant: TenantId, flowId: string, version: PublishedFlow, by: string): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...configKeys.flowPublished(tenant, flowId),
            type: 'flow-published',
            flowId,
            version: version.version,
            document: version.document,
            name: version.document.name,
            publishedAt: new Date().toISOString(),
            publishedBy: by,
          },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new ConflictError(`flow '${flowId}' has never been published`);
      throw error;
    }
  }

  async flowIds(tenant: TenantId): Promise<string[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': configKeys.tenant(tenant).pk, ':prefix': 'FLOWS#' },
        ProjectionExpression: 'flowId',
      }),
    );
    return (result.Items ?? []).map((i) => i.flowId as string);
  }

  private entry(tenant: TenantId, flowId: string, document: FlowDocument, at: string) {
    return { ...configKeys.flow(tenant, flowId), type: 'flow', flowId, name: document.name, updatedAt: at };
  }

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return result.Item;
  }
}

function asPublished(item: Record<string, unknown> | undefined): PublishedFlow | undefined {
  if (item === undefined) return undefined;
  return {
    version: item.version as number,
    document: item.document as FlowDocument,
    publishedAt: item.publishedAt as string,
  };
}
