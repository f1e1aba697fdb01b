/**
 * The CDR collector, on the live table's stream. An agent's state change becomes an agent event on the
 * call-events stream, and when it ends the agent's wrap-up, the agent's segment (answer, hold, wrap-up)
 * is written on the call's record. A call record that changed and is over (ended, its last agent's
 * wrap-up done) has its detail record sent (layers/domain/cdr/publish-cdr.ts).
 *
 * Delivery is at least once and everything here repeats harmlessly: segments are overwritten with the
 * same values, agent events and CDR versions have stable ids. A failure is reported from the first record
 * not handled, and the mapping retries from there; calls it never gets to are found by the CDR sweep.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../layers/adapters/logger.ts';
import { runtimeConfig } from '../../layers/config/config.ts';
import { type AgentEventRecord, agentEvent, finishedSegment } from '../../layers/domain/cdr/agent-events.ts';
import { type PublishableCall, publishCdr } from '../../layers/domain/cdr/publish-cdr.ts';
import type { AgentState } from '../../layers/domain/routing/agent-state.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { cdrRuntime } from './cdr-runtime.ts';

const AGENT_STATE = /^T#([^#]+)#AGENT#([^#]+)$/;
const CALL_STATE = /^T#([^#]+)#CALL#([^#]+)$/;

type StreamRecord = DynamoDBStreamEvent['Records'][number];

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const { store, events, publish } = cdrRuntime();
  // Agent events go out together (one PutRecords a batch, not one a change), before any CDR that
  // follows them and at the end; a failure names the first record whose event was not sent.
  let waiting: { sequence: string; record: AgentEventRecord }[] = [];
  const flush = async () => {
    if (waiting.length === 0) return;
    await events.put(waiting.map((w) => ({ ...w.record, type: 'agent-event' as const })));
    waiting = [];
  };
  for (const record of event.Records) {
    const change = record.dynamodb;
    const pk = change?.Keys?.pk?.S ?? '';
    if (change?.Keys?.sk?.S !== 'STATE') continue;
    try {
      const agent = AGENT_STATE.exec(pk);
      if (agent !== null) {
        const tenant = tenantId(agent[1] as string);
        const before = image<{ state?: AgentState }>(record, 'OldImage')?.state;
        const after = image<{ state?: AgentState }>(record, 'NewImage')?.state;
        const finished = finishedSegment(before, after);
        if (finished !== undefined) await store.saveSegment(tenant, finished.callId, finished.segment);
        const timezone = await store.timezone(tenant);
        const agentRecord = agentEvent(tenant, before, after, {
          timezone,
          region: runtimeConfig().region,
          now: new Date(),
        });
        if (agentRecord !== undefined)
          waiting.push({ sequence: change.SequenceNumber ?? '', record: agentRecord });
        continue;
      }
      const call = CALL_STATE.exec(pk);
      const after = call === null ? undefined : image<PublishableCall>(record, 'NewImage');
      if (call !== null && after?.status === 'ended') {
        await flush();
        await publishCdr(publish, tenantId(call[1] as string), after, 'stream');
      }
    } catch (error) {
      logger().warn('call events not sent yet', { error: error as Error });
      return { batchItemFailures: [{ itemIdentifier: waiting[0]?.sequence ?? change.SequenceNumber ?? '' }] };
    }
  }
  try {
    await flush();
  } catch (error) {
    logger().warn('agent events not sent yet', { error: error as Error });
    return { batchItemFailures: [{ itemIdentifier: waiting[0]?.sequence ?? '' }] };
  }
  return { batchItemFailures: [] };
}

function image<T>(record: StreamRecord, which: 'OldImage' | 'NewImage'): T | undefined {
  const raw = record.dynamodb?.[which];
  return raw === undefined ? undefined : (unmarshall(raw as Parameters<typeof unmarshall>[0]) as T);
}
