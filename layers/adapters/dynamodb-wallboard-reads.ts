/**
 * What the wallboard reads besides the queues: every agent of a tenant (GSI1 `T#<t>#AGENTS`, one Query,
 * paginated), and how many calls each answered today (one Query over the day's counters partition).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AgentState } from '../domain/routing/agent-state.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { liveKeys } from '../resources/keys.ts';
import { queryAll } from './dynamodb-query-all.ts';

/** Beyond this many agents a tenant's wallboard shows the first ones (the design's largest tenant: 5,000). */
const MAX_AGENTS = 5_000;

export class DynamoDbWallboardReads {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async agents(tenant: TenantId): Promise<AgentState[]> {
    const items = await queryAll(
      this.documents,
      {
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': liveKeys.agentStateIndex(tenant, '').gsi1pk },
      },
      MAX_AGENTS,
    );
    return items.map((item) => item.state as AgentState);
  }

  async answeredToday(tenant: TenantId, day: string): Promise<Map<string, number>> {
    const items = await queryAll(this.documents, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': liveKeys.agentDayCounter(tenant, day, '').pk, ':prefix': 'A#' },
    });
    return new Map(items.map((item) => [String(item.sk).slice(2), Number(item.answered ?? 0)]));
  }
}
