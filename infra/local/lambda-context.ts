/** A Lambda context object for handlers invoked in-process by the local cloud. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export function lambdaContext(functionName: string, timeoutMs: number, region: string): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Loads `handler` from a module under functions/ (cached by the module system, like a warm Lambda). */
export async function loadHandler<F>(functionsDir: URL, module: string): Promise<F> {
  const loaded = (await import(new URL(module, functionsDir).href)) as { handler?: F };
  if (typeof loaded.handler !== 'function')
    throw new Error(`functions/${module} does not export a handler function`);
  return loaded.handler;
}

/** Runs a handler with the API Gateway integration timeout. */
export async function invokeWithTimeout<T>(
  run: () => Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
