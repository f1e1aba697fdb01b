/**
 * Counts the capacity DynamoDB reports for every request one client sends: the handlers' client, when they
 * run in the benchmark's process. Reads and writes are told apart by the operation (DynamoDB Local reports
 * one total per table).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CapacityMeter {
  read: number;
  write: number;
  requests: number;
  /** Counting only while on: set-up and teardown are not the load's. */
  on: boolean;
  readonly byCommand: Map<string, { units: number; requests: number }>;
}

export function meterCapacity(client: DynamoDBClient): CapacityMeter {
  const total: CapacityMeter = { read: 0, write: 0, requests: 0, on: false, byCommand: new Map() };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      if (total.on) input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      if (!total.on) return result;
      total.requests += 1;
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const name = String((context as { commandName?: string }).commandName).replace(/Command$/, '');
      const reads = /Get|Query|Scan/.test(name);
      const entry = total.byCommand.get(name) ?? { units: 0, requests: 0 };
      entry.requests += 1;
      for (const c of Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]) {
        const units = (c as { CapacityUnits?: number }).CapacityUnits ?? 0;
        entry.units += units;
        if (reads) total.read += units;
        else total.write += units;
      }
      total.byCommand.set(name, entry);
      return result;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  return total;
}
