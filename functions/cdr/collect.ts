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
import { agentEvent, finishedSegment } from '../../layers/domain/cdr/agent-events.ts';
import { type PublishableCall, publishCdr } from '../../layers/domain/cdr/publish-cdr.ts';
import type { AgentState } from '../../layers/domain/routing/agent-state.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { cdrRuntime } from './cdr-runtime.ts';

const AGENT_STATE = /^T#([^#]+)#AGENT#([^#]+)$/;
const CALL_STATE = /^T#([^#]+)#CALL#([^#]+)$/;

type StreamRecord = DynamoDBStreamEvent['Records'][number];

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const { store, events, publish } = cdrRuntime();
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
        if (agentRecord !== undefined) await events.put([{ ...agentRecord, type: 'agent-event' }]);
        continue;
      }
      const call = CALL_STATE.exec(pk);
      const after = call === null ? undefined : image<PublishableCall>(record, 'NewImage');
      if (call !== null && after?.status === 'ended')
        await publishCdr(publish, tenantId(call[1] as string), after, 'stream');
    } catch (error) {
      logger().warn('call events not sent yet', { error: error as Error });
      return { batchItemFailures: [{ itemIdentifier: change.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}

function image<T>(record: StreamRecord, which: 'OldImage' | 'NewImage'): T | undefined {
  const raw = record.dynamodb?.[which];
  return raw === undefined ? undefined : (unmarshall(raw as Parameters<typeof unmarshall>[0]) as T);
}
