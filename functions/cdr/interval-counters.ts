/**
 * Real-time counters from the call-events stream (a Kinesis event source mapping): each call's detail
 * record adds to its tenant's counters of the day (layers/domain/cdr/interval-counts.ts), once per call
 * however often the record arrives. A failure reports the first record not counted; the mapping retries
 * from there, and the records before it, already counted, count nothing again.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { DynamoDbIntervalCounters } from '../../layers/adapters/dynamodb-interval-counters.ts';
import { logger } from '../../layers/adapters/logger.ts';
import { runtimeClients } from '../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../layers/config/config.ts';
import { intervalCounts } from '../../layers/domain/cdr/interval-counts.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { cdrRecords } from './cdr-records.ts';

let counters: DynamoDbIntervalCounters | undefined;

export async function handler(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  counters ??= new DynamoDbIntervalCounters(runtimeClients().documents, runtimeConfig().tables.live);
  for (const { cdr, sequenceNumber } of cdrRecords(event)) {
    try {
      await counters.count(tenantId(cdr.tenant), cdr.call_id, intervalCounts(cdr));
    } catch (error) {
      logger().warn('call not counted yet', { callId: cdr.call_id, error: error as Error });
      return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
    }
  }
  return { batchItemFailures: [] };
}
