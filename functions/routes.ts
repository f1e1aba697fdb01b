import type { ApiScope } from '../layers/domain/tenancy/api-keys.ts';

/**
 * Every API route and the handler module that serves it, declared once: the local gateway serves exactly
 * these, and the CDK API constructs wire exactly these. `module` is relative to functions/ and exports
 * `handler`.
 */
export interface HttpRouteDefinition {
  /** API Gateway route key: method, space, path with {parameters}. */
  readonly routeKey: string;
  readonly module: string;
  /**
   * 'none' only for routes that must work before sign-in; 'jwt': a user's ID token (API Gateway's JWT
   * authoriser); 'jwt-or-key': a user's ID token or a tenant API key holding `scope` (the Lambda authoriser).
   */
  readonly auth: 'none' | 'jwt' | 'jwt-or-key';
  /** The API key scope a 'jwt-or-key' route needs. */
  readonly scope?: ApiScope;
}

/** The Lambda authoriser of 'jwt-or-key' routes (ID tokens and API keys). */
export const authorizerFunction = { name: 'openline-authorizer', module: 'authorizer/handler.ts' } as const;

export interface WebSocketRouteDefinition {
  /** $connect, $disconnect, $default, or an `action` value of the message body. */
  readonly routeKey: string;
  readonly module: string;
}

