/**
 * Powertools metrics and tracing, built once per cold start. Metrics go out as CloudWatch embedded metric
 * format in the function's log (no API call on the call path); the tracer records each AWS SDK call as an
 * X-Ray subsegment when the function runs with active tracing, and stays out of the way anywhere else.
 * The alarms of infra/constructs/observability.ts read the metrics named here.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** Metric names, shared with the CDK alarms. */
export const metricNames = {
  namespace: 'Openline',
  /** An SMA invocation that reports a failed action or an invalid response, or that threw. */
  smaFailures: 'SmaFailures',
  smaInvocations: 'SmaInvocations',
  /** A finished call's wait in its first queue (from its detail record). */
  queueWait: 'QueueWaitSeconds',
} as const;

let metrics: Metrics | undefined;
let tracer: Tracer | undefined;

export function openlineMetrics(): Metrics {
  metrics ??= new Metrics({ namespace: metricNames.namespace, serviceName: 'openline' });
  return metrics;
}

export function openlineTracer(): Tracer {
  tracer ??= new Tracer({ serviceName: 'openline', captureHTTPsRequests: false });
  return tracer;
}

/** Counts one SMA invocation, and a failure if it is one; published at once (EMF is a log line). */
export function countSmaInvocation(failed: boolean): void {
  const m = openlineMetrics();
  m.addMetric(metricNames.smaInvocations, MetricUnit.Count, 1);
  if (failed) m.addMetric(metricNames.smaFailures, MetricUnit.Count, 1);
  m.publishStoredMetrics();
}

/** Records the first-queue waits of finished calls. */
export function recordQueueWaits(waits: readonly number[]): void {
  if (waits.length === 0) return;
  const m = openlineMetrics();
  for (const wait of waits) m.addMetric(metricNames.queueWait, MetricUnit.Seconds, wait);
  m.publishStoredMetrics();
}
