/**
 * System-level faults of the local cloud, switched at run time (the fault battery does it through
 * `/_emulator/faults`): DynamoDB throttling and transaction conflicts (answered by the proxy in front of
 * DynamoDB Local), every SMA event delivered twice at once (the Chime emulator), and call-events records
 * duplicated and reordered on their way to the stream's consumers (the Kinesis mappings). Each fault
 * counts what it did, so a run can show its faults really happened. Nothing here exists on AWS, and no
 * handler can see it: the handlers only meet its effects, as they would meet AWS's.
 */
import { z } from 'zod';
import type { SmaDeliveryFaults } from './chime/sma-engine.ts';

const share = z.number().min(0).max(1);

const settingsSchema = z.strictObject({
  dynamodb: z
    .strictObject({
      /** Share of DynamoDB requests answered with ThrottlingException. */
      throttle: share.default(0),
      /** Share of TransactWriteItems answered with TransactionCanceledException (TransactionConflict). */
      conflict: share.default(0),
    })
    .default({ throttle: 0, conflict: 0 }),
  sma: z
    .strictObject({
      /** Every SMA invocation is sent to the handler twice, concurrently (the SMA's retry, at its worst). */
      duplicateEvents: z.boolean().default(false),
    })
    .default({ duplicateEvents: false }),
  kinesis: z
    .strictObject({
      /** Share of call-events records delivered a second time to each consumer. */
      duplicate: share.default(0),
      /** Each batch reaches a consumer shuffled. */
      reorder: z.boolean().default(false),
    })
    .default({ duplicate: 0, reorder: false }),
});

export type FaultSettings = z.infer<typeof settingsSchema>;

export interface FaultCounts {
  dynamodb: { requests: number; throttled: number; conflicts: number };
  sma: { events: number; duplicated: number; divergentReplies: number };
  kinesis: { records: number; duplicated: number; reorderedBatches: number };
}

const noCounts = (): FaultCounts => ({
  dynamodb: { requests: 0, throttled: 0, conflicts: 0 },
  sma: { events: 0, duplicated: 0, divergentReplies: 0 },
  kinesis: { records: 0, duplicated: 0, reorderedBatches: 0 },
});

export class LocalFaults {
  settings: FaultSettings = settingsSchema.parse({});
  counts: FaultCounts = noCounts();

  constructor(
    /** Whether DynamoDB requests pass through the fault proxy (only then can DynamoDB faults be set). */
    readonly dynamodbProxied: boolean,
    readonly random: () => number = Math.random,
  ) {}

  /** Replaces the settings (what the body leaves out is off) and starts counting afresh. */
  replace(body: unknown): { ok: true } | { ok: false; message: string } {
    const parsed = settingsSchema.safeParse(body ?? {});
    if (!parsed.success)
      return {
        ok: false,
        message: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      };
    const d = parsed.data.dynamodb;
    if (!this.dynamodbProxied && (d.throttle > 0 || d.conflict > 0))
      return {
        ok: false,
        message:
          'DynamoDB faults need the fault proxy: start the local cloud with OPENLINE_FAULT_INJECTION=on',
      };
    this.settings = parsed.data;
    this.counts = noCounts();
    return { ok: true };
  }

  view(): { settings: FaultSettings; counts: FaultCounts; dynamodbProxied: boolean } {
    return { settings: this.settings, counts: this.counts, dynamodbProxied: this.dynamodbProxied };
  }
}

/**
 *   GET /_emulator/faults   → { settings, counts, dynamodbProxied }
 *   PUT /_emulator/faults   { dynamodb?: { throttle, conflict }, sma?: { duplicateEvents }, kinesis?: { duplicate, reorder } }
 */
export function faultControl(
  faults: LocalFaults,
): (method: string, body: unknown) => { status: number; body: unknown } {
  return (method, body) => {
    if (method === 'GET') return { status: 200, body: faults.view() };
    if (method === 'PUT') {
      const result = faults.replace(body);
      return result.ok
        ? { status: 200, body: faults.view() }
        : { status: result.message.includes('fault proxy') ? 409 : 400, body: { message: result.message } };
    }
    return { status: 404, body: { message: `no emulator control at ${method} /_emulator/faults` } };
  };
}

/** The SMA engine's view of the faults: whether to send each event twice, and where to count. */
export function smaDeliveryFaults(faults: LocalFaults): SmaDeliveryFaults {
  return {
    duplicateEvents: () => faults.settings.sma.duplicateEvents,
    delivered: ({ duplicated, divergent }) => {
      const counts = faults.counts.sma;
      if (duplicated) counts.duplicated += 1;
      else counts.events += 1;
      if (divergent) counts.divergentReplies += 1;
    },
  };
}

/**
 * A batch of stream records as the Kinesis fault delivers it: with `duplicate`, that share of records
 * comes twice (the copy later in the batch); with `reorder`, the batch is shuffled. Off, it is unchanged.
 */
export function disorderRecords<R>(faults: LocalFaults, records: readonly R[]): R[] {
  const { duplicate, reorder } = faults.settings.kinesis;
  const counts = faults.counts.kinesis;
  counts.records += records.length;
  if (duplicate === 0 && !reorder) return [...records];
  const out = [...records];
  for (const record of records)
    if (faults.random() < duplicate) {
      out.push(record);
      counts.duplicated += 1;
    }
  if (reorder && out.length > 1) {
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(faults.random() * (i + 1));
      [out[i], out[j]] = [out[j] as R, out[i] as R];
    }
    counts.reorderedBatches += 1;
  }
  return out;
}
