/**
 * One isolated Openline stack per region, stamped from the same constructs and the same resource
 * definitions as the local cloud: state tables, the call-events stream and the CDR lake, buckets, the
 * tenant user pool, every function of functions/routes.ts, the HTTP and WebSocket APIs, the region's SIP
 * media application, alarms and a dashboard, and the web app in front of the APIs.
 */
import { fileURLToPath } from 'node:url';
import { CfnOutput, CfnParameter, NestedStack, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { smaFunctions } from '../functions/routes.ts';
import { resources } from '../layers/resources/index.ts';
import { lakeNames, lakeTables } from '../layers/resources/lake.ts';
import type { AppConfig } from './bin/app-config.ts';
import { AccessLogs } from './constructs/access-logs.ts';
import { Apis, WEBSOCKET_STAGE } from './constructs/apis.ts';
import { CallEventsStreams } from './constructs/call-events-stream.ts';
import { CdrLake } from './constructs/cdr-lake.ts';
import { bucketNameParameter, OpenlineFunctions } from './constructs/functions.ts';
import { Observability } from './constructs/observability.ts';
import { RecordingsReplication } from './constructs/recordings-replication.ts';
import { StateTables } from './constructs/state-tables.ts';
import {
  renderedReplicatedBucketName,
  replicatedBucketName,
  StorageBuckets,
} from './constructs/storage-buckets.ts';
import { Telephony } from './constructs/telephony.ts';
import { TenantUserPool } from './constructs/user-pool.ts';
import { WebHosting } from './constructs/web-hosting.ts';

/** The first day the lake's partitions can exist for. */
const LAKE_SINCE = '2026-01-01';

export interface RegionStackProps extends StackProps {
  readonly config: AppConfig;
  readonly region: string;
}

export class RegionStack extends Stack {
  /** Everything a function needs to find its resources, keyed by the variables the config module reads. */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  /** The nested stack that holds the functions. */
  readonly compute: NestedStack;

  constructor(scope: Construct, id: string, props: RegionStackProps) {
    super(scope, id, props);
    const { config } = props;
    const primary = props.region === config.regions[0];
    const state = new StateTables(this, 'State', {
      definitions: resources.tables,
      stage: config.stage,
      primary,
      standbyRegions: config.regions.slice(1),
    });
    const streams = new CallEventsStreams(this, 'CallEvents', {
      definitions: resources.streams,
      stage: config.stage,
    });
    const logs = new AccessLogs(this, 'AccessLogs', { stage: config.stage });
    const storage = new StorageBuckets(this, 'Storage', {
      definitions: resources.buckets,
      stage: config.stage,
      accessLogs: logs.bucket,
    });
    // The disaster-recovery region (the first standby) keeps a copy of the primary's recordings.
    if (props.region === config.regions[1])
      new RecordingsReplication(this, 'RecordingsReplication', {
        stage: config.stage,
        bucketId: 'recordings',
        primaryRegion: config.regions[0] as string,
        destination: storage.buckets.recordings as IBucket,
        destinationKey: storage.dataKey,
      });
    // The CDR lake: Firehose from the call-events stream, the catalogue, Athena workgroup and named queries.
    new CdrLake(this, 'Lake', {
      bucket: storage.buckets.lake as IBucket,
      key: storage.dataKey,
      stream: streams.streams['call-events'] as IStream,
      since: LAKE_SINCE,
    });
    // Users of every tenant. One pool per region: see the README on what that means at failover.
    const users = new TenantUserPool(this, 'Users', { stage: config.stage });
    this.functionEnvironment = {
      ...state.environment,
      ...streams.environment,
      ...storage.environment,
      ...users.environment,
      // Whose ID tokens the Lambda authoriser accepts: this region's pool and its web client.
      OPENLINE_JWT_ISSUER: users.pool.userPoolProviderUrl,
      OPENLINE_JWT_AUDIENCE: users.webClient.userPoolClientId,
      // The DR region's recordings bucket is a replica of the primary's: playback prefers the copy here.
      ...(props.region === config.regions[1]
        ? {
            OPENLINE_RECORDINGS_REPLICA_OF: replicatedBucketName(
              config.stage,
              'recordings',
              config.regions[0] as string,
            ),
          }
        : {}),
    };
    // The functions (with their roles and log groups) are a nested stack of their own: a region's
    // resources together exceed CloudFormation's 500 a stack.
    this.compute = new NestedStack(this, 'Compute', {
      description: 'Openline functions, their roles, log groups, schedules and event sources',
    });
    // Names the functions' grants use, passed as parameters of their own (see OpenlineFunctions).
    const parameter = (name: string, value: string) => {
      this.compute.setParameter(name, value);
      return new CfnParameter(this.compute, name, { type: 'String' }).valueAsString;
    };
    const bucketNames = Object.fromEntries(
      Object.entries(storage.buckets).map(([id, bucket]) => [
        id,
        parameter(bucketNameParameter(id), bucket.bucketName),
      ]),
    );
    const functions = new OpenlineFunctions(this.compute, 'Functions', {
      bucketNames,
      recordingBuckets: config.regions.map((region) => ({
        region,
        name: replicatedBucketName(config.stage, 'recordings', region),
        rendered: renderedReplicatedBucketName(config.stage, 'recordings', region),
      })),
      stage: config.stage,
      primary,
      environment: this.functionEnvironment,
      tables: state.tables,
      buckets: storage.buckets,
      streams: streams.streams,
      dataKey: storage.dataKey,
      userPoolArn: users.pool.userPoolArn,
      lake: {
        workgroup: lakeNames.workgroup,
        database: lakeNames.database,
        tables: lakeTables.map((t) => t.name),
      },
    });
    const apis = new Apis(this, 'Apis', {
      stage: config.stage,
      functions,
      userPool: users.pool,
      webClient: users.webClient,
      connectFunctions: (apiId, stageName) =>
        functions.connectWebSocket(parameter('WebSocketApiId', apiId), 'WebSocketApiId', stageName),
    });
    const telephony = new Telephony(this, 'Telephony', {
      callControl: functions.fn(smaFunctions.callControl.module),
      priority: config.regions.indexOf(props.region) + 1,
      configTable: state.tables.config as ITableV2,
      recordings: storage.buckets.recordings as IBucket,
      prompts: storage.buckets.prompts as IBucket,
      dataKey: storage.dataKey,
    });
    const observability = new Observability(this, 'Observability', {
      functions,
      http: apis.http,
      websocket: apis.websocket,
      tables: state.tables,
      streams: streams.streams,
      key: storage.dataKey,
    });
    // Each region serves its own copy of the web app, so a region's failure takes no page down with it.
    const web = new WebHosting(this, 'Web', {
      stage: config.stage,
      siteDir: fileURLToPath(new URL('../web/dist', import.meta.url)),
      accessLogs: logs.bucket,
      apis: {
        httpDomain: apis.httpDomain,
        websocketDomain: apis.websocketDomain,
        websocketStage: WEBSOCKET_STAGE,
      },
    });
    new CfnOutput(this, 'UserPoolId', { value: users.pool.userPoolId });
    new CfnOutput(this, 'WebClientId', { value: users.webClient.userPoolClientId });
    new CfnOutput(this, 'HttpApiUrl', { value: apis.http.apiEndpoint });
    new CfnOutput(this, 'WebSocketUrl', { value: apis.websocketStage.url });
    new CfnOutput(this, 'SipMediaApplicationId', {
      value: telephony.sipMediaApplicationId,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: observability.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: `Openline-${props.region}` });
    void web;
    new CfnOutput(this, 'Role', { value: primary ? 'primary' : 'standby' });
  }
}
