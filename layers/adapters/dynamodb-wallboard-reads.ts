/**
 * What the wallboard reads besides the queues: every agent of a tenant (GSI1 `T#<t>#AGENTS`, one Query,
 * paginated), and how many calls each answered today (one Query over the day's counters partition).
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AgentState } from '../domain/routing/agent-state.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { liveKeys } from '../resources/keys.ts';

/** Beyond this many agents a tenant's wallboard shows the first ones (the design's largest tenant: 5,000). */
const MAX_AGENTS = 5_000;

export class DynamoDbWallboardReads {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async agents(tenant: TenantId): Promise<AgentState[]> {
    const agents: AgentState[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': liveKeys.agentStateIndex(tenant, '').gsi1pk },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) agents.push(item.state as AgentState);
      start = page.LastEvaluatedKey;
    } while (start !== undefined && agents.length < MAX_AGENTS);
    return agents;
  }

  async answeredToday(tenant: TenantId, day: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': liveKeys.agentDayCounter(tenant, day, '').pk, ':prefix': 'A#' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) counts.set(String(item.sk).slice(2), Number(item.answered ?? 0));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return counts;
  }
}
