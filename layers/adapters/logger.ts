/** The Powertools logger, built once per cold start. Handlers append tenantId, callId, agentId as keys. */
import { Logger } from '@aws-lambda-powertools/logger';
import { runtimeConfig } from '../config/config.ts';

let cached: Logger | undefined;

export function logger(): Logger {
  cached ??= new Logger({ serviceName: 'openline', logLevel: runtimeConfig().logLevel });
  return cached;
}
