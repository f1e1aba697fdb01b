/**
 * What DynamoDB committed for a tenant, read back from the live table's own stream (whoever wrote it:
 * call control, the agent API, the dispatcher, the sweeper): every change of a call's routing and of an
 * agent's state, as a step from one version to the next, and each call record's last status.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { wireImage } from '../../infra/local/stream-mappings.ts';
import type { AwsClients } from '../../layers/config/aws-clients.ts';
import type { AgentState } from '../../layers/domain/routing/agent-state.ts';
import type { CallRouting } from '../../layers/domain/routing/routing-store.ts';

export interface RoutingStep {
  readonly callId: string;
  readonly from: number;
  readonly to: number;
  readonly state: CallRouting['state'];
  readonly queueId: string;
  readonly agentId?: string;
}

export interface AgentStep {
  readonly agentId: string;
  readonly from: number;
  readonly to: number;
  readonly status: AgentState['status'];
  readonly callId?: string;
  /** When the agent entered this status (ms). */
  readonly since: number;
}

export interface CommittedSteps {
  readonly routingSteps: RoutingStep[];
  readonly agentSteps: AgentStep[];
  /** Each call record's status after its last committed change. */
  readonly callStatus: Map<string, string>;
}

export async function committedSteps(
  clients: AwsClients,
  liveTable: string,
  tenant: string,
): Promise<CommittedSteps> {
  const routingSteps: RoutingStep[] = [];
  const agentSteps: AgentStep[] = [];
  const callStatus = new Map<string, string>();
  const streams = clients.dynamodbStreams;
  const table = await clients.dynamodb.send(new DescribeTableCommand({ TableName: liveTable }));
  const streamArn = table.Table?.LatestStreamArn as string;
  const shards: string[] = [];
  let startAfter: string | undefined;
  do {
    const described = await streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: startAfter }),
    );
    for (const shard of described.StreamDescription?.Shards ?? []) shards.push(shard.ShardId as string);
    startAfter = described.StreamDescription?.LastEvaluatedShardId;
  } while (startAfter !== undefined);
  const callPrefix = `T#${tenant}#CALL#`;
  const agentPrefix = `T#${tenant}#AGENT#`;
  for (const shardId of shards) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      for (const record of page.Records ?? []) {
        const keys = record.dynamodb?.Keys;
        const pk = keys?.pk?.S ?? '';
        if (keys?.sk?.S !== 'STATE' || record.eventName === 'REMOVE') continue;
        const now = image(record.dynamodb?.NewImage);
        const before = image(record.dynamodb?.OldImage);
        if (pk.startsWith(callPrefix)) {
          const callId = pk.slice(callPrefix.length);
          if (typeof now.status === 'string') callStatus.set(callId, now.status);
          const next = now.routing as CallRouting | undefined;
          const prev = before.routing as CallRouting | undefined;
          if (next === undefined || next.version === prev?.version) continue; // not a routing change
          routingSteps.push({
            callId,
            from: prev?.version ?? 0,
            to: next.version,
            state: next.state,
            queueId: next.entry.queueId,
            ...('agentId' in next && next.agentId !== undefined ? { agentId: next.agentId } : {}),
          });
        } else if (pk.startsWith(agentPrefix)) {
          const state = now.state as AgentState | undefined;
          if (state === undefined) continue;
          agentSteps.push({
            agentId: pk.slice(agentPrefix.length),
            from: (before.version as number | undefined) ?? 0,
            to: now.version as number,
            status: state.status,
            since: Date.parse(state.since),
            ...(state.call === undefined ? {} : { callId: state.call.callId }),
          });
        }
      }
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return { routingSteps, agentSteps, callStatus };
}

/** A stream image as plain values (the streams client's reading of empty maps repaired first). */
function image(attributes: unknown): Record<string, unknown> {
  return unmarshall(wireImage((attributes ?? {}) as Parameters<typeof unmarshall>[0]));
}
