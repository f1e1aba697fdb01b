/** The Kinesis streams of layers/resources/streams.ts: on-demand, encrypted, retention as declared. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IStream, Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import type { StreamDefinition } from '../../layers/resources/index.ts';

export interface CallEventsStreamProps {
  readonly definitions: readonly StreamDefinition[];
  readonly stage: 'dev' | 'prod';
}

export class CallEventsStreams extends Construct {
  readonly streams: Readonly<Record<string, IStream>>;
  readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CallEventsStreamProps) {
    super(scope, id);
    const streams: Record<string, IStream> = {};
    const environment: Record<string, string> = {};
    for (const definition of props.definitions) {
      const stream = new Stream(this, definition.id, {
        streamMode: StreamMode.ON_DEMAND,
        retentionPeriod: Duration.hours(definition.retentionHours),
        encryption: StreamEncryption.MANAGED,
        removalPolicy: props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      streams[definition.id] = stream;
      environment[definition.envVar] = stream.streamName;
    }
    this.streams = streams;
    this.environment = environment;
  }
}
