/**
 * Key builders for every item Openline stores. Every item that belongs to a tenant has a partition key
 * that is exactly `T#<tenant>` or starts with `T#<tenant>#`, so a key built for one tenant can never
 * address another tenant's items. The only keys without a tenant are the directories that find the tenant
 * in the first place (a dialled number, a sign-in email, an API key hash, a WebSocket connection id); they
 * hold nothing but the ids they point to. See ./ACCESS-PATTERNS.md.
 */
import type { TenantId } from '../domain/tenancy/ids.ts';

export interface Key {
  readonly pk: string;
  readonly sk: string;
}

const t = (tenant: TenantId): string => `T#${tenant}`;
/** Zero-padded so that versions sort as numbers. */
const version = (v: number): string => String(v).padStart(6, '0');
/** Higher priority sorts first: priorities are 0-999, stored inverted. */
const invertedPriority = (p: number): string => String(999 - p).padStart(3, '0');

/** Items in the `config` table (global). */
export const configKeys = {
  tenant: (tenant: TenantId): Key => ({ pk: t(tenant), sk: 'TENANT' }),
  phoneNumber: (tenant: TenantId, e164: string): Key => ({ pk: t(tenant), sk: `NUMBER#${e164}` }),
  user: (tenant: TenantId, userId: string): Key => ({ pk: t(tenant), sk: `USER#${userId}` }),
  /** One small item per flow (name, last change): lists a tenant's flows without reading their versions. */
  flow: (tenant: TenantId, flowId: string): Key => ({ pk: t(tenant), sk: `FLOWS#${flowId}` }),
  flowDraft: (tenant: TenantId, flowId: string): Key => ({ pk: t(tenant), sk: `FLOW#${flowId}#DRAFT` }),
  flowVersion: (tenant: TenantId, flowId: string, v: number): Key => ({
    pk: t(tenant),
    sk: `FLOW#${flowId}#V#${version(v)}`,
  }),
  flowVersionsPrefix: (flowId: string): string => `FLOW#${flowId}#V#`,
  /** Points at the published version; calls read it, publish and roll back swap it conditionally. */
  flowPublished: (tenant: TenantId, flowId: string): Key => ({
    pk: t(tenant),
    sk: `FLOW#${flowId}#PUBLISHED`,
  }),
  queue: (tenant: TenantId, queueId: string): Key => ({ pk: t(tenant), sk: `QUEUE#${queueId}` }),
  agentProfile: (tenant: TenantId, agentId: string): Key => ({ pk: t(tenant), sk: `AGENT#${agentId}` }),
  reasonCodes: (tenant: TenantId): Key => ({ pk: t(tenant), sk: 'REASON_CODES' }),
  /** One item per (queue, agent): lists a queue's members with one sk-prefix Query. */
  queueMember: (tenant: TenantId, queueId: string, agentId: string): Key => ({
    pk: t(tenant),
    sk: `QUEUE#${queueId}#MEMBER#${agentId}`,
  }),
  businessHours: (tenant: TenantId, hoursId: string): Key => ({ pk: t(tenant), sk: `HOURS#${hoursId}` }),
  codes: (tenant: TenantId, kind: 'disposition' | 'not-ready'): Key => ({
    pk: t(tenant),
    sk: `CODES#${kind}`,
  }),
  apiKey: (tenant: TenantId, keyId: string): Key => ({ pk: t(tenant), sk: `APIKEY#${keyId}` }),
  webhook: (tenant: TenantId, webhookId: string): Key => ({ pk: t(tenant), sk: `WEBHOOK#${webhookId}` }),
  /** The tenant's webhook signing secret (one for all its endpoints; rotated on demand). */
  webhookSecret: (tenant: TenantId): Key => ({ pk: t(tenant), sk: 'WEBHOOK_SECRET' }),
  limits: (tenant: TenantId): Key => ({ pk: t(tenant), sk: 'LIMITS' }),
  /** How long the tenant keeps call recordings. */
  recordingSettings: (tenant: TenantId): Key => ({ pk: t(tenant), sk: 'RECORDING_SETTINGS' }),
  /** What the tenant holds against its limits (agent profiles), counted as they are created. */
  usage: (tenant: TenantId): Key => ({ pk: t(tenant), sk: 'USAGE' }),
  /** The tenant's side of an extension code on a shared access number (lists its codes). */
  extension: (tenant: TenantId, accessNumber: string, code: string): Key => ({
    pk: t(tenant),
    sk: `EXT#${accessNumber}#${code}`,
  }),

  /** Directories: the entry points that find a tenant. Written in the same transaction as the owner item. */
  numberDirectory: (e164: string): Key => ({ pk: `DIR#NUMBER#${e164}`, sk: 'DIR' }),
  emailDirectory: (email: string): Key => ({ pk: `DIR#EMAIL#${email.trim().toLowerCase()}`, sk: 'DIR' }),
  apiKeyDirectory: (keyHash: string): Key => ({ pk: `DIR#APIKEY#${keyHash}`, sk: 'DIR' }),
  /**
   * The platform's SIP media application of one deployed region, with its priority (1 = primary): together
   * the targets of every tenant number's SIP rule. Each region's deployment writes its own (a custom
   * resource on AWS, `npm start` locally) into the global table, so no stack needs another region's ids.
   */
  platformSipTarget: (priority: number, region: string): Key => ({
    pk: 'PLATFORM#SIP_TARGETS',
    sk: `${String(priority).padStart(2, '0')}#${region}`,
  }),
  platformSipTargets: (): Pick<Key, 'pk'> => ({ pk: 'PLATFORM#SIP_TARGETS' }),
  /** The platform's shared access number, where tenants claim extension codes. */
  platformAccessNumber: (): Key => ({ pk: 'PLATFORM', sk: 'ACCESS_NUMBER' }),
  /** Shared access number (marketplaces): extension code → tenant. */
  extensionDirectory: (accessNumber: string, code: string): Key => ({
    pk: `DIR#EXT#${accessNumber}`,
    sk: `CODE#${code}`,
  }),
} as const;

