/**
 * One isolated Openline stack per region, stamped from the same constructs and the same resource
 * definitions as the local cloud, the tenant user pool, the CDR lake's catalogue and queries, and the web
 * app. Telephony and the APIs join it in a later issue.
 */
import { fileURLToPath } from 'node:url';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { resources } from '../layers/resources/index.ts';
import type { AppConfig } from './bin/app-config.ts';
import { AccessLogs } from './constructs/access-logs.ts';
import { CallEventsStreams } from './constructs/call-events-stream.ts';
import { CdrLake } from './constructs/cdr-lake.ts';
import { StateTables } from './constructs/state-tables.ts';
import { StorageBuckets } from './constructs/storage-buckets.ts';
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
    // The CDR lake: Firehose from the call-events stream, the catalogue, Athena workgroup and named queries.
    new CdrLake(this, 'Lake', {
      bucket: storage.buckets.lake as IBucket,
      key: storage.dataKey,
      stream: streams.streams['call-events'] as IStream,
      since: LAKE_SINCE,
    });
    // Users of every tenant. One pool per region for now: copying users to the standby region's pool is
    // part of the disaster-recovery work (issue 9).
    const users = new TenantUserPool(this, 'Users', { stage: config.stage });
    // Each region serves its own copy of the web app, so a region's failure takes no page down with it.
    new WebHosting(this, 'Web', {
      stage: config.stage,
      siteDir: fileURLToPath(new URL('../web/dist', import.meta.url)),
      accessLogs: logs.bucket,
    });
    this.functionEnvironment = {
      ...state.environment,
      ...streams.environment,
      ...storage.environment,
      ...users.environment,
    };
    new CfnOutput(this, 'UserPoolId', { value: users.pool.userPoolId });
    new CfnOutput(this, 'WebClientId', { value: users.webClient.userPoolClientId });
    new CfnOutput(this, 'Role', { value: primary ? 'primary' : 'standby' });
  }
}
