/**
 * Callers' requests to be called back (a queue overflowing to `callback`), in the live table under the
 * tenant, newest last; agents and supervisors list them and call out. Kept a week.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { liveKeys } from '../resources/keys.ts';

const KEEP_S = 7 * 24 * 3600;

export interface CallbackRequest {
  readonly callId: string;
  readonly caller: string;
  readonly queueId: string;
  readonly at: string;
}

export class DynamoDbCallbackRequests {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Records the request (call control runs each invocation once: see the invocation log). */
  async request(tenant: TenantId, request: CallbackRequest): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...liveKeys.callbackRequest(tenant, request.at, request.callId),
            type: 'callback-request',
            ...request,
            expiresAt: Math.floor(Date.parse(request.at) / 1000) + KEEP_S,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** The tenant's most recent requests, newest first. */
  async recent(tenant: TenantId, limit: number): Promise<CallbackRequest[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': liveKeys.callbackRequest(tenant, '', '').pk },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((i) => ({
      callId: i.callId as string,
      caller: i.caller as string,
      queueId: i.queueId as string,
      at: i.at as string,
    }));
  }
}
