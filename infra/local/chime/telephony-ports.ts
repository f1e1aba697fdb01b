/**
 * The seams inside the local Chime SDK Voice emulator: the REST API (voice-api-server.ts, over
 * voice-store.ts) tells the SIP media application engine (sma-engine.ts) to place and update calls, and
 * the engine asks the store where an inbound call goes and whether a number belongs to the account.
 */

/** One target of a SIP rule, resolved to its SIP media application. */
export interface InboundTarget {
  readonly sipRuleId: string;
  readonly priority: number;
  readonly region: string;
  readonly sipMediaApplicationId: string;
  readonly lambdaArn: string;
}

export interface SipMediaApplicationRef {
  readonly sipMediaApplicationId: string;
  readonly region: string;
  readonly lambdaArn: string;
}

/** Read side of the emulator's account state, implemented by the voice store. */
export interface ChimeDirectory {
  /** Targets of the enabled `ToPhoneNumber` SIP rule for this number, by ascending priority; [] if none. */
  inboundTargets(toNumber: string): InboundTarget[];
  sipMediaApplication(region: string, sipMediaApplicationId: string): SipMediaApplicationRef | undefined;
  /** True if the number is in the account's inventory (ordered and acquired, not deleted). */
  ownsNumber(e164: string): boolean;
}

export class TransactionNotFoundError extends Error {
  override readonly name = 'TransactionNotFoundError';
}

export class CallRejectedError extends Error {
  override readonly name = 'CallRejectedError';
}

/** Call control, implemented by the SMA engine and called by the REST API. */
export interface SmaCalls {
  /** CreateSipMediaApplicationCall: starts an outbound transaction (events flow asynchronously). */
  createOutboundCall(input: {
    region: string;
    sipMediaApplicationId: string;
    fromPhoneNumber: string;
    toPhoneNumber: string;
    sipHeaders?: Record<string, string>;
    argumentsMap?: Record<string, string>;
  }): { transactionId: string };
  /** UpdateSipMediaApplicationCall: queues CALL_UPDATE_REQUESTED; throws TransactionNotFoundError. */
  updateCall(input: {
    region: string;
    sipMediaApplicationId: string;
    transactionId: string;
    arguments: Record<string, string>;
  }): void;
}