export const httpRoutes: readonly HttpRouteDefinition[] = [
  { routeKey: 'GET /api/v1/status', module: 'api/get-status.ts', auth: 'none' },
  { routeKey: 'GET /api/v1/openapi.json', module: 'api/get-openapi.ts', auth: 'none' },
  { routeKey: 'POST /api/v1/signups', module: 'api/signup/create-signup.ts', auth: 'none' },
  { routeKey: 'GET /api/v1/signups/{signupId}', module: 'api/signup/get-signup.ts', auth: 'none' },
  { routeKey: 'GET /api/v1/me', module: 'api/get-me.ts', auth: 'jwt' },
  {
    routeKey: 'GET /api/v1/flows',
    module: 'api/flows/list-flows.ts',
    auth: 'jwt-or-key',
    scope: 'flows:read',
  },
  {
    routeKey: 'POST /api/v1/flows/validate',
    module: 'api/flows/validate-flow.ts',
    auth: 'jwt-or-key',
    scope: 'flows:read',
  },
  {
    routeKey: 'GET /api/v1/flows/{flowId}',
    module: 'api/flows/get-flow.ts',
    auth: 'jwt-or-key',
    scope: 'flows:read',
  },
  {
    routeKey: 'PUT /api/v1/flows/{flowId}/draft',
    module: 'api/flows/save-draft.ts',
    auth: 'jwt-or-key',
    scope: 'flows:write',
  },
  {
    routeKey: 'POST /api/v1/flows/{flowId}/versions',
    module: 'api/flows/publish-flow.ts',
    auth: 'jwt-or-key',
    scope: 'flows:write',
  },
  {
    routeKey: 'GET /api/v1/flows/{flowId}/versions',
    module: 'api/flows/list-versions.ts',
    auth: 'jwt-or-key',
    scope: 'flows:read',
  },
  {
    routeKey: 'GET /api/v1/flows/{flowId}/versions/{version}',
    module: 'api/flows/get-version.ts',
    auth: 'jwt-or-key',
    scope: 'flows:read',
  },
  {
    routeKey: 'POST /api/v1/flows/{flowId}/rollback',
    module: 'api/flows/roll-back-flow.ts',
    auth: 'jwt-or-key',
    scope: 'flows:write',
  },
  {
    routeKey: 'GET /api/v1/queues',
    module: 'api/admin/list-queues.ts',
    auth: 'jwt-or-key',
    scope: 'queues:read',
  },
  {
    routeKey: 'PUT /api/v1/queues/{queueId}',
    module: 'api/admin/put-queue.ts',
    auth: 'jwt-or-key',
    scope: 'queues:write',
  },
  {
    routeKey: 'GET /api/v1/agents',
    module: 'api/admin/list-agents.ts',
    auth: 'jwt-or-key',
    scope: 'agents:read',
  },
  {
    routeKey: 'PUT /api/v1/agents/{agentId}',
    module: 'api/admin/put-agent.ts',
    auth: 'jwt-or-key',
    scope: 'agents:write',
  },
  {
    routeKey: 'GET /api/v1/wallboard',
    module: 'api/supervisor/get-wallboard.ts',
    auth: 'jwt-or-key',
    scope: 'wallboard:read',
  },
  {
    routeKey: 'PUT /api/v1/agents/{agentId}/state',
    module: 'api/supervisor/force-agent-state.ts',
    auth: 'jwt',
  },
  {
    routeKey: 'POST /api/v1/agents/{agentId}/monitor',
    module: 'api/supervisor/monitor-agent.ts',
    auth: 'jwt',
  },
  {
    routeKey: 'DELETE /api/v1/agents/{agentId}/monitor',
    module: 'api/supervisor/stop-monitoring.ts',
    auth: 'jwt',
  },
  {
    routeKey: 'GET /api/v1/disposition-codes',
    module: 'api/admin/get-disposition-codes.ts',
    auth: 'jwt',
  },
  {
    routeKey: 'PUT /api/v1/disposition-codes',
    module: 'api/admin/put-disposition-codes.ts',
    auth: 'jwt',
  },
  { routeKey: 'GET /api/v1/reason-codes', module: 'api/admin/get-reason-codes.ts', auth: 'jwt' },
  { routeKey: 'PUT /api/v1/reason-codes', module: 'api/admin/put-reason-codes.ts', auth: 'jwt' },
  {
    routeKey: 'GET /api/v1/numbers',
    module: 'api/numbers/list-numbers.ts',
    auth: 'jwt-or-key',
    scope: 'numbers:read',
  },
  { routeKey: 'POST /api/v1/numbers', module: 'api/numbers/order-number.ts', auth: 'jwt' },
  {
    routeKey: 'GET /api/v1/numbers/orders/{orderId}',
    module: 'api/numbers/get-number-order.ts',
    auth: 'jwt',
  },
  { routeKey: 'DELETE /api/v1/numbers/{number}', module: 'api/numbers/release-number.ts', auth: 'jwt' },
  { routeKey: 'GET /api/v1/users', module: 'api/users/list-users.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/users', module: 'api/users/invite-user.ts', auth: 'jwt' },
  { routeKey: 'PUT /api/v1/users/{userId}/groups', module: 'api/users/set-roles.ts', auth: 'jwt' },
  { routeKey: 'DELETE /api/v1/users/{userId}', module: 'api/users/remove-user.ts', auth: 'jwt' },
  { routeKey: 'GET /api/v1/api-keys', module: 'api/api-keys/list-api-keys.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/api-keys', module: 'api/api-keys/create-api-key.ts', auth: 'jwt' },
  { routeKey: 'DELETE /api/v1/api-keys/{keyId}', module: 'api/api-keys/revoke-api-key.ts', auth: 'jwt' },
  { routeKey: 'GET /api/v1/webhooks', module: 'api/webhooks/list-webhooks.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/webhooks', module: 'api/webhooks/create-webhook.ts', auth: 'jwt' },
  { routeKey: 'DELETE /api/v1/webhooks/{webhookId}', module: 'api/webhooks/delete-webhook.ts', auth: 'jwt' },
  {
    routeKey: 'GET /api/v1/webhooks/{webhookId}/deliveries',
    module: 'api/webhooks/list-deliveries.ts',
    auth: 'jwt',
  },
  { routeKey: 'POST /api/v1/webhooks/secret', module: 'api/webhooks/rotate-secret.ts', auth: 'jwt' },
  { routeKey: 'GET /api/v1/extensions', module: 'api/extensions/list-extensions.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/extensions', module: 'api/extensions/claim-extension.ts', auth: 'jwt' },
  {
    routeKey: 'DELETE /api/v1/extensions/{code}',
    module: 'api/extensions/release-extension.ts',
    auth: 'jwt',
  },
  {
    routeKey: 'GET /api/v1/callbacks',
    module: 'api/callbacks/list-callbacks.ts',
    auth: 'jwt-or-key',
    scope: 'callbacks:read',
  },
  {
    routeKey: 'GET /api/v1/reports',
    module: 'api/reports/list-reports.ts',
    auth: 'jwt-or-key',
    scope: 'reports:read',
  },
  {
    routeKey: 'GET /api/v1/reports/{name}',
    module: 'api/reports/run-report.ts',
    auth: 'jwt-or-key',
    scope: 'reports:read',
  },
  {
    routeKey: 'GET /api/v1/recordings',
    module: 'api/recordings/search-recordings.ts',
    auth: 'jwt-or-key',
    scope: 'recordings:read',
  },
  {
    routeKey: 'GET /api/v1/recordings/{callId}',
    module: 'api/recordings/get-recording.ts',
    auth: 'jwt-or-key',
    scope: 'recordings:read',
  },
  {
    routeKey: 'PUT /api/v1/recordings/{callId}/legal-hold',
    module: 'api/recordings/legal-hold.ts',
    auth: 'jwt',
  },
  {
    routeKey: 'GET /api/v1/recording-settings',
    module: 'api/recordings/retention-settings.ts',
    auth: 'jwt',
  },
  {
    routeKey: 'PUT /api/v1/recording-settings',
    module: 'api/recordings/retention-settings.ts',
    auth: 'jwt',
  },
  {
    routeKey: 'GET /api/v1/counters/today',
    module: 'api/reports/today.ts',
    auth: 'jwt-or-key',
    scope: 'reports:read',
  },
  { routeKey: 'POST /api/v1/agent/session', module: 'api/agent/log-in.ts', auth: 'jwt' },
  { routeKey: 'DELETE /api/v1/agent/session', module: 'api/agent/log-out.ts', auth: 'jwt' },
  { routeKey: 'GET /api/v1/agent/state', module: 'api/agent/get-state.ts', auth: 'jwt' },
  { routeKey: 'PUT /api/v1/agent/state', module: 'api/agent/set-state.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/agent/calls', module: 'api/agent/call-out.ts', auth: 'jwt' },
  { routeKey: 'GET /api/v1/agent/calls', module: 'api/agent/list-calls.ts', auth: 'jwt' },
  { routeKey: 'GET /api/v1/agent/calls/{callId}', module: 'api/agent/get-call.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/agent/calls/{callId}/accept', module: 'api/agent/accept-call.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/agent/calls/{callId}/decline', module: 'api/agent/decline-call.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/agent/call/hangup', module: 'api/agent/hang-up.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/agent/call/hold', module: 'api/agent/hold-call.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/agent/call/resume', module: 'api/agent/resume-call.ts', auth: 'jwt' },
  { routeKey: 'PUT /api/v1/agent/call/mute', module: 'api/agent/mute-call.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/agent/call/digits', module: 'api/agent/send-digits.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/agent/call/transfer', module: 'api/agent/transfer-call.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/agent/call/consult', module: 'api/agent/consult.ts', auth: 'jwt' },
  { routeKey: 'DELETE /api/v1/agent/call/consult', module: 'api/agent/end-consult.ts', auth: 'jwt' },
  { routeKey: 'POST /api/v1/agent/call/conference', module: 'api/agent/conference.ts', auth: 'jwt' },
  {
    routeKey: 'POST /api/v1/agent/call/transfer/complete',
    module: 'api/agent/complete-transfer.ts',
    auth: 'jwt',
  },
  {
    routeKey: 'POST /api/v1/agent/call/recording',
    module: 'api/agent/pause-recording.ts',
    auth: 'jwt',
  },
  { routeKey: 'POST /api/v1/agent/wrap-up', module: 'api/agent/wrap-up.ts', auth: 'jwt' },
];

