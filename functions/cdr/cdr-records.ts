/**
 * The call detail records in a batch of the call-events stream, with their sequence numbers (what a
 * partial batch response names). Other record types are passed over; a record that cannot be read is
 * logged and passed over too: it will not read better on a retry.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { logger } from '../../layers/adapters/logger.ts';
import type { CallDetailRecord } from '../../layers/domain/cdr/call-detail-record.ts';

export function cdrRecords(event: KinesisStreamEvent): { cdr: CallDetailRecord; sequenceNumber: string }[] {
  return event.Records.flatMap((record) => {
    const sequenceNumber = record.kinesis.sequenceNumber;
    try {
      const parsed = JSON.parse(
        Buffer.from(record.kinesis.data, 'base64').toString('utf8'),
      ) as CallDetailRecord & {
        type?: string;
      };
      return parsed.type === 'cdr' ? [{ cdr: parsed, sequenceNumber }] : [];
    } catch (error) {
      logger().error('unreadable call event', { sequenceNumber, error: error as Error });
      return [];
    }
  });
}
