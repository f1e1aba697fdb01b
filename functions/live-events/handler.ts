/**
 * The live table's stream, turned into live events (layers/domain/routing/live-events.ts) and pushed to the
 * agents' and supervisors' WebSocket connections. Delivery is at least once, so an event may be pushed twice:
 * every event carries the version or state it describes, and clients keep the latest. A push that fails
 * for one connection does not hold up the others; a failure of the table read is retried by the mapping
 * from the first record not yet pushed (a partial batch response).
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../layers/adapters/logger.ts';
import { runtimeNotifier } from '../../layers/adapters/websocket-notifier.ts';
import type { AgentState } from '../../layers/domain/routing/agent-state.ts';
import {
  agentStateEvent,
  type CallSnapshot,
  callEvent,
  type LiveEvent,
} from '../../layers/domain/routing/live-events.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';

const connections = runtimeNotifier;

const AGENT_STATE = /^T#([^#]+)#AGENT#([^#]+)$/;
const CALL_STATE = /^T#([^#]+)#CALL#([^#]+)$/;

type Image = Record<string, unknown> | undefined;

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const events: LiveEvent[] = [];
  for (const record of event.Records) {
    try {
      const live = eventOf(record);
      if (live !== undefined) events.push(live);
    } catch (error) {
      // A record that cannot be read will not read better on a retry: it is logged and passed over.
      logger().error('unreadable stream record', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: error as Error,
      });
    }
  }
  // The whole batch at once: each audience's connections are read once, however many changes it has.
  try {
    await connections().publish(events);
  } catch (error) {
    logger().warn('live events not pushed yet', { error: error as Error });
    return { batchItemFailures: [{ itemIdentifier: event.Records[0]?.dynamodb?.SequenceNumber ?? '' }] };
  }
  return { batchItemFailures: [] };
}

function eventOf(record: DynamoDBStreamEvent['Records'][number]): LiveEvent | undefined {
  const change = record.dynamodb;
  const pk = change?.Keys?.pk?.S;
  if (pk === undefined || change?.Keys?.sk?.S !== 'STATE') return undefined;
  const image = (which: 'OldImage' | 'NewImage'): Image => {
    const raw = change[which];
    return raw === undefined ? undefined : unmarshall(raw as Parameters<typeof unmarshall>[0]);
  };
  const agent = AGENT_STATE.exec(pk);
  if (agent !== null)
    return agentStateEvent(
      tenantId(agent[1] as string),
      image('OldImage')?.state as AgentState | undefined,
      image('NewImage')?.state as AgentState | undefined,
    );
  const call = CALL_STATE.exec(pk);
  if (call !== null)
    return callEvent(
      tenantId(call[1] as string),
      image('OldImage') as CallSnapshot | undefined,
      image('NewImage') as CallSnapshot | undefined,
    );
  return undefined;
}
