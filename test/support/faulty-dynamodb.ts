/**
 * DynamoDB faults that DynamoDB Local never produces, injected at the SDK's HTTP layer: a share of requests
 * answered with ThrottlingException, and a share of TransactWriteItems answered with
 * TransactionCanceledException (reason TransactionConflict) — the exact responses DynamoDB sends, so the SDK
 * (its retries included) and the adapters handle them as on AWS. The request never reaches the emulator.
 */
import { Agent } from 'node:http';
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HttpResponse } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  type FaultResponse,
  throttlingResponse,
  transactItemCount,
  transactionConflictResponse,
} from '../../infra/local/dynamodb-fault-responses.ts';
import type { OpenlineConfig } from '../../layers/config/config.ts';

export interface Faults {
  /** Share of all requests answered with ThrottlingException (the SDK retries these). */
  readonly throttle: number;
  /** Share of TransactWriteItems answered with a transaction conflict. */
  readonly conflict: number;
  readonly random?: () => number;
}

export interface FaultCounts {
  throttled: number;
  conflicts: number;
  requests: number;
}

function asSdkResponse(fault: FaultResponse): { response: HttpResponse } {
  return {
    response: new HttpResponse({
      statusCode: fault.statusCode,
      headers: fault.headers,
      body: Readable.from([Buffer.from(fault.body)]),
    }),
  };
}

class FaultyHandler extends NodeHttpHandler {
  constructor(
    private readonly faults: Faults,
    readonly counts: FaultCounts,
  ) {
    // Generous: the emulator shares two cores with the whole test run, and a slow accept is not a fault
    // this client means to inject.
    super({
      connectionTimeout: 5_000,
      requestTimeout: 10_000,
      httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }),
    });
  }

  override async handle(
    request: Parameters<NodeHttpHandler['handle']>[0],
    options?: Parameters<NodeHttpHandler['handle']>[1],
  ): ReturnType<NodeHttpHandler['handle']> {
    const random = this.faults.random ?? Math.random;
    this.counts.requests += 1;
    if (random() < this.faults.throttle) {
      this.counts.throttled += 1;
      return asSdkResponse(throttlingResponse());
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target.endsWith('.TransactWriteItems') && random() < this.faults.conflict) {
      this.counts.conflicts += 1;
      const body =
        typeof request.body === 'string'
          ? request.body
          : Buffer.from(request.body as Uint8Array).toString('utf8');
      const items = transactItemCount(body);
      return asSdkResponse(transactionConflictResponse(items, Math.floor(random() * items)));
    }
    return super.handle(request, options);
  }
}

/** A document client like the config module's, but with faults injected. */
export function faultyDocuments(
  config: OpenlineConfig,
  faults: Faults,
): { documents: DynamoDBDocumentClient; counts: FaultCounts } {
  const counts: FaultCounts = { throttled: 0, conflicts: 0, requests: 0 };
  const client = new DynamoDBClient({
    region: config.region,
    endpoint: config.endpoints.dynamodb,
    maxAttempts: 3,
    requestHandler: new FaultyHandler(faults, counts),
  });
  return {
    documents: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    counts,
  };
}
