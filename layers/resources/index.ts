/** The catalogue of every AWS resource Openline's runtime uses, declared once. */
import { type BucketDefinition, buckets } from './buckets.ts';
import { type StreamDefinition, streams } from './streams.ts';
import { type TableDefinition, tables } from './tables.ts';

export * from './buckets.ts';
export * from './keys.ts';
export * from './streams.ts';
export * from './tables.ts';

export const resources = { tables, streams, buckets } as const;

/** Every environment variable that carries a physical resource name to the handlers. */
export const resourceEnvVars: readonly string[] = [...tables, ...streams, ...buckets].map((r) => r.envVar);

/**
 * Physical names used where Openline names resources itself (the local cloud). On AWS, CloudFormation
 * names them and hands the names to the functions through the same environment variables.
 */
export function localPhysicalName(resource: TableDefinition | StreamDefinition | BucketDefinition): string {
  return `openline-${resource.id}`;
}