/** Items in the `live` table (regional). */
export const liveKeys = {
  agentState: (tenant: TenantId, agentId: string): Key => ({
    pk: `${t(tenant)}#AGENT#${agentId}`,
    sk: 'STATE',
  }),
  /** GSI1 entry on agent-state items: the wallboard lists a tenant's agents with one Query. */
  agentStateIndex: (tenant: TenantId, agentId: string) => ({
    gsi1pk: `${t(tenant)}#AGENTS`,
    gsi1sk: agentId,
  }),
  /** A call the agent answered, in the agent's partition (its recent calls, newest last; TTL). */
  agentCallLog: (tenant: TenantId, agentId: string, answeredAt: string, callId: string): Key => ({
    pk: `${t(tenant)}#AGENT#${agentId}`,
    sk: `CALL#${answeredAt}#${callId}`,
  }),
  /** An agent's open WebSocket connections (several tabs or devices). */
  agentConnection: (tenant: TenantId, agentId: string, connectionId: string): Key => ({
    pk: `${t(tenant)}#AGENT#${agentId}`,
    sk: `CONN#${connectionId}`,
  }),
  supervisorConnection: (tenant: TenantId, connectionId: string): Key => ({
    pk: `${t(tenant)}#SUPERVISORS`,
    sk: `CONN#${connectionId}`,
  }),
  /** $disconnect carries only the connection id: this finds the tenant and user. */
  connectionDirectory: (connectionId: string): Key => ({ pk: `DIR#CONN#${connectionId}`, sk: 'DIR' }),

  /** Availability hint: sorted by the queue strategy's rank key, so the best agent is the first item. */
  availability: (tenant: TenantId, queueId: string, rankKey: string, agentId: string): Key => ({
    pk: `${t(tenant)}#Q#${queueId}#AVAIL`,
    sk: `${rankKey}#${agentId}`,
  }),
  availabilityPartition: (tenant: TenantId, queueId: string): string => `${t(tenant)}#Q#${queueId}#AVAIL`,
  /** Queue entry: higher priority first, then oldest first. */
  queueEntry: (
    tenant: TenantId,
    queueId: string,
    priority: number,
    enqueuedAt: string,
    callId: string,
  ): Key => ({
    pk: `${t(tenant)}#Q#${queueId}#WAIT`,
    sk: `${invertedPriority(priority)}#${enqueuedAt}#${callId}`,
  }),
  queueEntriesPartition: (tenant: TenantId, queueId: string): string => `${t(tenant)}#Q#${queueId}#WAIT`,

  call: (tenant: TenantId, callId: string): Key => ({ pk: `${t(tenant)}#CALL#${callId}`, sk: 'STATE' }),
  /** GSI1 entry while a call is live (removed when it ends): the wallboard's active calls, oldest first. */
  activeCallIndex: (tenant: TenantId, startedAt: string, callId: string) => ({
    gsi1pk: `${t(tenant)}#CALLS#ACTIVE`,
    gsi1sk: `${startedAt}#${callId}`,
  }),
  /**
   * A customer's calls with the tenant, newest last (the screen pop): a small item written once when the
   * call starts — not an index on the call record, which changes a dozen times a call.
   */
  callerHistory: (tenant: TenantId, caller: string, startedAt: string, callId: string): Key => ({
    pk: `${t(tenant)}#CALLER#${caller}`,
    sk: `${startedAt}#${callId}`,
  }),
  /** A caller's request to be called back (a queue's callback overflow), newest last. */
  callbackRequest: (tenant: TenantId, requestedAt: string, callId: string): Key => ({
    pk: `${t(tenant)}#CALLBACKS`,
    sk: `${requestedAt}#${callId}`,
  }),
  /**
   * GSI2 entry on an ended call until its detail record is out: the CDR sweep finds records the stream
   * did not send (Kinesis down, an agent who never finished wrap-up), one Query per minute bucket.
   */
  cdrDueIndex: (tenant: TenantId, callId: string, dueAt: string) => ({
    gsi2pk: `CDRDUE#${dueAt.slice(0, 16)}`,
    gsi2sk: `${dueAt}#${tenant}#${callId}`,
  }),
  cdrDueBucket: (minute: string): string => `CDRDUE#${minute.slice(0, 16)}`,
  /** The CDR sweep's progress: the last minute bucket it finished (it never skips one). */
  cdrSweepCursor: { pk: 'SWEEP#CDR', sk: 'CURSOR' } as Key,
  /** Marks a call counted in the stream-fed interval counters (a redelivered CDR counts once). */
  countedCall: (tenant: TenantId, callId: string): Key => ({
    pk: `${t(tenant)}#CALL#${callId}`,
    sk: 'COUNTED',
  }),
  /** Stream-fed counters per queue and 15-minute interval (`HHMM`) of the tenant's local day. */
  intervalCounters: (tenant: TenantId, localDay: string, queueId: string, interval: string): Key => ({
    pk: `${t(tenant)}#CDRCOUNT#${localDay}`,
    sk: `Q#${queueId}#${interval}`,
  }),
  intervalCountersPartition: (tenant: TenantId, localDay: string): string =>
    `${t(tenant)}#CDRCOUNT#${localDay}`,
  /** One SMA invocation handled: the stored response is returned again for a duplicate. */
  smaInvocation: (tenant: TenantId, callId: string, invocationKey: string): Key => ({
    pk: `${t(tenant)}#CALL#${callId}`,
    sk: `INVOCATION#${invocationKey}`,
  }),

  /**
   * GSI2 entry on an agent-state item while the state has a deadline (an offer ringing, wrap-up with a
   * time limit): the sweeper finds what is due with one Query per minute bucket, whatever the tenant.
   */
  agentDeadlineIndex: (tenant: TenantId, agentId: string, dueAt: string) => ({
    gsi2pk: `DEADLINE#${dueAt.slice(0, 16)}`,
    gsi2sk: `${dueAt}#${tenant}#${agentId}`,
  }),
  deadlineBucket: (minute: string): string => `DEADLINE#${minute.slice(0, 16)}`,
  /**
   * GSI2 entry on a queue entry: when the waiting caller is next due an announcement, or to overflow
   * (the earlier). The sweeper finds due callers with one Query per minute bucket, whatever the tenant.
   */
  waitDueIndex: (tenant: TenantId, callId: string, dueAt: string) => ({
    gsi2pk: `WAITDUE#${dueAt.slice(0, 16)}`,
    gsi2sk: `${dueAt}#${tenant}#${callId}`,
  }),
  waitDueBucket: (minute: string): string => `WAITDUE#${minute.slice(0, 16)}`,
  /** Queues that had callers recently: the sweeper runs an assignment round for each (a safety net). */
  activeQueue: (tenant: TenantId, queueId: string): Key => ({
    pk: 'SWEEP#QUEUES',
    sk: `${tenant}#${queueId}`,
  }),
  activeQueuesPartition: 'SWEEP#QUEUES',

  /** Generic idempotency record (API Idempotency-Key, Kinesis record ids applied to counters, webhooks). */
  idempotency: (tenant: TenantId, scope: string, key: string): Key => ({
    pk: `${t(tenant)}#IDEM#${scope}`,
    sk: key,
  }),
  /** Real-time counters per queue and minute (`HHMM`, UTC) of the day. */
  counters: (tenant: TenantId, day: string, queueId: string, interval: string): Key => ({
    pk: `${t(tenant)}#COUNTERS#${day}`,
    sk: `Q#${queueId}#${interval}`,
  }),
  /** Calls an agent answered in a day (UTC): the wallboard's "calls today". */
  agentDayCounter: (tenant: TenantId, day: string, agentId: string): Key => ({
    pk: `${t(tenant)}#COUNTERS#${day}`,
    sk: `A#${agentId}`,
  }),
  /**
   * One shard of the tenant's count of calls in progress (the limit is split across the shards, so the
   * transactions of calls starting and ending at once rarely meet on one item).
   */
  concurrentCalls: (tenant: TenantId, shard: number): Key => ({
    pk: `${t(tenant)}#LIMITS`,
    sk: `CALLS#${shard}`,
  }),
  concurrentCallsPrefix: 'CALLS#',
  /** The tenant's one number order in progress (another waits until it is done). */
  numberOrderSlot: (tenant: TenantId): Key => ({ pk: `${t(tenant)}#LIMITS`, sk: 'NUMBER_ORDER' }),
  tenantRateWindow: (tenant: TenantId, bucket: string, window: string): Key => ({
    pk: `${t(tenant)}#RATE#${bucket}`,
    sk: window,
  }),
  /** A sign-up's provisioning job (regional: one region's worker owns it); whoever holds the id reads it. */
  signup: (signupId: string): Key => ({ pk: `SIGNUP#${signupId}`, sk: 'JOB' }),
  /** Sparse GSI1 entry on an unfinished sign-up: the worker's list of work. */
  openSignupIndex: (createdAt: string, signupId: string) => ({
    gsi1pk: 'SIGNUP#OPEN',
    gsi1sk: `${createdAt}#${signupId}`,
  }),
  openSignupsPartition: 'SIGNUP#OPEN',
  /** One delivery of one event to one webhook endpoint (its id is the event's: made once per event). */
  webhookDelivery: (tenant: TenantId, webhookId: string, eventId: string): Key => ({
    pk: `${t(tenant)}#WEBHOOK#${webhookId}`,
    sk: `DELIVERY#${eventId}`,
  }),
  /** GSI1 entry of a delivery: the endpoint's delivery log, newest first. */
  webhookLogIndex: (tenant: TenantId, webhookId: string, createdAt: string, eventId: string) => ({
    gsi1pk: `${t(tenant)}#WEBHOOK#${webhookId}#LOG`,
    gsi1sk: `${createdAt}#${eventId}`,
  }),
  /** Sparse GSI2 entry of a delivery still to be attempted, by when. */
  webhookDueIndex: (dueAt: string, tenant: TenantId, webhookId: string, eventId: string) => ({
    gsi2pk: 'WEBHOOK#DUE',
    gsi2sk: `${dueAt}#${tenant}#${webhookId}#${eventId}`,
  }),
  webhookDuePartition: 'WEBHOOK#DUE',
  /**
   * A call on the shared access number → the tenant its code led to, written before the tenant's flow
   * starts: a hang-up that still carries the access state finds the call's record through it.
   */
  accessCallDirectory: (callId: string): Key => ({ pk: `DIR#ACCESSCALL#${callId}`, sk: 'DIR' }),
  /** Sign-up rate limit per client address hash: there is no tenant yet. */
  signupRateWindow: (clientHash: string, window: string): Key => ({
    pk: `RATE#SIGNUP#${clientHash}`,
    sk: window,
  }),
} as const;

