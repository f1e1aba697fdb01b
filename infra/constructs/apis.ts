/**
 * The HTTP API and the WebSocket API, wired from functions/routes.ts exactly as the local gateways serve
 * it: 'jwt' routes behind API Gateway's JWT authoriser on the user pool (ID tokens of the web client),
 * 'jwt-or-key' routes behind the Lambda authoriser (ID tokens or tenant API keys), 'none' routes open.
 * WebSocket clients (browsers cannot set headers) send their ID token as `?token=`, checked at $connect by
 * the same Lambda authoriser. Both stages log every request and are throttled.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat, CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  WebSocketApi,
  WebSocketStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
  HttpUserPoolAuthorizer,
  WebSocketLambdaAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration, WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { authorizerFunction, authRoutes, httpRoutes, websocketRoutes } from '../../functions/routes.ts';
import { constructId, type OpenlineFunctions } from './functions.ts';

/** The WebSocket API's stage: its URL path, and what CloudFront's `/ws` is rewritten to. */
export const WEBSOCKET_STAGE = 'live';

export interface ApisProps {
  readonly stage: 'dev' | 'prod';
  readonly functions: OpenlineFunctions;
  readonly userPool: IUserPool;
  readonly webClient: IUserPoolClient;
  /** Tells the functions that post to WebSocket connections which API (its id) and stage. */
  readonly connectFunctions: (apiId: string, stageName: string) => void;
}

export class Apis extends Construct {
  readonly http: HttpApi;
  readonly websocket: WebSocketApi;
  readonly websocketStage: WebSocketStage;

  constructor(scope: Construct, id: string, props: ApisProps) {
    super(scope, id);
    const { functions } = props;
    const logs = (name: string) =>
      new LogGroup(this, `${name}AccessLogs`, {
        retention: props.stage === 'prod' ? RetentionDays.ONE_YEAR : RetentionDays.TWO_WEEKS,
        removalPolicy: props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
    const authorizerFn = functions.fn(authorizerFunction.module);

    this.http = new HttpApi(this, 'Http', {
      description: `Openline HTTP API (${props.stage})`,
      createDefaultStage: false,
    });
    this.http.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 2_000, burstLimit: 4_000 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(logs('Http')),
        format: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const authorizers: Record<'none' | 'jwt' | 'jwt-or-key', IHttpRouteAuthorizer> = {
      none: new HttpNoneAuthorizer(),
      jwt: new HttpUserPoolAuthorizer('IdToken', props.userPool, {
        userPoolClients: [props.webClient],
        identitySource: ['$request.header.Authorization'],
      }),
      'jwt-or-key': new HttpLambdaAuthorizer('IdTokenOrApiKey', authorizerFn, {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: ['$request.header.Authorization'],
        // Short: a revoked key or an expired token must not keep working for long.
        resultsCacheTtl: Duration.minutes(1),
      }),
    };
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of httpRoutes) {
      const [method, path] = route.routeKey.split(' ') as [keyof typeof HttpMethod, string];
      let integration = integrations.get(route.module);
      if (integration === undefined) {
        integration = new HttpLambdaIntegration(constructId(route.module), functions.fn(route.module));
        integrations.set(route.module, integration);
      }
      const added = this.http.addRoutes({
        path,
        methods: [HttpMethod[method]],
        integration,
        authorizer: authorizers[route.auth],
      });
      if (route.auth === 'none')
        for (const r of added)
          Validations.of(r).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason:
              'Open by design: the service status, the OpenAPI document and sign-up (a visitor has no account yet; sign-up is rate-limited and checked by its handler).',
          });
    }

    for (const route of authRoutes) {
      const [, path] = route.routeKey.split(' ') as [string, string];
      const added = this.http.addRoutes({
        path,
        methods: [HttpMethod.POST],
        integration: new HttpLambdaIntegration(
          `${constructId(route.module)}${path.split('/').pop()}`,
          functions.fn(route.module),
        ),
        authorizer: authorizers.none,
      });
      for (const r of added)
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Sign-in: how a user gets a token (the user pool checks the password; Cognito throttles and locks out).',
        });
    }

    const socketIntegrations = new Map<string, WebSocketLambdaIntegration>();
    const socket = (routeKey: string) => {
      const route = websocketRoutes.find((r) => r.routeKey === routeKey);
      if (route === undefined) throw new Error(`routes.ts has no WebSocket route ${routeKey}`);
      let integration = socketIntegrations.get(route.module);
      if (integration === undefined) {
        integration = new WebSocketLambdaIntegration(
          `Socket${constructId(route.module)}`,
          functions.fn(route.module),
        );
        socketIntegrations.set(route.module, integration);
      }
      return integration;
    };
    this.websocket = new WebSocketApi(this, 'WebSocket', {
      description: `Openline agent and supervisor live events (${props.stage})`,
      routeSelectionExpression: '$request.body.action',
      connectRouteOptions: {
        integration: socket('$connect'),
        authorizer: new WebSocketLambdaAuthorizer('SocketIdToken', authorizerFn, {
          identitySource: ['route.request.querystring.token'],
        }),
      },
      disconnectRouteOptions: { integration: socket('$disconnect') },
      defaultRouteOptions: { integration: socket('$default') },
    });
    for (const route of websocketRoutes.filter((r) => !r.routeKey.startsWith('$')))
      this.websocket.addRoute(route.routeKey, { integration: socket(route.routeKey) });
    this.websocketStage = new WebSocketStage(this, 'WebSocketStage', {
      webSocketApi: this.websocket,
      stageName: WEBSOCKET_STAGE,
      autoDeploy: true,
      throttle: { rateLimit: 1_000, burstLimit: 2_000 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(logs('WebSocket')),
        // WebSocket stages accept only their own context variables (no httpMethod, resourcePath, protocol).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            eventType: '$context.eventType',
            routeKey: '$context.routeKey',
            connectionId: '$context.connectionId',
            status: '$context.status',
            ip: '$context.identity.sourceIp',
            error: '$context.error.message',
          }),
        ),
      },
    });
    // WebSocket stages log through the account's API Gateway CloudWatch role (HTTP APIs need none). This sets
    // the region's API Gateway account setting to this role.
    const logsRole = new Role(this, 'ApiGatewayLogsRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    Validations.of(logsRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's own policy for writing stage logs to CloudWatch Logs, which this role exists for.",
    });
    const account = new CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: logsRole.roleArn });
    this.websocketStage.node.addDependency(account);
    props.connectFunctions(this.websocket.apiId, WEBSOCKET_STAGE);
    for (const route of this.websocket.node.findAll()) {
      if (
        route.node.id.startsWith('$disconnect') ||
        route.node.id.startsWith('$default') ||
        route.node.id.startsWith('ping')
      )
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'WebSocket routes after $connect run on a connection the authoriser already accepted at $connect (API Gateway authorises WebSocket connections, not messages).',
        });
    }
  }

  /** The HTTP API's host name (CloudFront's origin for /api/*). */
  get httpDomain(): string {
    return `${this.http.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
  }

  get websocketDomain(): string {
    return `${this.websocket.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
  }
}
