/**
 * How a Lambda event source mapping delivers a batch, for both local mappings (DynamoDB streams and
 * Kinesis): at least once, retried with backoff (capped at 10 s, so stopping never waits long) from the
 * first record the handler reports as failed (a partial batch response) or from the start when it throws,
 * and after `maxRetries` the rest is skipped and reported, as Lambda does with a finite retry count.
 * Resolves false when stopped before the batch was through (its position must not be kept).
 */
export type BatchHandler<R> = (event: {
  Records: R[];
}) => Promise<{ batchItemFailures?: { itemIdentifier: string }[] } | undefined | unknown>;

export async function deliverBatch<R>(
  records: R[],
  handler: BatchHandler<R>,
  options: {
    /** The record's id as a handler names it in batchItemFailures (its sequence number). */
    readonly idOf: (record: R) => string | undefined;
    readonly maxRetries: number;
    readonly stopped: () => boolean;
    /** Called once when records are skipped. */
    readonly skipped: (count: number, cause: unknown) => void;
  },
): Promise<boolean> {
  let pending = records;
  for (let attempt = 0; pending.length > 0 && !options.stopped(); attempt++) {
    let failure: unknown;
    try {
      const result = (await handler({ Records: pending })) as
        | { batchItemFailures?: { itemIdentifier: string }[] }
        | undefined;
      const failed = result?.batchItemFailures?.[0]?.itemIdentifier;
      if (failed === undefined) return true;
      // Partial batch response: what came before the first failed record is done.
      const from = pending.findIndex((r) => options.idOf(r) === failed);
      if (from > 0) pending = pending.slice(from);
      failure = new Error(`the handler reported record ${failed} as failed`);
    } catch (error) {
      failure = error;
    }
    if (attempt >= options.maxRetries) {
      options.skipped(pending.length, failure);
      return true;
    }
    await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 10_000)));
  }
  // Stopped before the batch was through.
  return pending.length === 0;
}
