/**
 * The error responses DynamoDB sends for the two faults DynamoDB Local never produces — throttling and a
 * transaction conflict — byte for byte as the service sends them (status, content type, `__type`,
 * message, cancellation reasons), so the SDK's retries and our adapters treat an injected fault exactly as
 * a real one. Shared by the fault-injecting proxy of the local cloud and the SDK-level injector of tests.
 */
export const DYNAMODB_JSON = 'application/x-amz-json-1.0';

export interface FaultResponse {
  readonly statusCode: 400;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function errorResponse(type: string, body: Record<string, unknown>): FaultResponse {
  return {
    statusCode: 400,
    headers: { 'content-type': DYNAMODB_JSON, 'x-amzn-requestid': 'injected-fault' },
    body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, ...body }),
  };
}

export function throttlingResponse(): FaultResponse {
  return errorResponse('ThrottlingException', {
    message: 'Rate of requests exceeds the allowed throughput.',
  });
}

/** TransactWriteItems cancelled because item `conflicted` (of `items`) is in another transaction. */
export function transactionConflictResponse(items: number, conflicted: number): FaultResponse {
  const reasons = Array.from({ length: items }, (_, i) =>
    i === conflicted
      ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
      : { Code: 'None' },
  );
  return errorResponse('TransactionCanceledException', {
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    CancellationReasons: reasons,
  });
}

/** How many items a TransactWriteItems request body names (0 if it cannot be read). */
export function transactItemCount(body: string): number {
  try {
    return (JSON.parse(body) as { TransactItems?: unknown[] }).TransactItems?.length ?? 0;
  } catch {
    return 0;
  }
}
