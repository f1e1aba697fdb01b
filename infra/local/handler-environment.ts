/**
 * The environment a handler gets in the local cloud: the same variables Lambda gets on AWS (region,
 * resource names) plus the standard endpoint overrides and the emulators' credentials. Built in one place
 * for the local cloud itself and for tools and tests that talk to a running one.
 */
import { localPhysicalName, resources } from '../../layers/resources/index.ts';
import { localCredentials } from './local-credentials.ts';

export interface LocalEndpoints {
  readonly region: string;
  readonly dynamodb: string;
  readonly kinesis: string;
  readonly s3: string;
  readonly chimeSdkVoice: string;
  /** The Athena emulator (DuckDB over the lake bucket). */
  readonly athena: string;
  readonly websocketManagement: string;
  /** The local issuer's user pool admin API, and its pool id. */
  readonly cognito: string;
  readonly userPoolId: string;
  /** The local issuer (its `iss`) and its app client. */
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
}

export function handlerEnvironment(at: LocalEndpoints): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: at.region,
    AWS_DEFAULT_REGION: at.region,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: at.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: at.dynamodb,
    AWS_ENDPOINT_URL_KINESIS: at.kinesis,
    AWS_ENDPOINT_URL_S3: at.s3,
    AWS_ENDPOINT_URL_CHIME_SDK_VOICE: at.chimeSdkVoice,
    // The emulator serves the meetings API on the voice API's port, as one Chime service.
    AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS: at.chimeSdkVoice,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: at.cognito,
    AWS_ENDPOINT_URL_ATHENA: at.athena,
    OPENLINE_USER_POOL_ID: at.userPoolId,
    OPENLINE_JWT_ISSUER: at.jwtIssuer,
    OPENLINE_JWT_AUDIENCE: at.jwtAudience,
    OPENLINE_WEBSOCKET_MANAGEMENT_URL: at.websocketManagement,
    // The demo order service and test services run on loopback without TLS.
    OPENLINE_LOOKUP_PLAIN_HTTP_HOSTS: '127.0.0.1,localhost',
    // No CloudWatch here to read embedded metrics: they would only fill the console.
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  for (const r of [...resources.tables, ...resources.streams, ...resources.buckets]) {
    env[r.envVar] = localPhysicalName(r);
  }
  return env;
}

/** The same environment, for a tool or test that found a running local cloud through GET /health. */
export function handlerEnvironmentFromHealth(health: {
  region: string;
  services: Record<
    string,
    {
      endpoint: string;
      managementEndpoint?: unknown;
      adminEndpoint?: unknown;
      userPoolId?: unknown;
      issuer?: unknown;
      audience?: unknown;
    }
  >;
}): Record<string, string> {
  const endpoint = (name: string): string => {
    const service = health.services[name];
    if (service === undefined) throw new Error(`the health report has no '${name}' service`);
    return service.endpoint;
  };
  return handlerEnvironment({
    region: health.region,
    dynamodb: endpoint('dynamodb'),
    kinesis: endpoint('kinesis'),
    s3: endpoint('s3'),
    chimeSdkVoice: endpoint('chimeSdkVoice'),
    athena: endpoint('athena'),
    websocketManagement: String(health.services.websocketApi?.managementEndpoint ?? ''),
    cognito: String(health.services.auth?.adminEndpoint ?? ''),
    userPoolId: String(health.services.auth?.userPoolId ?? ''),
    jwtIssuer: String(health.services.auth?.issuer ?? ''),
    jwtAudience: String(health.services.auth?.audience ?? ''),
  });
}
