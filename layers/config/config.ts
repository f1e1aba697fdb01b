/**
 * The only module that reads the environment. It validates everything a handler needs at cold start and
 * fails with one clear list of problems. Endpoints come from the standard AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE> variables; nothing else tells code whether it runs on AWS or the local cloud.
 */
import { z } from 'zod';
import { buckets, streams, tables } from '../resources/index.ts';

/** AWS services Openline talks to, with the suffix the SDKs use for service-specific endpoint variables. */
export const services = {
  dynamodb: 'DYNAMODB',
  dynamodbStreams: 'DYNAMODB_STREAMS',
  kinesis: 'KINESIS',
  s3: 'S3',
  chimeSdkVoice: 'CHIME_SDK_VOICE',
  chimeSdkMeetings: 'CHIME_SDK_MEETINGS',
  cognitoIdentityProvider: 'COGNITO_IDENTITY_PROVIDER',
  athena: 'ATHENA',
} as const;
export type ServiceName = keyof typeof services;

export interface OpenlineConfig {
  readonly region: string;
  /** Endpoint override per service, or undefined to use the AWS default endpoint. */
  readonly endpoints: Readonly<Record<ServiceName, string | undefined>>;
  readonly tables: Readonly<Record<(typeof tables)[number]['id'], string>>;
  readonly streams: Readonly<Record<(typeof streams)[number]['id'], string>>;
  readonly buckets: Readonly<Record<(typeof buckets)[number]['id'], string>>;
  /** Base URL of the WebSocket API's connection-management endpoint (`.../@connections` lives under it). */
  readonly websocketManagementUrl: string | undefined;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** The primary's recordings bucket, of which this region's is a replica (the DR region only). */
  readonly recordingsReplicaOf: string | undefined;
  /** Hosts an IVR data lookup may reach over plain http (everything else needs https). */
  readonly lookupPlainHttpHosts: readonly string[];
  /** The Cognito user pool of tenant users (sign-up creates its admin there); unset where no sign-up runs. */
  readonly userPoolId: string | undefined;
  /** Whose ID tokens the Lambda authoriser accepts (the user pool's issuer URL and app client ids). */
  readonly jwt: { readonly issuer: string; readonly audience: readonly string[] } | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid Openline configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v), 'must be an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));
const resourceName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{3,255}$/, 'must be 3-255 characters of A-Z, a-z, 0-9, ".", "_" and "-"');

const shape: Record<string, z.ZodType> = {
  AWS_REGION: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1'),
  AWS_ENDPOINT_URL: httpUrl.optional(),
  OPENLINE_WEBSOCKET_MANAGEMENT_URL: httpUrl.optional(),
  OPENLINE_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  OPENLINE_USER_POOL_ID: z
    .string()
    .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must be a Cognito user pool id such as us-east-1_AbC123')
    .optional(),
  OPENLINE_JWT_ISSUER: httpUrl.optional(),
  OPENLINE_JWT_AUDIENCE: z
    .string()
    .regex(/^[\w.-]+(,[\w.-]+)*$/, 'must be a comma-separated list of app client ids')
    .optional(),
  OPENLINE_RECORDINGS_REPLICA_OF: resourceName.optional(),
  OPENLINE_LOOKUP_PLAIN_HTTP_HOSTS: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]+(,[A-Za-z0-9.:[\]-]+)*$/, 'must be a comma-separated list of host names')
    .optional(),
};
for (const suffix of Object.values(services)) shape[`AWS_ENDPOINT_URL_${suffix}`] = httpUrl.optional();
for (const r of [...tables, ...streams, ...buckets]) shape[r.envVar] = resourceName;
const envSchema = z.object(shape);

type Env = Readonly<Record<string, string | undefined>>;

/** Parses an environment (process.env by default). Pure: tests pass their own. */
export function loadConfig(env: Env): OpenlineConfig {
  // Empty strings count as unset, as the AWS SDKs treat them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`),
    );
  }
  const e = parsed.data as Record<string, string | undefined>;
  const endpoint = (service: ServiceName): string | undefined =>
    e[`AWS_ENDPOINT_URL_${services[service]}`] ?? e.AWS_ENDPOINT_URL;
  const names = <R extends { id: string; envVar: string }>(list: readonly R[]) =>
    Object.fromEntries(list.map((r) => [r.id, e[r.envVar] as string])) as Record<R['id'], string>;

  return {
    region: e.AWS_REGION as string,
    endpoints: {
      dynamodb: endpoint('dynamodb'),
      dynamodbStreams: endpoint('dynamodbStreams'),
      kinesis: endpoint('kinesis'),
      s3: endpoint('s3'),
      chimeSdkVoice: endpoint('chimeSdkVoice'),
      chimeSdkMeetings: endpoint('chimeSdkMeetings'),
      cognitoIdentityProvider: endpoint('cognitoIdentityProvider'),
      athena: endpoint('athena'),
    },
    tables: names(tables),
    streams: names(streams),
    buckets: names(buckets),
    websocketManagementUrl: e.OPENLINE_WEBSOCKET_MANAGEMENT_URL,
    logLevel: e.OPENLINE_LOG_LEVEL as OpenlineConfig['logLevel'],
    lookupPlainHttpHosts: e.OPENLINE_LOOKUP_PLAIN_HTTP_HOSTS?.split(',') ?? [],
    recordingsReplicaOf: e.OPENLINE_RECORDINGS_REPLICA_OF,
    userPoolId: e.OPENLINE_USER_POOL_ID,
    jwt:
      e.OPENLINE_JWT_ISSUER === undefined || e.OPENLINE_JWT_AUDIENCE === undefined
        ? undefined
        : { issuer: e.OPENLINE_JWT_ISSUER, audience: e.OPENLINE_JWT_AUDIENCE.split(',') },
  };
}

let cached: OpenlineConfig | undefined;

/** The process's configuration, read once per cold start. */
export function runtimeConfig(): OpenlineConfig {
  cached ??= loadConfig(process.env);
  return cached;
}
