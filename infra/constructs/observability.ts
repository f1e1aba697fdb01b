/**
 * What the operator watches in each region: alarms (to an encrypted SNS topic) on handler errors on the
 * call path, throttling of functions, tables and the call-events stream, SMA failures reported by the
 * call-control function, callers' wait in queue, API server errors and a lagging CDR pipeline; and a
 * dashboard of the same figures. API handlers are covered by their API's 5xx alarm rather than one alarm
 * each (86 functions would mean 86 alarms a region for one signal).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi, WebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITableV2, Operation } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  authorizerFunction,
  kinesisFunctions,
  scheduledFunctions,
  smaFunctions,
  streamFunctions,
} from '../../functions/routes.ts';
import { metricNames } from '../../layers/adapters/telemetry.ts';
import type { OpenlineFunctions } from './functions.ts';

/** Thresholds an operator may tune; the defaults suit a contact center's service-level targets. */
export const alarmThresholds = {
  /** Seconds a caller waited in queue (p90 of finished calls, 15 minutes). */
  queueWaitP90Seconds: 120,
  /** SMA failures in 5 minutes. */
  smaFailures: 5,
  /** Age of the oldest unprocessed stream record (ms): the CDR pipeline and live events lag behind. */
  iteratorAgeMs: 60_000,
} as const;

export interface ObservabilityProps {
  readonly functions: OpenlineFunctions;
  readonly http: HttpApi;
  readonly websocket: WebSocketApi;
  readonly tables: Readonly<Record<string, ITableV2>>;
  readonly streams: Readonly<Record<string, IStream>>;
  readonly key: IKey;
}

export class Observability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.topic = new Topic(this, 'Alarms', {
      displayName: `Openline alarms (${stack.region})`,
      masterKey: props.key,
      enforceSSL: true,
    });
    // CloudWatch publishes alarms to the encrypted topic: it needs the key (SNS key-management docs).
    props.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    const alarm = (name: string, metric: IMetric, threshold: number, description: string) => {
      const a = new Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new SnsAction(this.topic));
      this.alarms.push(a);
      return a;
    };
    const five = Duration.minutes(5);
    const { functions } = props;

    // Functions on the call path and in the background: each its own error alarm.
    const background = [
      ...Object.values(smaFunctions).map((f) => f.module),
      authorizerFunction.module,
      ...streamFunctions.map((f) => f.module),
      ...kinesisFunctions.map((f) => f.module),
      ...scheduledFunctions.map((f) => f.module),
    ];
    for (const module of new Set(background)) {
      const fn = functions.byModule.get(module);
      if (fn === undefined) continue; // a primary-only function in a standby region
      alarm(
        `Errors-${fn.node.id}`,
        fn.metricErrors({ period: five, statistic: 'Sum' }),
        1,
        `functions/${module} failed at least once in 5 minutes`,
      );
    }
    for (const f of [...streamFunctions, ...kinesisFunctions]) {
      const fn = functions.fn(f.module);
      alarm(
        `Lag-${fn.node.id}`,
        fn.metric('IteratorAge', { period: five, statistic: 'Maximum' }),
        alarmThresholds.iteratorAgeMs,
        `${f.name} is more than a minute behind its stream`,
      );
    }
    const lambdaThrottles = new Metric({
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      period: five,
      statistic: 'Sum',
    });
    alarm(
      'LambdaThrottles',
      lambdaThrottles,
      1,
      'Lambda throttled invocations in this region (concurrency limit)',
    );

    const openline = (metricName: string, statistic: string) =>
      new Metric({
        namespace: metricNames.namespace,
        metricName,
        dimensionsMap: { service: 'openline' },
        period: five,
        statistic,
      });
    const smaFailures = openline(metricNames.smaFailures, 'Sum');
    alarm(
      'SmaFailures',
      smaFailures,
      alarmThresholds.smaFailures,
      'SIP media application actions failed or invocations threw',
    );
    const queueWait = openline(metricNames.queueWait, 'p90').with({ period: Duration.minutes(15) });
    alarm(
      'QueueWait',
      queueWait,
      alarmThresholds.queueWaitP90Seconds,
      'Callers waited in queue longer than the target (p90 over 15 minutes)',
    );

    const http5xx = props.http.metricServerError({ period: five, statistic: 'Sum' });
    alarm('HttpApi5xx', http5xx, 5, 'HTTP API answered 5xx (a handler failed or timed out)');
    const socketErrors = new Metric({
      namespace: 'AWS/ApiGateway',
      metricName: 'IntegrationError',
      dimensionsMap: { ApiId: props.websocket.apiId },
      period: five,
      statistic: 'Sum',
    });
    alarm('WebSocketErrors', socketErrors, 5, 'WebSocket API integration errors');

    for (const [id, table] of Object.entries(props.tables)) {
      const throttled = table.metricThrottledRequestsForOperations({
        operations: [
          Operation.GET_ITEM,
          Operation.PUT_ITEM,
          Operation.UPDATE_ITEM,
          Operation.QUERY,
          Operation.TRANSACT_WRITE_ITEMS,
        ],
        period: five,
      });
      alarm(`Throttled-${id}`, throttled, 1, `DynamoDB throttled requests on the ${id} table`);
    }
    for (const [id, stream] of Object.entries(props.streams))
      alarm(
        `Throttled-${id}`,
        stream.metricPutRecordsThrottledRecords({ period: five, statistic: 'Sum' }),
        1,
        `Kinesis throttled records on the ${id} stream`,
      );

    const callControl = functions.fn(smaFunctions.callControl.module);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `Openline-${stack.region}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Openline — ${stack.region}\nCalls, routing and the platform's health. Alarms go to the topic in the stack outputs.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'SMA invocations and failures',
        left: [openline(metricNames.smaInvocations, 'Sum'), smaFailures],
        width: 8,
      }),
      new GraphWidget({
        title: 'Queue wait (s), finished calls',
        left: [openline(metricNames.queueWait, 'p50'), openline(metricNames.queueWait, 'p90')],
        width: 8,
      }),
      new GraphWidget({
        title: 'Call-control duration (ms)',
        left: [
          callControl.metricDuration({ statistic: 'p50', period: five }),
          callControl.metricDuration({ statistic: 'p99', period: five }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API errors',
        left: [http5xx, props.http.metricClientError({ period: five, statistic: 'Sum' }), socketErrors],
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda and Kinesis throttling',
        left: [
          lambdaThrottles,
          ...Object.values(props.streams).map((st) =>
            st.metricPutRecordsThrottledRecords({ period: five, statistic: 'Sum' }),
          ),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Stream lag (ms)',
        left: [...streamFunctions, ...kinesisFunctions].map((f) =>
          functions.fn(f.module).metric('IteratorAge', { period: five, statistic: 'Maximum', label: f.name }),
        ),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB consumed capacity',
        left: Object.values(props.tables).map((t) => t.metricConsumedWriteCapacityUnits({ period: five })),
        right: Object.values(props.tables).map((t) => t.metricConsumedReadCapacityUnits({ period: five })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Handler errors (call path)',
        left: [
          new MathExpression({
            expression: 'SUM(METRICS())',
            usingMetrics: Object.fromEntries(
              [...new Set(background)]
                .flatMap((m) => {
                  const fn = functions.byModule.get(m);
                  return fn === undefined ? [] : [fn];
                })
                .slice(0, 10)
                .map((fn, i) => [`e${i}`, fn.metricErrors({ period: five, statistic: 'Sum' })]),
            ),
            label: 'errors',
            period: five,
          }),
        ],
        width: 12,
      }),
    );
  }
}
