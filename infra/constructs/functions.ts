/**
 * Every Lambda function of functions/routes.ts, one per handler module: Node.js 22 on ARM64, bundled by
 * esbuild (ESM, minified, source maps, the pinned AWS SDK inside the bundle), X-Ray tracing, a log group
 * with a retention, and an IAM role that allows exactly what the bundled code sends to the resources it
 * names (function-access.ts). Schedules and stream event sources are wired here too; the APIs and the
 * SIP media application find their functions by module.
 */
import { resolve } from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, StartingPosition, Tracing } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  authorizerFunction,
  authRoutes,
  httpRoutes,
  kinesisFunctions,
  scheduledFunctions,
  smaFunctions,
  streamFunctions,
  websocketRoutes,
} from '../../functions/routes.ts';
import { resources } from '../../layers/resources/index.ts';
import { type FunctionAccess, functionAccess } from './function-access.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const functionsDir = resolve(repoRoot, 'functions');

/**
 * Handlers that read or delete a recording where its index item says it is (`s3://bucket/key`): the
 * bucket is data, not a name in the code, and may be any region's recordings bucket.
 */
const readsRecordingsByLocation: ReadonlySet<string> = new Set([
  'api/recordings/get-recording.ts',
  'recordings/retention.ts',
]);

/** Seconds each kind of function may run: an SMA waits 5 s; API Gateway 29 s; loops run 55 s. */
const timeouts = { sma: 5, api: 10, report: 28, authorizer: 5, stream: 60, scheduled: 70 } as const;

export interface OpenlineFunctionsProps {
  readonly stage: 'dev' | 'prod';
  readonly primary: boolean;
  /** What every function needs to find its resources (the config module's variables). */
  readonly environment: Readonly<Record<string, string>>;
  readonly tables: Readonly<Record<string, ITableV2>>;
  readonly buckets: Readonly<Record<string, IBucket>>;
  readonly streams: Readonly<Record<string, IStream>>;
  /** The key of the sensitive buckets (recordings, lake). */
  readonly dataKey: IKey;
  readonly userPoolArn: string;
  readonly lake: {
    readonly workgroup: string;
    readonly database: string;
    readonly tables: readonly string[];
  };
  /**
   * Bucket names as this stack sees them (parameters of the nested stack, so a grant on a bucket's
   * objects reads the same in every synthesis and its acknowledgement can name it).
   */
  readonly bucketNames: Readonly<Record<string, string>>;
  /** Every deployed region's recordings bucket: its name, and the name as cdk-nag renders it. */
  readonly recordingBuckets: readonly {
    readonly region: string;
    readonly name: string;
    readonly rendered: string;
  }[];
}

/** Why the functions' wildcard resources are needed (cdk-nag acknowledgements). */
const wildcardReasons = {
  any: "X-Ray's PutTraceSegments/PutTelemetryRecords and the Chime SDK voice and meeting actions take no resource-level permissions ('*' with named actions only).",
  objects:
    "Object keys of this region's bucket: every key is `tenants/<tenant>/…` (the handler checks the caller's tenant), and the actions are named ones.",
  lake: "Athena reads the lake's Parquet files (every table, every tenant's partition: the query names the tenant) and writes its results under the workgroup's folder.",
  connections: 'WebSocket connection ids are made at connect time: ManageConnections on this API stage only.',
} as const;

export class OpenlineFunctions extends Construct {
  /** Functions by handler module (relative to functions/). */
  readonly byModule: ReadonlyMap<string, NodejsFunction>;
  readonly access: ReadonlyMap<string, FunctionAccess>;
  private readonly props: OpenlineFunctionsProps;