/**
 * The web app's sign-in (`/_auth/token`, `/_auth/password`): on AWS the HTTP API serves them with this
 * handler against the user pool, without an authoriser; locally the local issuer answers them the same way.
 */
export const authRoutes: readonly { readonly routeKey: string; readonly module: string }[] = [
  { routeKey: 'POST /_auth/token', module: 'auth/sign-in.ts' },
  { routeKey: 'POST /_auth/password', module: 'auth/sign-in.ts' },
];

/** Messages are routed by their `action` field (route selection `$request.body.action`). */
export const websocketRoutes: readonly WebSocketRouteDefinition[] = [
  { routeKey: '$connect', module: 'agent-socket/handler.ts' },
  { routeKey: '$disconnect', module: 'agent-socket/handler.ts' },
  { routeKey: '$default', module: 'agent-socket/handler.ts' },
  { routeKey: 'ping', module: 'agent-socket/handler.ts' },
];

export interface SmaFunctionDefinition {
  /** Function name (the last part of the Lambda ARN a SIP media application invokes). */
  readonly name: string;
  readonly module: string;
}

/** Handlers that SIP media applications invoke: the local Chime emulator loads these, CDK deploys them. */
export const smaFunctions = {
  callControl: { name: 'openline-call-control', module: 'call-control/handler.ts' },
} as const satisfies Record<string, SmaFunctionDefinition>;

