/**
 * The recordings index, fed by the call-events stream (a Kinesis event source mapping): each recorded
 * call's detail record makes (or, for a newer version, updates) its index entry. Indexing the same record
 * again changes nothing; a failure reports the first record not indexed and the mapping retries from it.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { logger } from '../../layers/adapters/logger.ts';
import { recordingEntry } from '../../layers/domain/recordings/recordings.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { cdrRecords } from '../cdr/cdr-records.ts';
import { recordingsIndex } from './recordings-runtime.ts';

export async function handler(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  for (const { cdr, sequenceNumber } of cdrRecords(event)) {
    const entry = recordingEntry(cdr);
    if (entry === undefined) continue;
    try {
      await recordingsIndex().index(tenantId(cdr.tenant), entry);
    } catch (error) {
      logger().warn('recording not indexed yet', { callId: cdr.call_id, error: error as Error });
      return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
    }
  }
  return { batchItemFailures: [] };
}