  constructor(scope: Construct, id: string, props: OpenlineFunctionsProps) {
    super(scope, id);
    this.props = props;
    const scheduled = scheduledFunctions.filter((f) => props.primary || f.regions !== 'primary');
    const kinds = new Map<string, keyof typeof timeouts>();
    for (const r of httpRoutes) kinds.set(r.module, r.module.startsWith('api/reports/') ? 'report' : 'api');
    for (const r of [...websocketRoutes, ...authRoutes]) kinds.set(r.module, 'api');
    kinds.set(authorizerFunction.module, 'authorizer');
    for (const f of Object.values(smaFunctions)) kinds.set(f.module, 'sma');
    for (const f of [...streamFunctions, ...kinesisFunctions]) kinds.set(f.module, 'stream');
    for (const f of scheduled) kinds.set(f.module, 'scheduled');

    this.access = functionAccess(repoRoot, functionsDir, [...kinds.keys()], {
      tables: resources.tables.map((t) => t.id),
      buckets: resources.buckets.map((b) => b.id),
      streams: resources.streams.map((s) => s.id),
    });
    const byModule = new Map<string, NodejsFunction>();
    for (const [module, kind] of kinds) {
      const fn = this.createFunction(module, kind);
      this.grant(fn, module);
      byModule.set(module, fn);
    }
    this.byModule = byModule;

    for (const f of scheduled) {
      new Rule(this, `Every-${constructId(f.module)}`, {
        description: `${f.name}: once a minute (the handler loops inside the minute)`,
        schedule: Schedule.rate(Duration.minutes(1)),
        targets: [
          new LambdaFunction(this.fn(f.module), {
            event: RuleTargetInput.fromObject(f.awsInput),
            retryAttempts: 0,
          }),
        ],
      });
    }
    for (const f of streamFunctions) {
      this.fn(f.module).addEventSource(
        new DynamoEventSource(props.tables[f.table] as ITableV2, {
          startingPosition: StartingPosition.LATEST,
          batchSize: f.batchSize,
          retryAttempts: f.maxRetries,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
        }),
      );
    }
    for (const f of kinesisFunctions) {
      this.fn(f.module).addEventSource(
        new KinesisEventSource(props.streams[f.stream] as IStream, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: f.batchSize,
          retryAttempts: f.maxRetries,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
        }),
      );
    }
  }

  fn(module: string): NodejsFunction {
    const fn = this.byModule.get(module);
    if (fn === undefined) throw new Error(`no function for functions/${module}`);
    return fn;
  }

  /**
   * Lets the functions that post to WebSocket connections do so on the API's stage, and tells them where.
   * `apiId` as this stack sees it: the nested stack's parameter `apiIdParameter`.
   */
  connectWebSocket(apiId: string, apiIdParameter: string, stageName: string): void {
    const connections = (partition: string, region: string, account: string, id: string) =>
      `arn:${partition}:execute-api:${region}:${account}:${id}/${stageName}/POST/@connections/*`;
    for (const [module, access] of this.access) {
      const fn = this.byModule.get(module);
      if (fn === undefined || !access.actions.has('websocket')) continue;
      fn.addEnvironment(
        'OPENLINE_WEBSOCKET_MANAGEMENT_URL',
        `https://${apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${stageName}`,
      );
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: [...(access.actions.get('websocket') ?? [])],
          resources: [connections(Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID, apiId)],
        }),
      );
      const rendered = connections(
        '<AWS::Partition>',
        '<AWS::Region>',
        '<AWS::AccountId>',
        `<${apiIdParameter}>`,
      );
      Validations.of(fn.role as Role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${rendered}]`,
        reason: wildcardReasons.connections,
      });
    }
  }

  /**
   * A recording's location may name any region's recordings bucket (the index is a global table): the
   * objects under `tenants/` of each, and, to read them, each region's key as S3 uses it there.
   */
  private grantRecordingsEverywhere(fn: NodejsFunction, actions: ReadonlySet<string>): void {
    const role = fn.role as Role;
    for (const bucket of this.props.recordingBuckets) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: [...actions],
          resources: [`arn:${Aws.PARTITION}:s3:::${bucket.name}/tenants/*`],
        }),
      );
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket.rendered}/tenants/*]`,
        reason: wildcardReasons.objects,
      });
      if (!actions.has('s3:GetObject')) continue;
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [`arn:${Aws.PARTITION}:kms:${bucket.region}:${Aws.ACCOUNT_ID}:key/*`],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${bucket.region}.amazonaws.com` } },
        }),
      );
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${bucket.region}:<AWS::AccountId>:key/*]`,
        reason:
          "Each region's recordings key is its own stack's: any key of the account there, but only as S3 uses it (kms:ViaService).",
      });
    }
  }

  /** Objects of a bucket, by its name as this stack sees it. */
  private objectsArn(bucket: string, pattern: string): string {
    const name = this.props.bucketNames[bucket];
    if (name === undefined) throw new Error(`no bucket name for ${bucket}`);
    return `arn:${Aws.PARTITION}:s3:::${name}/${pattern}`;
  }

  /** The same, as cdk-nag renders it (the name is the parameter `<Bucket>BucketName` of this stack). */
  private renderedObjectsArn(bucket: string, pattern: string): string {
    return `arn:<AWS::Partition>:s3:::<${bucketNameParameter(bucket)}>/${pattern}`;
  }

  private createFunction(module: string, kind: keyof typeof timeouts): NodejsFunction {
    const id = constructId(module);
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: this.props.stage === 'prod' ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS,
      removalPolicy: this.props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // A role of its own that writes its log group only (not the managed basic-execution policy's every group).
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Openline functions/${module}`,
    });
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: wildcardReasons.any });
    return new NodejsFunction(this, id, {
      role,
      entry: resolve(functionsDir, module),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: resolve(repoRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // The call path gets more memory: Lambda gives CPU in proportion, and an SMA waits at most 5 s.
      memorySize: kind === 'sma' || module === 'dispatcher/sweep.ts' ? 1024 : 512,
      timeout: Duration.seconds(timeouts[kind]),
      tracing: Tracing.ACTIVE,
      logGroup,
      description: `Openline functions/${module}`,
      environment: {
        ...this.props.environment,
        // Source-mapped stacks in the logs, except on the SMA's 5 s path, where building them costs time.
        ...(kind === 'sma' ? {} : { NODE_OPTIONS: '--enable-source-maps' }),
        POWERTOOLS_SERVICE_NAME: 'openline',
        POWERTOOLS_METRICS_NAMESPACE: 'Openline',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // The SDK versions the code was tested with travel in the bundle, not the runtime's own.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        // ESM bundles of CommonJS dependencies still call require().
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
  }

  private grant(fn: NodejsFunction, module: string): void {
    const access = this.access.get(module);
    if (access === undefined) return;
    const stack = Stack.of(this);
    const { tables, buckets, streams, dataKey, lake } = this.props;
    const add = (actions: Iterable<string>, resourceArns: string[]) => {
      const list = [...actions];
      if (list.length > 0 && resourceArns.length > 0)
        fn.addToRolePolicy(new PolicyStatement({ actions: list, resources: resourceArns }));
    };
    for (const [service, actions] of access.actions) {
      switch (service) {
        case 'dynamodb': {
          const named = [...access.tables].map((t) => tables[t] as ITableV2);
          if (named.length === 0) throw new Error(`functions/${module} uses DynamoDB but names no table`);
          // Indexes by name (from the definitions), not index/*.
          const indexes = (t: string) =>
            (resources.tables.find((d) => d.id === t)?.indexes ?? []).map(
              (i) => `${(tables[t] as ITableV2).tableArn}/index/${i.name}`,
            );
          add(actions, [
            ...named.map((t) => t.tableArn),
            ...(actions.has('dynamodb:Query') ? [...access.tables].flatMap(indexes) : []),
          ]);
          break;
        }
        case 's3': {
          if (readsRecordingsByLocation.has(module)) {
            this.grantRecordingsEverywhere(fn, actions);
            break;
          }
          const ids = [...access.buckets];
          if (ids.length === 0) throw new Error(`functions/${module} uses S3 but names no bucket`);
          add(
            actions,
            ids.map((b) => this.objectsArn(b, 'tenants/*')),
          );
          for (const b of ids)
            Validations.of(fn.role as Role).acknowledge({
              id: `AwsSolutions-IAM5[Resource::${this.renderedObjectsArn(b, 'tenants/*')}]`,
              reason: wildcardReasons.objects,
            });
          const sensitive = ids.some((b) => resources.buckets.find((d) => d.id === b)?.sensitive);
          if (sensitive) {
            const keyActions = [
              ...(actions.has('s3:GetObject') ? ['kms:Decrypt'] : []),
              ...(actions.has('s3:PutObject') ? ['kms:GenerateDataKey'] : []),
            ];
            add(keyActions, [dataKey.keyArn]);
          }
          break;
        }
        case 'kinesis':
          add(
            actions,
            [...access.streams].map((s) => (streams[s] as IStream).streamArn),
          );
          break;
        case 'athena': {
          add(actions, [
            stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: lake.workgroup }),
          ]);
          // What a query needs behind the workgroup: the catalogue, the lake's files, the results folder.
          add(
            ['glue:GetDatabase', 'glue:GetTable'],
            [
              stack.formatArn({ service: 'glue', resource: 'catalog' }),
              stack.formatArn({ service: 'glue', resource: 'database', resourceName: lake.database }),
              ...lake.tables.map((t) =>
                stack.formatArn({
                  service: 'glue',
                  resource: 'table',
                  resourceName: `${lake.database}/${t}`,
                }),
              ),
            ],
          );
          add(['s3:GetBucketLocation', 's3:ListBucket'], [(buckets.lake as IBucket).bucketArn]);
          add(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], [this.objectsArn('lake', '*')]);
          Validations.of(fn.role as Role).acknowledge({
            id: `AwsSolutions-IAM5[Resource::${this.renderedObjectsArn('lake', '*')}]`,
            reason: wildcardReasons.lake,
          });
          add(['kms:Decrypt', 'kms:GenerateDataKey'], [dataKey.keyArn]);
          break;
        }
        case 'chimeVoice':
        case 'chimeMeetings':
          // Chime SDK voice and meeting calls take no resource-level conditions: '*' with named actions.
          add(actions, ['*']);
          break;
        case 'cognito':
          add(actions, [this.props.userPoolArn]);
          break;
        case 'websocket':
          // Granted once the WebSocket API exists (connectWebSocket).
          break;
      }
    }
  }
}

/** The nested stack's parameter that carries a bucket's name. */
export function bucketNameParameter(bucket: string): string {
  return `${bucket.charAt(0).toUpperCase()}${bucket.slice(1)}BucketName`;
}

/** `api/flows/list-flows.ts` → `ApiFlowsListFlows`. */
export function constructId(module: string): string {
  return module
    .replace(/\.ts$/, '')
    .split(/[/-]/)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}
