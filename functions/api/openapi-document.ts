/**
 * The OpenAPI 3.1 document of the HTTP API, served at GET /api/v1/openapi.json. Every operation is described
 * here by hand (what it does, who may call it, what it takes); the request schemas of the documents the API
 * validates (flows, queues, agent profiles, reason codes) are generated from the same zod schemas that
 * validate them. A test holds this list and the route table to each other, and validates the document.
 */
import { z } from 'zod';
import { flowDocumentSchema } from '../../layers/domain/flows/flow-document.ts';
import {
  agentProfileSchema,
  dispositionCodesSchema,
  queueConfigSchema,
  reasonCodesSchema,
} from '../../layers/domain/routing/queue-config.ts';
import { API_SCOPES } from '../../layers/domain/tenancy/api-keys.ts';
import { WEBHOOK_EVENTS } from '../../layers/domain/webhooks/webhooks.ts';
import { httpRoutes } from '../routes.ts';

type Role = 'anyone' | 'member' | 'admin' | 'supervisor' | 'agent';

interface Operation {
  readonly summary: string;
  readonly tag:
    | 'status'
    | 'sign-up'
    | 'flows'
    | 'queues and agents'
    | 'supervision'
    | 'agent desk'
    | 'callbacks'
    | 'reports'
    | 'recordings'
    | 'webhooks';
  /** Who may call it (supervisor routes also take admins; `member`: any signed-in user of the tenant). */
  readonly roles: readonly Role[];
  readonly body?: Record<string, unknown>;
  /** The status of success when it is not 200. */
  readonly success?: number;
  /** Error statuses of an open route (signed-in routes all share theirs). */
  readonly errors?: readonly string[];
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  ...(required.length === 0 ? {} : { required }),
});
const target = {
  oneOf: [
    object({ queueId: { type: 'string' } }, ['queueId']),
    object({ agentId: { type: 'string' } }, ['agentId']),
    object({ number: { type: 'string', description: 'E.164, in the tenant’s country' } }, ['number']),
  ],
};

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  'GET /api/v1/openapi.json': { summary: 'This document', tag: 'status', roles: ['anyone'] },
  'GET /api/v1/status': {
    summary: 'The API’s liveness, version and region',
    tag: 'status',
    roles: ['anyone'],
  },
  'POST /api/v1/signups': {
    summary:
      'Signs a new contact center up: its admin user now, then its tenant, starter flow and queue, and a phone number (follow the returned sign-up until it is live). Needs a proof of work: SHA-256 of `openline-signup|<email>|<issuedAt>|<nonce>` with 16 leading zero bits; 10 sign-ups per network per hour',
    tag: 'sign-up',
    roles: ['anyone'],
    body: object(
      {
        companyName: { type: 'string', minLength: 2, maxLength: 100 },
        email: { type: 'string', format: 'email' },
        password: {
          type: 'string',
          description: '8+ characters with a lowercase, an uppercase, a number and a symbol',
        },
        numberType: { enum: ['local', 'toll-free'], default: 'local' },
        areaCode: {
          type: 'string',
          pattern: '^[2-9]\\d{2}$',
          description: 'local numbers only; absent for any',
        },
        proof: object({ issuedAt: { type: 'integer' }, nonce: { type: 'string' } }, ['issuedAt', 'nonce']),
      },
      ['companyName', 'email', 'password', 'proof'],
    ),
    success: 202,
    errors: ['400', '409', '429'],
  },
  'GET /api/v1/signups/{signupId}': {
    summary:
      'A sign-up’s progress: its steps, its number once live, or why it failed (and that nothing was kept)',
    tag: 'sign-up',
    roles: ['anyone'],
    errors: ['400', '404'],
  },
  'GET /api/v1/me': {
    summary: 'The signed-in user, from its verified token',
    tag: 'status',
    roles: ['member'],
  },
  'GET /api/v1/flows': { summary: 'The tenant’s flows', tag: 'flows', roles: ['admin', 'supervisor'] },
  'POST /api/v1/flows/validate': {
    summary: 'Checks a flow document and lists every problem',
    tag: 'flows',
    roles: ['admin', 'supervisor'],
    body: ref('FlowDocument'),
  },
  'GET /api/v1/flows/{flowId}': {
    summary: 'A flow: its published version and its draft',
    tag: 'flows',
    roles: ['admin', 'supervisor'],
  },
  'PUT /api/v1/flows/{flowId}/draft': {
    summary: 'Saves a valid document as the flow’s draft',
    tag: 'flows',
    roles: ['admin'],
    body: ref('FlowDocument'),
  },
  'POST /api/v1/flows/{flowId}/versions': {
    summary: 'Publishes a document (or the draft) as a new version',
    tag: 'flows',
    roles: ['admin'],
    body: object({ document: ref('FlowDocument') }),
    success: 201,
  },
  'GET /api/v1/flows/{flowId}/versions': {
    summary: 'Every version of a flow, newest first',
    tag: 'flows',
    roles: ['admin', 'supervisor'],
  },
  'GET /api/v1/flows/{flowId}/versions/{version}': {
    summary: 'One version’s document',
    tag: 'flows',
    roles: ['admin', 'supervisor'],
  },
  'POST /api/v1/flows/{flowId}/rollback': {
    summary: 'New calls use an earlier version again',
    tag: 'flows',
    roles: ['admin'],
    body: object({ version: { type: 'integer', minimum: 1 } }, ['version']),
  },
  'GET /api/v1/queues': {
    summary: 'The tenant’s queues',
    tag: 'queues and agents',
    roles: ['admin', 'supervisor'],
  },
  'PUT /api/v1/queues/{queueId}': {
    summary: 'Creates or replaces a queue',
    tag: 'queues and agents',
    roles: ['admin'],
    body: ref('QueueConfig'),
  },
  'PUT /api/v1/agents/{agentId}': {
    summary: 'Creates or replaces an agent’s profile (skills, queues)',
    tag: 'queues and agents',
    roles: ['admin'],
    body: ref('AgentProfile'),
  },
  'GET /api/v1/disposition-codes': {
    summary: 'The tenant’s disposition codes (how agents sum calls up at wrap-up)',
    tag: 'queues and agents',
    roles: ['member'],
  },
  'PUT /api/v1/disposition-codes': {
    summary: 'Replaces the tenant’s disposition codes; wrap-up then accepts only these (and none)',
    tag: 'queues and agents',
    roles: ['admin'],
    body: ref('DispositionCodes'),
  },
  'GET /api/v1/reason-codes': {
    summary: 'The tenant’s not-ready reason codes',
    tag: 'queues and agents',
    roles: ['member'],
  },
  'PUT /api/v1/reason-codes': {
    summary: 'Replaces the tenant’s not-ready reason codes',
    tag: 'queues and agents',
    roles: ['admin'],
    body: ref('ReasonCodes'),
  },
  'GET /api/v1/numbers': {
    summary: 'The tenant’s phone numbers, the flow each runs, and how many it may hold',
    tag: 'queues and agents',
    roles: ['admin', 'supervisor'],
  },
  'POST /api/v1/numbers': {
    summary:
      'Orders another number (search, order, SIP rule to every region), routed to the main flow once live; follow the returned order',
    tag: 'queues and agents',
    roles: ['admin'],
    body: object({
      numberType: { enum: ['local', 'toll-free'], default: 'local' },
      areaCode: { type: 'string', pattern: '^[2-9]\\d{2}$' },
    }),
    success: 202,
  },
  'GET /api/v1/numbers/orders/{orderId}': {
    summary: 'A number order’s progress, its number once live, or why it failed (nothing kept)',
    tag: 'queues and agents',
    roles: ['admin', 'supervisor'],
  },
  'DELETE /api/v1/numbers/{number}': {
    summary:
      'Releases one of the tenant’s numbers (E.164, + as %2B): its calls stop reaching the tenant at once',
    tag: 'queues and agents',
    roles: ['admin'],
  },
  'GET /api/v1/users': {
    summary: 'The tenant’s users and their roles',
    tag: 'queues and agents',
    roles: ['admin'],
  },
  'POST /api/v1/users': {
    summary:
      'Invites a user with roles: made with a temporary password (in the answer, and emailed on AWS), replaced at the first sign-in',
    tag: 'queues and agents',
    roles: ['admin'],
    body: object(
      {
        email: { type: 'string', format: 'email' },
        groups: { type: 'array', items: { enum: ['admin', 'supervisor', 'agent'] }, minItems: 1 },
      },
      ['email', 'groups'],
    ),
    success: 201,
  },
  'PUT /api/v1/users/{userId}/groups': {
    summary: 'Sets a user’s roles (never an admin’s own)',
    tag: 'queues and agents',
    roles: ['admin'],
    body: object(
      { groups: { type: 'array', items: { enum: ['admin', 'supervisor', 'agent'] }, minItems: 1 } },
      ['groups'],
    ),
  },
  'DELETE /api/v1/users/{userId}': {
    summary: 'Removes a user from the contact center (never oneself)',
    tag: 'queues and agents',
    roles: ['admin'],
  },
  'GET /api/v1/api-keys': {
    summary: 'The tenant’s API keys: id, name, scopes, when and by whom (never the secret); and every scope',
    tag: 'queues and agents',
    roles: ['admin'],
  },
  'POST /api/v1/api-keys': {
    summary: 'Makes an API key with scopes; the key (olk_…) is in this answer only. At most 20 keys',
    tag: 'queues and agents',
    roles: ['admin'],
    body: object(
      {
        name: { type: 'string', maxLength: 80 },
        scopes: { type: 'array', items: { enum: [...API_SCOPES] }, minItems: 1 },
      },
      ['name', 'scopes'],
    ),
    success: 201,
  },
  'DELETE /api/v1/api-keys/{keyId}': {
    summary: 'Revokes an API key: it stops working at once',
    tag: 'queues and agents',
    roles: ['admin'],
  },
  'GET /api/v1/webhooks': {
    summary: 'The tenant’s webhook endpoints and the events each takes (never the secret)',
    tag: 'webhooks',
    roles: ['admin'],
  },
  'POST /api/v1/webhooks': {
    summary:
      'Adds an endpoint for call events (signed POSTs: Openline-Signature t=<unix>,v1=<HMAC-SHA256 of "t.body">; retried with backoff for about ten hours). The first endpoint’s answer carries the secret',
    tag: 'webhooks',
    roles: ['admin'],
    body: object(
      {
        url: { type: 'string', format: 'uri', maxLength: 500 },
        events: { type: 'array', items: { enum: [...WEBHOOK_EVENTS] }, minItems: 1 },
        description: { type: 'string', maxLength: 200 },
      },
      ['url', 'events'],
    ),
    success: 201,
  },
  'DELETE /api/v1/webhooks/{webhookId}': {
    summary: 'Removes a webhook endpoint',
    tag: 'webhooks',
    roles: ['admin'],
  },
  'GET /api/v1/webhooks/{webhookId}/deliveries': {
    summary: 'An endpoint’s delivery log, newest first: event, status, attempts, last answer, next attempt',
    tag: 'webhooks',
    roles: ['admin'],
  },
  'POST /api/v1/webhooks/secret': {
    summary: 'Rotates the tenant’s webhook signing secret; the new one is in this answer only',
    tag: 'webhooks',
    roles: ['admin'],
  },
  'GET /api/v1/extensions': {
    summary:
      'The platform’s shared access number and the tenant’s extension codes on it: a caller dials the number, keys a code and reaches the code’s flow',
    tag: 'queues and agents',
    roles: ['admin', 'supervisor'],
  },
  'POST /api/v1/extensions': {
    summary: 'Claims a fresh six-digit extension code for one of the tenant’s published flows (at most five)',
    tag: 'queues and agents',
    roles: ['admin'],
    body: object({ flowId: { type: 'string', default: 'main' } }),
    success: 201,
  },
  'DELETE /api/v1/extensions/{code}': {
    summary: 'Gives one of the tenant’s extension codes back',
    tag: 'queues and agents',
    roles: ['admin'],
  },
  'GET /api/v1/agents': {
    summary:
      'The tenant’s agent profiles (name, skills with levels, queues with priorities) and its agent limit',
    tag: 'queues and agents',
    roles: ['admin', 'supervisor'],
  },
  'GET /api/v1/wallboard': {
    summary: 'Queues and agents now: waiting, longest wait, service level, abandoned, states',
    tag: 'supervision',
    roles: ['supervisor'],
  },
  'PUT /api/v1/agents/{agentId}/state': {
    summary: 'Sets an agent ready, not ready, or logs it out',
    tag: 'supervision',
    roles: ['supervisor'],
    body: object({ status: { enum: ['available', 'not-ready', 'offline'] }, reason: { type: 'string' } }, [
      'status',
    ]),
  },
  'POST /api/v1/agents/{agentId}/monitor': {
    summary: 'Listens to, whispers to or barges into an agent’s call: a seat in its meeting',
    tag: 'supervision',
    roles: ['supervisor'],
    body: object({ mode: { enum: ['listen', 'whisper', 'barge'] } }, ['mode']),
  },
  'DELETE /api/v1/agents/{agentId}/monitor': {
    summary: 'Stops monitoring (and ends a whisper’s coaching meeting: `coachMeetingId` query parameter)',
    tag: 'supervision',
    roles: ['supervisor'],
  },
  'GET /api/v1/callbacks': {
    summary: 'Callers who asked to be called back',
    tag: 'callbacks',
    roles: ['supervisor'],
  },
  'GET /api/v1/reports': {
    summary: 'The named reports over the call detail records (the same queries analysts run in Athena)',
    tag: 'reports',
    roles: ['supervisor'],
  },
  'GET /api/v1/reports/{name}': {
    summary:
      'Runs a named report over the tenant’s calls of local dates `from`..`to` (query parameters, yyyy-mm-dd, at most 3 years): columns and rows, one row per call in the figures however often the stream delivered it',
    tag: 'reports',
    roles: ['supervisor'],
  },
  'GET /api/v1/recordings': {
    summary:
      'Searches the tenant’s call recordings, newest first: `from`/`to` (ISO times; a day back by default), `agentId`, `caller`, `queueId`, `customerId`, `disposition`, `limit` (1-200)',
    tag: 'recordings',
    roles: ['supervisor'],
  },
  'GET /api/v1/recordings/{callId}': {
    summary: 'A recording’s details and a link that plays it for five minutes',
    tag: 'recordings',
    roles: ['supervisor'],
  },
  'PUT /api/v1/recordings/{callId}/legal-hold': {
    summary: 'Keeps a recording past its retention (`hold: true`) until the hold is taken off',
    tag: 'recordings',
    roles: ['admin'],
    body: object({ hold: { type: 'boolean' } }, ['hold']),
  },
  'GET /api/v1/recording-settings': {
    summary: 'How many months the tenant keeps call recordings',
    tag: 'recordings',
    roles: ['supervisor'],
  },
  'PUT /api/v1/recording-settings': {
    summary: 'Sets how many months recordings made from now on are kept (1-120; 14 by default)',
    tag: 'recordings',
    roles: ['admin'],
    body: object({ months: { type: 'integer', minimum: 1, maximum: 120 } }, ['months']),
  },
  'GET /api/v1/counters/today': {
    summary:
      'Today’s real-time counters (the tenant’s local day): calls, answered, abandoned, service level and speed of answer per queue and 15-minute interval',
    tag: 'reports',
    roles: ['supervisor'],
  },
  'POST /api/v1/agent/session': {
    summary: 'Logs the agent in; returns its media session',
    tag: 'agent desk',
    roles: ['agent'],
  },
  'DELETE /api/v1/agent/session': { summary: 'Logs the agent out', tag: 'agent desk', roles: ['agent'] },
  'GET /api/v1/agent/state': { summary: 'The agent’s state', tag: 'agent desk', roles: ['agent'] },
  'PUT /api/v1/agent/state': {
    summary: 'Ready, or not ready with a reason code',
    tag: 'agent desk',
    roles: ['agent'],
    body: object({ status: { enum: ['available', 'not-ready'] }, reason: { type: 'string' } }, ['status']),
  },
  'POST /api/v1/agent/calls': {
    summary: 'Calls a number out, from one of the tenant’s numbers',
    tag: 'agent desk',
    roles: ['agent'],
    body: object({ to: { type: 'string' }, from: { type: 'string' } }, ['to']),
    success: 201,
  },
  'GET /api/v1/agent/calls': { summary: 'The agent’s recent calls', tag: 'agent desk', roles: ['agent'] },
  'GET /api/v1/agent/calls/{callId}': {
    summary: 'The screen pop of the agent’s own call',
    tag: 'agent desk',
    roles: ['agent'],
  },
  'POST /api/v1/agent/calls/{callId}/accept': {
    summary: 'Accepts an offer',
    tag: 'agent desk',
    roles: ['agent'],
  },
  'POST /api/v1/agent/calls/{callId}/decline': {
    summary: 'Declines an offer',
    tag: 'agent desk',
    roles: ['agent'],
  },
  'POST /api/v1/agent/call/hangup': {
    summary: 'Hangs up (a consulted agent leaves the consultation)',
    tag: 'agent desk',
    roles: ['agent'],
    success: 202,
  },
  'POST /api/v1/agent/call/hold': { summary: 'Puts the caller on hold', tag: 'agent desk', roles: ['agent'] },
  'POST /api/v1/agent/call/resume': {
    summary: 'Takes the caller off hold',
    tag: 'agent desk',
    roles: ['agent'],
  },
  'PUT /api/v1/agent/call/mute': {
    summary: 'Mutes or unmutes the agent for the caller',
    tag: 'agent desk',
    roles: ['agent'],
    body: object({ muted: { type: 'boolean' } }, ['muted']),
  },
  'POST /api/v1/agent/call/digits': {
    summary: 'Plays DTMF tones to the other party',
    tag: 'agent desk',
    roles: ['agent'],
    body: object({ digits: { type: 'string', pattern: '^[0-9A-D*#,]{1,50}$' } }, ['digits']),
  },
  'POST /api/v1/agent/call/transfer': {
    summary: 'Blind transfer to a queue, an agent or a number',
    tag: 'agent desk',
    roles: ['agent'],
    body: object({ to: target }, ['to']),
  },
  'POST /api/v1/agent/call/consult': {
    summary: 'Consults an agent, a queue’s free agent or a number while the caller holds',
    tag: 'agent desk',
    roles: ['agent'],
    body: object({ to: target }, ['to']),
  },
  'DELETE /api/v1/agent/call/consult': {
    summary: 'Ends the consultation',
    tag: 'agent desk',
    roles: ['agent'],
  },
  'POST /api/v1/agent/call/conference': {
    summary: 'The caller joins the consultation',
    tag: 'agent desk',
    roles: ['agent'],
  },
  'POST /api/v1/agent/call/transfer/complete': {
    summary: 'Completes a warm transfer',
    tag: 'agent desk',
    roles: ['agent'],
  },
  'POST /api/v1/agent/call/recording': {
    summary:
      'Pauses the call’s recording while the caller reads a card number (`paused: false` resumes it); the pauses show in the call’s detail record',
    tag: 'agent desk',
    roles: ['agent'],
    body: object({ paused: { type: 'boolean' } }, ['paused']),
  },
  'POST /api/v1/agent/wrap-up': {
    summary: 'Ends after-call work with a disposition',
    tag: 'agent desk',
    roles: ['agent'],
    body: object({ code: { type: 'string' }, notes: { type: 'string', maxLength: 2000 } }),
  },
};

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
};