/** Items in the `recordings` table (global). Month partitions keep a time-range search to a few Queries. */
export const recordingKeys = {
  recording: (tenant: TenantId, startedAt: string, callId: string): Key => ({
    pk: `${t(tenant)}#REC#${startedAt.slice(0, 7)}`,
    sk: `${startedAt}#${callId}`,
  }),
  monthPartition: (tenant: TenantId, month: string): string => `${t(tenant)}#REC#${month}`,
  /** Finds a call's recording (its item is keyed by start time): written and deleted with it. */
  byCall: (tenant: TenantId, callId: string): Key => ({ pk: `${t(tenant)}#RECCALL#${callId}`, sk: 'REC' }),
  /**
   * GSI6 entry on a recording while it is due for deletion (none under a legal hold): the retention sweep
   * finds what expired with one Query per day bucket, whatever the tenant.
   */
  expiryIndex: (tenant: TenantId, callId: string, dueAt: string) => ({
    gsi6pk: `EXPIRES#${dueAt.slice(0, 10)}`,
    gsi6sk: `${dueAt}#${tenant}#${callId}`,
  }),
  expiryBucket: (day: string): string => `EXPIRES#${day.slice(0, 10)}`,
  /** The retention sweep's progress: the day bucket it is on (it never skips one). */
  retentionCursor: { pk: 'SWEEP#RETENTION', sk: 'CURSOR' } as Key,
  /** The partition of one search index entry (gsi1..gsi5): the tenant's recordings with that value. */
  searchPartition: (tenant: TenantId, kind: string, value: string): string =>
    `${t(tenant)}#REC#${kind}#${value}`,
  /** The GSI entries written on each recording item (gsi1..gsi5), all sorted by start time. */
  searchIndexes: (
    tenant: TenantId,
    startedAt: string,
    callId: string,
    by: { agentId?: string; caller?: string; queueId?: string; customerId?: string; disposition?: string },
  ): Record<string, string> => {
    const sort = `${startedAt}#${callId}`;
    const entries: [number, string, string | undefined][] = [
      [1, 'AGENT', by.agentId],
      [2, 'CALLER', by.caller],
      [3, 'QUEUE', by.queueId],
      [4, 'CUSTOMER', by.customerId],
      [5, 'DISPOSITION', by.disposition],
    ];
    const out: Record<string, string> = {};
    for (const [n, kind, value] of entries) {
      if (value === undefined || value === '') continue;
      out[`gsi${n}pk`] = recordingKeys.searchPartition(tenant, kind, value);
      out[`gsi${n}sk`] = sort;
    }
    return out;
  },
} as const;
