/**
 * Webhooks: a tenant's endpoints receive its call events (offered, answered, ended, recording ready) as
 * signed JSON POSTs, retried with backoff until they are taken, each delivery logged. Pure rules here:
 * which events a call record's change makes (each with a stable id, so a redelivered stream record makes
 * the same event and is delivered once), the endpoint's validation, the retry schedule and the signature.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { TenantId } from '../tenancy/ids.ts';
import { parseOrThrow } from '../validation.ts';

export const WEBHOOK_EVENTS = ['call.offered', 'call.answered', 'call.ended', 'recording.ready'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** Endpoints one tenant may have. */
export const MAX_WEBHOOKS = 10;
/** Seconds before each retry: about ten hours in all, then the delivery is given up (and logged). */
export const RETRY_DELAYS_S = [2, 10, 60, 300, 1_800, 3_600, 10_800, 21_600] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_S.length + 1;

export function parseWebhookEndpoint(input: unknown, plainHttpHosts: readonly string[]) {
  const schema = z.strictObject({
    url: z
      .string()
      .max(500, 'url must have at most 500 characters')
      .refine((value) => {
        try {
          const url = new URL(value);
          if (url.username !== '' || url.password !== '') return false;
          return (
            url.protocol === 'https:' || (url.protocol === 'http:' && plainHttpHosts.includes(url.hostname))
          );
        } catch {
          return false;
        }
      }, 'url must be an https URL (without user name or password)'),
    events: z
      .array(z.enum(WEBHOOK_EVENTS, { message: `each event must be one of ${WEBHOOK_EVENTS.join(', ')}` }))
      .min(1, 'events must name at least one event')
      .max(WEBHOOK_EVENTS.length)
      .transform((events) => WEBHOOK_EVENTS.filter((e) => events.includes(e))),
    description: z
      .string()
      .max(200, 'description must have at most 200 characters')
      .refine((v) => !/[\p{Cc}<>]/u.test(v), 'description must not contain control characters, < or >')
      .default(''),
  });
  return parseOrThrow(schema, input, 'webhook');
}
export type WebhookEndpointInput = ReturnType<typeof parseWebhookEndpoint>;

/** What a call record holds that webhooks tell (the rest of the record stays inside). */
export interface CallRecordImage {
  readonly callId: string;
  readonly status?: string;
  readonly caller?: string;
  readonly dialled?: string;
  readonly startedAt?: string;
  readonly answeredAt?: string;
  readonly endedAt?: string;
  readonly endReason?: string;
  readonly recording?: string;
  readonly queue?: { readonly id?: string };
  readonly routing?: {
    readonly state?: string;
    readonly agentId?: string;
    readonly version?: number;
    readonly entry?: { readonly queueId?: string };
    readonly timeline?: { readonly offeredAt?: string };
  };
}

export interface WebhookEvent {
  /** Stable for the same happening: the delivery's identity and the receiver's de-duplication key. */
  readonly id: string;
  readonly type: WebhookEventType;
  readonly tenantId: TenantId;
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, string>>;
}

/** The events a change of a call record makes (none for most changes). */
export function callWebhookEvents(
  tenant: TenantId,
  before: CallRecordImage | undefined,
  after: CallRecordImage | undefined,
  now: string,
): WebhookEvent[] {
  if (after === undefined) return [];
  const data = callData(after);
  const events: WebhookEvent[] = [];
  const event = (type: WebhookEventType, key: string, occurredAt: string | undefined) =>
    events.push({
      id: `${after.callId}.${key}`,
      type,
      tenantId: tenant,
      occurredAt: occurredAt ?? now,
      data,
    });
  const offered = after.routing?.state === 'offered';
  const newOffer =
    offered &&
    (before?.routing?.state !== 'offered' ||
      before.routing.agentId !== after.routing?.agentId ||
      before.routing.version !== after.routing?.version);
  if (newOffer)
    event('call.offered', `offered.${after.routing?.version ?? 0}`, after.routing?.timeline?.offeredAt);
  if (after.answeredAt !== undefined && before?.answeredAt === undefined)
    event('call.answered', 'answered', after.answeredAt);
  const ended = after.status === 'ended' && before?.status !== 'ended';
  if (ended) event('call.ended', 'ended', after.endedAt);
  const recorded = after.status === 'ended' && after.recording !== undefined;
  if (recorded && (before?.status !== 'ended' || before.recording === undefined))
    event('recording.ready', 'recording', after.endedAt);
  return events;
}

function callData(call: CallRecordImage): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    callId: call.callId,
    status: call.status,
    caller: call.caller,
    dialled: call.dialled,
    queueId: call.routing?.entry?.queueId ?? call.queue?.id,
    agentId: call.routing?.agentId,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    endReason: call.endReason,
    recording: call.recording,
  };
  return Object.fromEntries(
    Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** The delay before attempt `attempts + 1`, or undefined when the delivery is given up. */
export function retryDelaySeconds(attempts: number): number | undefined {
  return RETRY_DELAYS_S[attempts - 1];
}

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * `Openline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver recomputes it
 * with the tenant's secret and refuses old timestamps (replays).
 */
export function signatureHeader(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}
