/**
 * Webhook events from the live table's stream: each call record change is turned into the webhook events
 * it makes (layers/domain/webhooks/webhooks.ts) and a delivery is recorded for every endpoint of the
 * tenant that subscribed to it; the delivery worker (deliver.ts) sends them. Delivery of the stream is at
 * least once: an event has a stable id and a delivery is made once per event and endpoint, so a replayed
 * record sends nothing twice. A failing batch is retried from the first record not yet handled.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../layers/adapters/logger.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { type CallRecordImage, callWebhookEvents } from '../../layers/domain/webhooks/webhooks.ts';
import { webhookStore } from './webhooks-store.ts';

const CALL_STATE = /^T#([^#]+)#CALL#([^#]+)$/;

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    const change = record.dynamodb;
    const call = CALL_STATE.exec(change?.Keys?.pk?.S ?? '');
    if (call === null || change?.Keys?.sk?.S !== 'STATE') continue;
    try {
      const image = (raw: unknown) =>
        raw === undefined
          ? undefined
          : (unmarshall(raw as Parameters<typeof unmarshall>[0]) as CallRecordImage);
      const tenant = tenantId(call[1] as string);
      const events = callWebhookEvents(
        tenant,
        image(change.OldImage),
        image(change.NewImage),
        new Date().toISOString(),
      );
      if (events.length === 0) continue;
      const endpoints = await webhookStore().endpoints(tenant, true);
      for (const webhookEvent of events)
        for (const endpoint of endpoints.filter((e) => e.events.includes(webhookEvent.type)))
          await webhookStore().enqueue(endpoint, webhookEvent);
    } catch (error) {
      logger().warn('webhook events not recorded yet', { error: error as Error });
      return { batchItemFailures: [{ itemIdentifier: change?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}