export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of httpRoutes) {
    const [method, path] = route.routeKey.split(' ') as [string, string];
    const operation = OPERATIONS[route.routeKey];
    if (operation === undefined)
      throw new Error(`${route.routeKey} is not described in the OpenAPI document`);
    const parameters = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string', maxLength: 64 },
    }));
    const success = String(operation.success ?? 200);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[method.toLowerCase()] = {
      operationId: route.module.replace(/\.ts$/, '').replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()),
      summary: operation.summary,
      tags: [operation.tag],
      description: `Who: ${operation.roles.join(', ')}${route.scope === undefined ? '' : `; or an API key with the scope \`${route.scope}\``}.`,
      security: securityOf(route),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(operation.body === undefined
        ? {}
        : { requestBody: { required: true, content: { 'application/json': { schema: operation.body } } } }),
      responses: {
        [success]: { description: 'Done', content: { 'application/json': { schema: { type: 'object' } } } },
        ...Object.fromEntries(
          (route.auth !== 'none'
            ? ['400', '401', '403', '404', '409', '429']
            : (operation.errors ?? ['400'])
          ).map((status) => [
            status,
            { description: ERRORS[status], content: { 'application/json': { schema: ref('Error') } } },
          ]),
        ),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Openline API',
      version,
      description:
        'The contact center’s HTTP API. Every tenant-scoped route takes the tenant from the caller’s verified ID token, never from the request. Live events arrive over the WebSocket API (`/ws?token=…`).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        idToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'olk_<key id>_<secret>',
          description: 'A tenant API key (POST /api/v1/api-keys), acting within its scopes',
        },
      },
      schemas: {
        Error: object(
          {
            error: { type: 'string' },
            message: { type: 'string' },
            problems: {
              type: 'array',
              items: object({ path: { type: 'string' }, message: { type: 'string' } }),
            },
          },
          ['message'],
        ),
        FlowDocument: jsonSchema(flowDocumentSchema),
        QueueConfig: jsonSchema(queueConfigSchema),
        AgentProfile: jsonSchema(agentProfileSchema),
        ReasonCodes: jsonSchema(reasonCodesSchema),
        DispositionCodes: jsonSchema(dispositionCodesSchema),
      },
    },
  };
}

/** Who may call a route: nobody signed in, a user's ID token, or either of a token and an API key. */
export function securityOf(route: { auth: 'none' | 'jwt' | 'jwt-or-key'; scope?: string }): unknown[] {
  if (route.auth === 'none') return [];
  if (route.auth === 'jwt') return [{ idToken: [] }];
  return [{ idToken: [] }, { apiKey: [route.scope ?? ''] }];
}

const ERRORS: Record<string, string> = {
  '400': 'The request is not valid: the message (and `problems`) say why; nothing changed',
  '401': 'No valid ID token',
  '403': 'The caller’s role may not do this',
  '404': 'Not found in the caller’s tenant',
  '409': 'The state does not allow it now: the message says what does',
  '429': 'The tenant is over its API request rate: retry after the seconds in Retry-After',
};
