/**
 * Puts call events (CDRs, agent events) on the call-events stream: partitioned by tenant (one tenant's
 * records stay in order), batched up to PutRecords' limits, and the entries Kinesis refused (throttled,
 * an internal failure) sent again with backoff. Each record carries its own stable id, so a record sent
 * twice is harmless downstream; if some still fail after the retries, put() throws and the caller's
 * at-least-once delivery (a stream retry, the CDR sweep) brings them back.
 */
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';

export interface CallEvent {
  readonly tenant: string;
  readonly record_id: string;
}

/** PutRecords takes at most 500 entries and 5 MiB a call. */
const MAX_ENTRIES = 500;
const MAX_BYTES = 5 * 1024 * 1024;
const ATTEMPTS = 4;

export class KinesisCallEvents {
  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async put(records: readonly (CallEvent & { type: 'cdr' | 'agent-event' })[]): Promise<void> {
    const entries = records.map(
      (record): PutRecordsRequestEntry => ({
        PartitionKey: record.tenant,
        Data: new TextEncoder().encode(JSON.stringify(record)),
      }),
    );
    for (const batch of batches(entries)) await this.putBatch(batch);
  }

  private async putBatch(batch: PutRecordsRequestEntry[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await this.kinesis.send(
        new PutRecordsCommand({ StreamName: this.streamName, Records: pending }),
      );
      if ((result.FailedRecordCount ?? 0) === 0) return;
      const failed = (result.Records ?? []).flatMap((r, i) =>
        r.ErrorCode === undefined ? [] : [{ entry: pending[i] as PutRecordsRequestEntry, code: r.ErrorCode }],
      );
      if (attempt >= ATTEMPTS)
        throw new Error(
          `${failed.length} call events not accepted by Kinesis after ${ATTEMPTS} attempts (${failed[0]?.code})`,
        );
      pending = failed.map((f) => f.entry);
      await this.pause(100 * 2 ** attempt + Math.random() * 100);
    }
  }
}

function* batches(entries: PutRecordsRequestEntry[]): Generator<PutRecordsRequestEntry[]> {
  let batch: PutRecordsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = (entry.Data?.byteLength ?? 0) + (entry.PartitionKey?.length ?? 0);
    if (batch.length > 0 && (batch.length >= MAX_ENTRIES || bytes + size > MAX_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
