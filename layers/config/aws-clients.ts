/**
 * AWS SDK clients, each built once per configuration with the settings that work on AWS and on the local
 * emulators alike: HTTP/1.1 everywhere (kinesis-local cannot answer the HTTP/2 handler), checksums only
 * when an operation requires them (s3rver stores aws-chunked bodies verbatim otherwise), and path-style S3
 * addressing whenever an endpoint override is configured (emulators have no per-bucket host names).
 */

import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { AthenaClient } from '@aws-sdk/client-athena';
import { ChimeSDKMeetingsClient } from '@aws-sdk/client-chime-sdk-meetings';
import { ChimeSDKVoiceClient } from '@aws-sdk/client-chime-sdk-voice';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { openlineTracer } from '../adapters/telemetry.ts';
import { type OpenlineConfig, runtimeConfig } from './config.ts';

export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  /** Document client over `dynamodb`: plain JS values in and out. */
  readonly documents: DynamoDBDocumentClient;
  readonly dynamodbStreams: DynamoDBStreamsClient;
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
  /** S3 as another region's bucket needs it (requests are signed for the bucket's region). */
  s3In(region: string): S3Client;
  readonly chimeSdkVoice: ChimeSDKVoiceClient;
  /** The Chime SDK Voice client of another region (an SMA call is updated in the region that owns it). */
  chimeSdkVoiceIn(region: string): ChimeSDKVoiceClient;
  readonly chimeSdkMeetings: ChimeSDKMeetingsClient;
  readonly cognito: CognitoIdentityProviderClient;
  /** Runs the report queries over the lake (DuckDB behind the same API locally). */
  readonly athena: AthenaClient;
  /** Posts to WebSocket connections; throws if the configuration has no management URL. */
  readonly websocketManagement: ApiGatewayManagementApiClient;
}

/**
 * Timeouts sized for the SMA's 5 s deadline: a stuck connection must fail fast enough to retry once. The
 * connection timeout also runs while a request waits for a free socket, so the pool is wide enough that
 * one process serving many calls at once (the local cloud; a busy Lambda container) never queues there.
 */
const requestHandler = (): NodeHttpHandler =>
  new NodeHttpHandler({
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 256 }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
  });

/** Builds the clients lazily: a handler pays only for the clients it touches. */
export function createAwsClients(config: OpenlineConfig): AwsClients {
  const base = { region: config.region, maxAttempts: 3 } as const;
  const memo = new Map<string, unknown>();
  // Each SDK call an X-Ray subsegment where the function traces (on Lambda; a no-op elsewhere).
  const once = <T>(name: string, build: () => T): T => {
    // (The document client is built on the traced DynamoDB client: tracing it again would count twice.)
    if (!memo.has(name))
      memo.set(name, name === 'documents' ? build() : openlineTracer().captureAWSv3Client(build()));
    return memo.get(name) as T;
  };
  const clients: AwsClients = {
    get dynamodb() {
      return once(
        'dynamodb',
        () =>
          new DynamoDBClient({
            ...base,
            endpoint: config.endpoints.dynamodb,
            requestHandler: requestHandler(),
          }),
      );
    },
    get documents() {
      return once('documents', () =>
        DynamoDBDocumentClient.from(clients.dynamodb, {
          marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
        }),
      );
    },
    get dynamodbStreams() {
      return once(
        'dynamodbStreams',
        () =>
          new DynamoDBStreamsClient({
            ...base,
            endpoint: config.endpoints.dynamodbStreams,
            requestHandler: requestHandler(),
          }),
      );
    },
    get kinesis() {
      return once(
        'kinesis',
        () =>
          new KinesisClient({
            ...base,
            endpoint: config.endpoints.kinesis,
            requestHandler: requestHandler(),
          }),
      );
    },
    get s3() {
      return once(
        's3',
        () =>
          new S3Client({
            ...base,
            endpoint: config.endpoints.s3,
            forcePathStyle: config.endpoints.s3 !== undefined,
            requestChecksumCalculation: 'WHEN_REQUIRED',
            responseChecksumValidation: 'WHEN_REQUIRED',
            requestHandler: requestHandler(),
          }),
      );
    },
    s3In(region: string) {
      if (region === config.region) return clients.s3;
      return once(
        `s3:${region}`,
        () =>
          new S3Client({
            ...base,
            region,
            endpoint: config.endpoints.s3,
            forcePathStyle: config.endpoints.s3 !== undefined,
            requestChecksumCalculation: 'WHEN_REQUIRED',
            responseChecksumValidation: 'WHEN_REQUIRED',
            requestHandler: requestHandler(),
          }),
      );
    },
    get chimeSdkVoice() {
      return once(
        'chimeSdkVoice',
        () =>
          new ChimeSDKVoiceClient({
            ...base,
            endpoint: config.endpoints.chimeSdkVoice,
            requestHandler: requestHandler(),
          }),
      );
    },
    chimeSdkVoiceIn(region: string) {
      if (region === config.region) return clients.chimeSdkVoice;
      return once(
        `chimeSdkVoice:${region}`,
        () =>
          new ChimeSDKVoiceClient({
            ...base,
            region,
            endpoint: config.endpoints.chimeSdkVoice,
            requestHandler: requestHandler(),
          }),
      );
    },
    get chimeSdkMeetings() {
      return once(
        'chimeSdkMeetings',
        () =>
          new ChimeSDKMeetingsClient({
            ...base,
            endpoint: config.endpoints.chimeSdkMeetings,
            requestHandler: requestHandler(),
          }),
      );
    },
    get cognito() {
      return once(
        'cognito',
        () =>
          new CognitoIdentityProviderClient({
            ...base,
            endpoint: config.endpoints.cognitoIdentityProvider,
            requestHandler: requestHandler(),
          }),
      );
    },
    get athena() {
      return once(
        'athena',
        () =>
          new AthenaClient({
            ...base,
            endpoint: config.endpoints.athena,
            requestHandler: requestHandler(),
          }),
      );
    },
    get websocketManagement() {
      return once('websocketManagement', () => {
        if (config.websocketManagementUrl === undefined) {
          throw new Error(
            'OPENLINE_WEBSOCKET_MANAGEMENT_URL is not set: this function cannot reach WebSocket clients',
          );
        }
        return new ApiGatewayManagementApiClient({
          ...base,
          endpoint: config.websocketManagementUrl,
          requestHandler: requestHandler(),
        });
      });
    },
  };
  return clients;
}

let cached: AwsClients | undefined;

/** The process's clients, built from the runtime configuration once per cold start. */
export function runtimeClients(): AwsClients {
  cached ??= createAwsClients(runtimeConfig());
  return cached;
}