export interface ScheduledFunctionDefinition {
  readonly name: string;
  readonly module: string;
  /** On AWS: invoked once a minute with this input (the handler loops inside the minute). */
  readonly awsInput: unknown;
  /** In the local cloud: invoked this often, with this input. */
  readonly localEveryMs: number;
  readonly localInput: unknown;
  /**
   * 'primary': deployed in the primary region only, for work on a global table that one region must do
   * (two regions sweeping the same replicated items would race). Default: every region.
   */
  readonly regions?: 'primary';
}

/** Functions run on a schedule rather than on a request. */
export const scheduledFunctions: readonly ScheduledFunctionDefinition[] = [
  {
    name: 'openline-routing-sweep',
    module: 'dispatcher/sweep.ts',
    awsInput: { loopSeconds: 55 },
    localEveryMs: 1_000,
    localInput: {},
  },
  {
    name: 'openline-webhook-deliveries',
    module: 'webhooks/deliver.ts',
    awsInput: { loopSeconds: 55 },
    localEveryMs: 500,
    localInput: {},
  },
  {
    name: 'openline-signup-worker',
    module: 'signup/worker.ts',
    awsInput: { loopSeconds: 55 },
    localEveryMs: 500,
    localInput: {},
  },
  {
    name: 'openline-recording-retention',
    module: 'recordings/retention.ts',
    awsInput: {},
    // The recordings index is a global table: one region's sweep deletes for all.
    regions: 'primary',
    localEveryMs: 2_000,
    localInput: {},
  },
  {
    name: 'openline-cdr-sweep',
    module: 'cdr/sweep.ts',
    awsInput: { loopSeconds: 55 },
    localEveryMs: 5_000,
    localInput: {},
  },
];

export interface StreamFunctionDefinition {
  readonly name: string;
  readonly module: string;
  /** The table (a key of the resource catalogue's tables) whose stream invokes it. */
  readonly table: 'live';
  readonly batchSize: number;
  /** Retries of a failing batch before it is skipped (and logged). */
  readonly maxRetries: number;
}

/** Functions invoked by a table's stream (a Lambda event source mapping on AWS, a local poller here). */
export const streamFunctions: readonly StreamFunctionDefinition[] = [
  {
    name: 'openline-live-events',
    module: 'live-events/handler.ts',
    table: 'live',
    batchSize: 100,
    maxRetries: 3,
  },
  {
    name: 'openline-webhook-events',
    module: 'webhooks/events.ts',
    table: 'live',
    batchSize: 100,
    maxRetries: 10,
  },
  {
    name: 'openline-cdr-collector',
    module: 'cdr/collect.ts',
    table: 'live',
    batchSize: 100,
    // Kinesis down for a while: keep trying (the CDR sweep sends what is skipped in the end).
    maxRetries: 10,
  },
];

export interface KinesisFunctionDefinition {
  readonly name: string;
  readonly module: string;
  /** The stream (a key of the resource catalogue's streams) whose records invoke it. */
  readonly stream: 'call-events';
  readonly batchSize: number;
  readonly maxRetries: number;
}

/** Functions invoked by a Kinesis stream (an event source mapping on AWS, a local poller here). */
export const kinesisFunctions: readonly KinesisFunctionDefinition[] = [
  {
    name: 'openline-interval-counters',
    module: 'cdr/interval-counters.ts',
    stream: 'call-events',
    batchSize: 100,
    maxRetries: 10,
  },
  {
    name: 'openline-recordings-index',
    module: 'recordings/index-recordings.ts',
    stream: 'call-events',
    batchSize: 100,
    maxRetries: 10,
  },
];

/** Every handler module a deployment runs as a function, once each (several routes may share one). */
export function everyHandlerModule(): string[] {
  return [
    ...new Set(
      [
        ...httpRoutes,
        ...websocketRoutes,
        ...authRoutes,
        ...Object.values(smaFunctions),
        ...scheduledFunctions,
        ...streamFunctions,
        ...kinesisFunctions,
        authorizerFunction,
      ].map((r) => r.module),
    ),
  ];
}
