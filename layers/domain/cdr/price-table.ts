/**
 * The prices a call's cost is computed from (USD, us-east-1, US numbers, list prices), with their date.
 * Source and notes: shared/design/metrics-and-prices.md. Change the date with the figures.
 */
export const PRICE_TABLE = {
  date: '2026-11-01',
  /** SIP media application, per call-leg minute. */
  smaLegMinute: 0.002,
  /** PSTN inbound per minute: US local (DID) and toll-free. */
  didInboundMinute: 0.0022,
  tollFreeInboundMinute: 0.012,
  /** Outbound PSTN per minute: not in the table read; assumed at the local inbound rate. */
  outboundMinute: 0.0022,
  /** Per recorded minute (an assumption: the rate was not published in the copies read). */
  recordingMinute: 0.0025,
  /** Chime SDK meeting attendee minute: the agent's leg. */
  attendeeMinute: 0.0017,
  /** DynamoDB on-demand, per unit. */
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  /** Lambda per request, and per GB-second on Arm. */
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  /** Kinesis in and Firehose (with Parquet conversion and dynamic partitioning), per GB. */
  kinesisInGb: 0.08,
  firehoseGb: 0.029 + 0.018 + 0.02,
  /** Amazon Connect voice per minute (classic and current model), for comparison. */
  connectClassicMinute: 0.018,
  connectCurrentMinute: 0.038,
} as const;

/**
 * The platform's own usage per handled call, from the routing benchmark (test/bench/results/): DynamoDB
 * units and SMA invocations per call, and the handlers' duration. Re-measure when the design changes.
 */
export const PLATFORM_USAGE_PER_CALL = {
  measuredOn: '2026-11-24',
  // With the CDR pipeline (segments, versions, today's counters): it added about 40 write units a call.
  dynamoReadUnits: 22.69,
  dynamoWriteUnits: 119.41,
  lambdaInvocations: 12,
  /** Average handler duration (ms) at 256 MB. */
  lambdaMs: 60,
  lambdaMemoryGb: 0.25,
  /** Kinesis bills records rounded up to 1 KB; Firehose to 5 KB. A call makes one CDR and ~6 agent events. */
  kinesisKb: 7,
  firehoseKb: 35,
} as const;

const US_TOLL_FREE = /^\+18(00|33|44|55|66|77|88)\d{7}$/;

export function isTollFree(number: string): boolean {
  return US_TOLL_FREE.test(number);
}

/** The call that costs are compared on (shared/design/metrics-and-prices.md): recorded, to a local number. */
export const REFERENCE_CALL = { ivrSeconds: 60, queueSeconds: 30, talkSeconds: 240, recorded: true } as const;

/** What the platform used per handled call, as a benchmark measured it. */
export interface MeasuredUsage {
  readonly dynamoReadUnits: number;
  readonly dynamoWriteUnits: number;
  readonly lambdaInvocations: number;
  /** Mean handler duration (ms); Lambda bills it at the functions' memory. */
  readonly lambdaMs: number;
}

/**
 * The reference call's cost on Openline with the measured platform usage — telephony (PSTN minutes on the
 * customer's leg), SMA minutes (the customer's leg throughout, the agent's leg while talking) and the
 * platform (meeting and recording minutes, DynamoDB, Lambda, Kinesis, Firehose) — and the same call on
 * Amazon Connect (its per-minute voice price over the whole call, plus the same telephony).
 */
export function referenceCallCost(
  usage: MeasuredUsage,
  lambdaMemoryGb = PLATFORM_USAGE_PER_CALL.lambdaMemoryGb,
) {
  const p = PRICE_TABLE;
  const u = PLATFORM_USAGE_PER_CALL;
  const call = REFERENCE_CALL;
  const minutes = (call.ivrSeconds + call.queueSeconds + call.talkSeconds) / 60;
  const talkMinutes = call.talkSeconds / 60;
  const telephony = minutes * p.didInboundMinute;
  const sma = (minutes + talkMinutes) * p.smaLegMinute;
  const platform =
    talkMinutes * p.attendeeMinute +
    (call.recorded ? talkMinutes * p.recordingMinute : 0) +
    usage.dynamoReadUnits * p.dynamoReadUnit +
    usage.dynamoWriteUnits * p.dynamoWriteUnit +
    usage.lambdaInvocations *
      (p.lambdaRequest + (usage.lambdaMs / 1000) * lambdaMemoryGb * p.lambdaGbSecond) +
    (u.kinesisKb / 1e6) * p.kinesisInGb +
    (u.firehoseKb / 1e6) * p.firehoseGb;
  const six = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    call,
    priceTable: p.date,
    openline: {
      telephony: six(telephony),
      // The SMA's minutes are telephony on AWS's bill; shown apart so the platform's share is clear.
      sma: six(sma),
      platform: six(platform),
      total: six(telephony + sma + platform),
    },
    amazonConnect: {
      classic: six(minutes * p.connectClassicMinute + telephony),
      current: six(minutes * p.connectCurrentMinute + telephony),
    },
  };
}
