/**
 * The local cloud's stand-in for Kinesis Data Firehose: a consumer of the call-events stream that writes
 * what Firehose writes on AWS — each record type to its lake table, Parquet files under the same dynamic
 * partitions (`<table>/tenant=<id>/dt=<yyyy-mm-dd>/`), one file per partition per buffer flush. Like
 * Firehose it adds no de-duplication: a record delivered twice is in the lake twice, and the named
 * queries keep one row per call (the highest record_version).
 */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import { agentEventsTable, cdrTable, type LakeTable } from '../../layers/resources/lake.ts';
import { parquetFile } from './athena/parquet-rows.ts';

const tableOf: Readonly<Record<string, LakeTable>> = { cdr: cdrTable, 'agent-event': agentEventsTable };

export function lakeWriter(s3: S3Client, bucket: string, onReject: (reason: string) => void) {
  async function handler(event: KinesisStreamEvent): Promise<undefined> {
    const partitions = new Map<string, { table: LakeTable; rows: Record<string, unknown>[] }>();
    for (const record of event.Records) {
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
      } catch {
        onReject(`record ${record.kinesis.sequenceNumber} is not JSON`);
        continue;
      }
      const table = tableOf[String(row.type)];
      const tenant = row.tenant;
      const dt = row.dt;
      if (
        table === undefined ||
        typeof tenant !== 'string' ||
        typeof dt !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}$/.test(dt)
      ) {
        // Firehose sends such records to its error prefix; here they are counted and logged.
        onReject(`record ${record.kinesis.sequenceNumber} has no known type, tenant or date`);
        continue;
      }
      const prefix = `${table.name}/tenant=${tenant}/dt=${dt}/`;
      const partition = partitions.get(prefix) ?? { table, rows: [] };
      partition.rows.push(row);
      partitions.set(prefix, partition);
    }
    // A failed write throws: the mapping delivers the batch again (a file written twice is deduplicated
    // by the queries, as Firehose's own retries are).
    for (const [prefix, { table, rows }] of partitions) {
      const key = `${prefix}openline-lake-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.parquet`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: parquetFile(table, rows) }));
    }
    return undefined;
  }
  return { handler };
}
