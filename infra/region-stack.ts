/**
 * One isolated Openline stack per region, stamped from the same constructs and the same resource
 * definitions as the local cloud. Telephony, APIs, auth, the lake and web hosting join it in later issues.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { resources } from '../layers/resources/index.ts';
import type { AppConfig } from './bin/app-config.ts';
import { CallEventsStreams } from './constructs/call-events-stream.ts';
import { StateTables } from './constructs/state-tables.ts';
import { StorageBuckets } from './constructs/storage-buckets.ts';

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
    const storage = new StorageBuckets(this, 'Storage', {
      definitions: resources.buckets,
      stage: config.stage,
      recordingRetentionDays: config.recordingRetentionDays,
    });
    this.functionEnvironment = {
      ...state.environment,
      ...streams.environment,
      ...storage.environment,
    };
    new CfnOutput(this, 'Role', { value: primary ? 'primary' : 'standby' });
  }
}
