/**
 * The routing store in the live table (layers/resources/ACCESS-PATTERNS.md): agent state items, their
 * availability hints in each queue's AVAIL partition, queue entries in each queue's WAIT partition, and the
 * call record's `routing`. Every write is one TransactWriteItems whose conditions check what the caller
 * read, so racing dispatchers cannot both win. Transient cancellations (transaction conflicts, throttling)
 * are retried here; a failed condition is reported to the domain, which decides.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AgentState } from '../domain/routing/agent-state.ts';
import {
  type AgentWrite,
  type CallRouting,
  type HintRef,
  type OutboundCall,
  type QueueCounters,
  type QueuedCall,
  type QueueEntry,
  type RoutingEnd,
  type RoutingStore,
  SHORT_ABANDON_MS,
  type StoredAgent,
} from '../domain/routing/routing-store.ts';
import type { AvailabilityHint } from '../domain/routing/strategies.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { liveKeys } from '../resources/keys.ts';
import { callerHistoryItem, callRecordItem } from './dynamodb-call-store.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Attempts at a transaction cancelled for a transient reason (a conflict with another transaction). */
const TRANSIENT_ATTEMPTS = 6;
const TRANSIENT = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

export class DynamoDbRoutingStore implements RoutingStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  // ------------------------------------------------------------------------------------ reads

  async agent(tenant: TenantId, agentId: string): Promise<StoredAgent | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({
          TableName: this.table,
          Key: liveKeys.agentState(tenant, agentId),
          ConsistentRead: true,
        }),
      )
    ).Item;
    return item === undefined
      ? undefined
      : { state: item.state as AgentState, hints: (item.hints as HintRef[]) ?? [] };
  }

  async queueHead(tenant: TenantId, queueId: string, limit: number): Promise<QueuedCall[]> {
    const items = await this.query(liveKeys.queueEntriesPartition(tenant, queueId), limit);
    return items.map((i) => ({ entry: i.entry as QueueEntry, routingVersion: i.routingVersion as number }));
  }

  async candidates(tenant: TenantId, queueId: string, limit: number): Promise<AvailabilityHint[]> {
    const items = await this.query(liveKeys.availabilityPartition(tenant, queueId), limit);
    return items.map((i) => i.hint as AvailabilityHint);
  }

  async queueLength(tenant: TenantId, queueId: string, upTo: number): Promise<number> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': liveKeys.queueEntriesPartition(tenant, queueId) },
        Select: 'COUNT',
        Limit: upTo,
      }),
    );
    return result.Count ?? 0;
  }

  async callRouting(tenant: TenantId, callId: string): Promise<CallRouting | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({
          TableName: this.table,
          Key: liveKeys.call(tenant, callId),
          ProjectionExpression: 'routing',
          ConsistentRead: true,
        }),
      )
    ).Item;
    return item?.routing as CallRouting | undefined;
  }

  // ----------------------------------------------------------------------------------- writes

  async saveAgent(tenant: TenantId, write: AgentWrite): Promise<boolean> {
    return (await this.transact([...this.agentItems(tenant, write)])) === 'ok';
  }

  async saveAgents(tenant: TenantId, writes: readonly AgentWrite[]): Promise<boolean> {
    return (await this.transact(writes.flatMap((write) => this.agentItems(tenant, write)))) === 'ok';
  }

  async enqueue(tenant: TenantId, entry: QueueEntry): Promise<boolean> {
    const routing: CallRouting = { state: 'waiting', entry, version: 1 };
    const outcome = await this.transact([
      this.entryPut(tenant, { entry, routingVersion: 1 }),
      {
        Update: {
          TableName: this.table,
          Key: liveKeys.call(tenant, entry.callId),
          // Where and when the caller first queued stay on the call (its wait and service level count from
          // there, whatever transfers follow).
          UpdateExpression: 'SET routing = :routing, queuedAt = :at, firstQueueId = :queue',
          // A call is queued once; a call that already ended is not queued at all.
          ConditionExpression:
            'attribute_not_exists(routing) AND (attribute_not_exists(#status) OR #status <> :ended)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':routing': routing,
            ':ended': 'ended',
            ':at': entry.enqueuedAt,
            ':queue': entry.queueId,
          },
        },
      },
    ]);
    if (outcome !== 'ok') return false;
    await this.markActive(tenant, entry);
    return true;
  }

  /**
   * Puts the queue on the sweeper's list. Outside the transactions: every enqueue of a queue writes this
   * one item, and transactions touching it at once would conflict.
   */
  private async markActive(tenant: TenantId, entry: QueueEntry): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...liveKeys.activeQueue(tenant, entry.queueId),
          type: 'active-queue',
          tenantId: tenant,
          queueId: entry.queueId,
          lastEnqueuedAt: entry.enqueuedAt,
        },
      }),
    );
  }

  async reserve(
    tenant: TenantId,
    call: QueuedCall,
    agent: AgentWrite,
    agentReadySince?: string,
  ): Promise<'reserved' | 'entry-gone' | 'agent-changed'> {
    const { entry, routingVersion } = call;
    const offeredAt = agent.next.call?.offeredAt;
    const outcome = await this.transact([
      {
        Delete: {
          TableName: this.table,
          Key: this.entryKey(tenant, entry),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      this.routingUpdate(tenant, entry.callId, routingVersion, {
        state: 'offered',
        entry,
        agentId: agent.next.agentId,
        version: routingVersion + 1,
        timeline: {
          ...(offeredAt === undefined ? {} : { offeredAt }),
          ...(agentReadySince === undefined ? {} : { agentReadySince }),
        },
      }),
      ...this.agentItems(tenant, agent),
    ]);
    if (outcome === 'ok') return 'reserved';
    return outcome.failed <= 1 ? 'entry-gone' : 'agent-changed';
  }

  async connect(tenant: TenantId, routing: CallRouting, agent: AgentWrite): Promise<boolean> {
    const next: CallRouting = {
      state: 'connected',
      entry: routing.entry,
      agentId: agent.next.agentId,
      version: routing.version + 1,
      timeline: { ...routing.timeline, answeredAt: agent.next.call?.answeredAt ?? new Date().toISOString() },
    };
    const answeredAt = next.timeline?.answeredAt as string;
    const outcome = await this.transact([
      this.routingUpdate(tenant, routing.entry.callId, routing.version, next, {
        answer: { agentId: agent.next.agentId, at: answeredAt },
      }),
      ...this.agentItems(tenant, agent),
      // The agent's recent calls, written with the answer itself.
      {
        Put: {
          TableName: this.table,
          Item: {
            ...liveKeys.agentCallLog(tenant, agent.next.agentId, answeredAt, routing.entry.callId),
            type: 'agent-call',
            callId: routing.entry.callId,
            queueId: routing.entry.queueId,
            answeredAt,
            expiresAt: Math.floor(Date.parse(answeredAt) / 1000) + AGENT_CALL_LOG_TTL_S,
          },
        },
      },
    ]);
    return outcome === 'ok';
  }

  /** The calls the agent answered lately, newest first. */
  async recentAgentCalls(
    tenant: TenantId,
    agentId: string,
    limit: number,
  ): Promise<{ callId: string; queueId: string; answeredAt: string }[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :calls)',
        ExpressionAttributeValues: { ':pk': liveKeys.agentState(tenant, agentId).pk, ':calls': 'CALL#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((i) => ({
      callId: i.callId as string,
      queueId: i.queueId as string,
      answeredAt: i.answeredAt as string,
    }));
  }

  async requeue(
    tenant: TenantId,
    routing: CallRouting,
    entry: QueueEntry,
    agent: AgentWrite | undefined,
  ): Promise<boolean> {
    const version = routing.version + 1;
    const outcome = await this.transact([
      // A returned offer goes back at its own sort key: the caller keeps its place at the head.
      this.entryPut(tenant, { entry, routingVersion: version }),
      this.routingUpdate(
        tenant,
        entry.callId,
        routing.version,
        {
          state: 'waiting',
          entry,
          version,
          ...(routing.timeline === undefined ? {} : { timeline: routing.timeline }),
        },
        // From an agent on the call, it is a transfer to a queue (a returned offer is not).
        { transfer: routing.state === 'connected' },
      ),
      ...(agent === undefined ? [] : this.agentItems(tenant, agent)),
    ]);
    if (outcome !== 'ok') return false;
    // A call arriving in a queue from elsewhere (a transfer) puts the queue on the sweeper's list.
    if (routing.state !== 'offered') await this.markActive(tenant, entry);
    return true;
  }

  async startOutbound(
    tenant: TenantId,
    call: OutboundCall,
    routing: CallRouting,
    agent: AgentWrite,
  ): Promise<'started' | 'call-ended' | 'agent-changed'> {
    const record = callRecordItem(
      {
        tenant,
        callId: call.callId,
        caller: call.to,
        dialled: call.from,
        startedAt: call.startedAt,
        carrier: call.carrier,
      },
      'dialing',
    );
    const outcome = await this.transact([
      {
        Put: {
          TableName: this.table,
          Item: { ...record, direction: 'outbound', agentId: agent.next.agentId, routing },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...this.agentItems(tenant, agent),
      { Put: { TableName: this.table, Item: callerHistoryItem({ tenant, ...call, caller: call.to }) } },
    ]);
    if (outcome === 'ok') return 'started';
    // The record is there already: call control ended the call (busy, unreachable) before this ran.
    return outcome.failed === 0 ? 'call-ended' : 'agent-changed';
  }

  async handOver(
    tenant: TenantId,
    routing: CallRouting,
    from: AgentWrite,
    to: AgentWrite,
    state: 'offered' | 'connected' = 'offered',
  ): Promise<boolean> {
    const offeredAt = to.next.call?.offeredAt;
    const outcome = await this.transact([
      this.routingUpdate(
        tenant,
        routing.entry.callId,
        routing.version,
        {
          state,
          entry: routing.entry,
          agentId: to.next.agentId,
          version: routing.version + 1,
          timeline: { ...routing.timeline, ...(offeredAt === undefined ? {} : { offeredAt }) },
        },
        {
          transfer: true,
          // A warm transfer: the consulted agent, on the call already, has it now.
          ...(state === 'connected' && to.next.call?.answeredAt !== undefined
            ? { answer: { agentId: to.next.agentId, at: to.next.call.answeredAt } }
            : {}),
        },
      ),
      ...this.agentItems(tenant, from),
      ...this.agentItems(tenant, to),
    ]);
    return outcome === 'ok';
  }

  async leave(
    tenant: TenantId,
    routing: CallRouting,
    outcome: RoutingEnd,
    agent: AgentWrite | undefined,
    consulted?: AgentWrite,
  ): Promise<boolean> {
    const agentId = 'agentId' in routing ? routing.agentId : undefined;
    const next: CallRouting = {
      state: outcome,
      entry: routing.entry,
      version: routing.version + 1,
      ...(agentId === undefined ? {} : { agentId }),
      ...(routing.timeline === undefined ? {} : { timeline: routing.timeline }),
    };
    const items: TransactItem[] = [
      this.routingUpdate(tenant, routing.entry.callId, routing.version, next, {
        transfer: outcome === 'transferred',
      }),
    ];
    if (routing.state === 'waiting')
      items.push({
        Delete: {
          TableName: this.table,
          Key: this.entryKey(tenant, routing.entry),
          ConditionExpression: 'attribute_exists(pk)',
        },
      });
    if (agent !== undefined) items.push(...this.agentItems(tenant, agent));
    if (consulted !== undefined) items.push(...this.agentItems(tenant, consulted));
    return (await this.transact(items)) === 'ok';
  }

  async dueAgents(now: string): Promise<{ tenant: TenantId; agentId: string }[]> {
    const due: { tenant: TenantId; agentId: string }[] = [];
    for (const item of await this.due(liveKeys.deadlineBucket, now, 'gsi2sk')) {
      const [, tenant, agentId] = String(item.gsi2sk).split('#');
      if (tenant !== undefined && agentId !== undefined) due.push({ tenant: tenant as TenantId, agentId });
    }
    return due;
  }

  /** Items of a gsi2 minute bucket due by `now`: this minute's and the two before (a sweep that ran late). */
  private async due(
    bucket: (minute: string) => string,
    now: string,
    projection: string,
  ): Promise<Record<string, unknown>[]> {
    const minutes = [0, 1, 2].map((back) => new Date(Date.parse(now) - back * 60_000).toISOString());
    const items: Record<string, unknown>[] = [];
    for (const minute of minutes) {
      const result = await this.documents.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :bucket AND gsi2sk <= :now',
          ExpressionAttributeValues: { ':bucket': bucket(minute), ':now': `${now}#~` },
          ProjectionExpression: projection,
          Limit: 500,
        }),
      );
      items.push(...(result.Items ?? []));
    }
    return items;
  }

  async activeQueues(): Promise<{ tenant: TenantId; queueId: string; lastEnqueuedAt: string }[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': liveKeys.activeQueuesPartition },
        Limit: 1_000,
      }),
    );
    return (result.Items ?? []).map((i) => ({
      tenant: i.tenantId as TenantId,
      queueId: i.queueId as string,
      lastEnqueuedAt: i.lastEnqueuedAt as string,
    }));
  }

  /** Takes a queue off the sweeper's list, unless a caller joined it since it was read. */
  async retireQueue(tenant: TenantId, queueId: string, lastEnqueuedAt: string): Promise<void> {
    await this.transact([
      {
        Delete: {
          TableName: this.table,
          Key: liveKeys.activeQueue(tenant, queueId),
          ConditionExpression: 'lastEnqueuedAt = :seen',
          ExpressionAttributeValues: { ':seen': lastEnqueuedAt },
        },
      },
    ]);
  }

  async callsAhead(tenant: TenantId, entry: QueueEntry, upTo: number): Promise<number> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk < :mine',
        ExpressionAttributeValues: {
          ':pk': liveKeys.queueEntriesPartition(tenant, entry.queueId),
          ':mine': this.entryKey(tenant, entry).sk,
        },
        Select: 'COUNT',
        Limit: upTo,
      }),
    );
    return result.Count ?? 0;
  }

  async rescheduleEntry(tenant: TenantId, entry: QueueEntry, announceAt: string | undefined): Promise<void> {
    const next: QueueEntry = { ...entry, ...(announceAt === undefined ? {} : { announceAt }) };
    if (announceAt === undefined) delete (next as { announceAt?: string }).announceAt;
    const due = entryDue(next);
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.entryKey(tenant, entry),
          UpdateExpression:
            due === undefined
              ? 'SET entry = :entry REMOVE gsi2pk, gsi2sk'
              : 'SET entry = :entry, gsi2pk = :p, gsi2sk = :s',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':entry': next,
            ...(due === undefined
              ? {}
              : (() => {
                  const index = liveKeys.waitDueIndex(tenant, entry.callId, due);
                  return { ':p': index.gsi2pk, ':s': index.gsi2sk };
                })()),
          },
        }),
      );
    } catch (error) {
      // Taken by an agent, or gone, meanwhile: nothing to announce any more.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async recordAnswer(
    tenant: TenantId,
    queueId: string,
    waitMs: number,
    at: Date,
    withinTarget: boolean,
  ): Promise<void> {
    await this.count(tenant, queueId, at, {
      answered: 1,
      answeredInTarget: withinTarget ? 1 : 0,
      waitMs: Math.max(0, Math.round(waitMs)),
    });
  }

  async recordAgentAnswer(tenant: TenantId, agentId: string, at: Date): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: liveKeys.agentDayCounter(tenant, at.toISOString().slice(0, 10), agentId),
        UpdateExpression: 'ADD answered :one SET expiresAt = if_not_exists(expiresAt, :expires)',
        ExpressionAttributeValues: {
          ':one': 1,
          ':expires': Math.floor(at.getTime() / 1000) + COUNTERS_TTL_S,
        },
      }),
    );
  }

  async recordAbandon(
    tenant: TenantId,
    queueId: string,
    waitMs: number,
    at: Date,
    afterTarget: boolean,
  ): Promise<void> {
    await this.count(tenant, queueId, at, {
      abandoned: 1,
      abandonedAfterTarget: afterTarget ? 1 : 0,
      shortAbandoned: waitMs < SHORT_ABANDON_MS ? 1 : 0,
    });
  }

  async countersBetween(tenant: TenantId, queueId: string, since: Date, until: Date): Promise<QueueCounters> {
    const totals = {
      answered: 0,
      answeredInTarget: 0,
      abandoned: 0,
      abandonedAfterTarget: 0,
      shortAbandoned: 0,
      waitMs: 0,
    };
    const from = intervalOf(since);
    const to = intervalOf(until);
    for (const day of from.day === to.day ? [from.day] : [from.day, to.day]) {
      const result = await this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': liveKeys.counters(tenant, day, queueId, '').pk,
            ':from': liveKeys.counters(tenant, day, queueId, day === from.day ? from.interval : '0000').sk,
            ':to': liveKeys.counters(tenant, day, queueId, day === to.day ? to.interval : '2359').sk,
          },
        }),
      );
      for (const item of result.Items ?? [])
        for (const key of Object.keys(totals) as (keyof typeof totals)[])
          totals[key] += Number(item[key] ?? 0);
    }
    return totals;
  }

  /** Adds to a queue's counters of the minute (counters, not records: reports come from the CDRs). */
  private async count(
    tenant: TenantId,
    queueId: string,
    at: Date,
    added: Record<string, number>,
  ): Promise<void> {
    const { day, interval } = intervalOf(at);
    const names = Object.keys(added).filter((k) => (added[k] ?? 0) > 0);
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: liveKeys.counters(tenant, day, queueId, interval),
        UpdateExpression: `ADD ${names.map((n) => `#${n} :${n}`).join(', ')} SET expiresAt = if_not_exists(expiresAt, :expires)`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n) => [`#${n}`, n])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((n) => [`:${n}`, added[n]])),
          ':expires': Math.floor(at.getTime() / 1000) + COUNTERS_TTL_S,
        },
      }),
    );
  }

  async dueWaits(now: string): Promise<{ tenant: TenantId; entry: QueueEntry }[]> {
    const due: { tenant: TenantId; entry: QueueEntry }[] = [];
    for (const item of await this.due(liveKeys.waitDueBucket, now, 'tenantId, entry'))
      if (item.tenantId !== undefined && item.entry !== undefined)
        due.push({ tenant: item.tenantId as TenantId, entry: item.entry as QueueEntry });
    return due;
  }

  async dropHint(tenant: TenantId, queueId: string, hint: AvailabilityHint): Promise<void> {
    // Only the hint that was read: a fresh one written meanwhile has another version.
    await this.transact([
      {
        Delete: {
          TableName: this.table,
          Key: liveKeys.availability(tenant, queueId, hint.rank, hint.agentId),
          ConditionExpression: 'hint.version = :v',
          ExpressionAttributeValues: { ':v': hint.version },
        },
      },
    ]);
  }

  // ---------------------------------------------------------------------------------- helpers

  private entryKey(tenant: TenantId, entry: QueueEntry) {
    return liveKeys.queueEntry(tenant, entry.queueId, entry.priority, entry.enqueuedAt, entry.callId);
  }

  private entryPut(tenant: TenantId, call: QueuedCall): TransactItem {
    const due = entryDue(call.entry);
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...this.entryKey(tenant, call.entry),
          ...(due === undefined ? {} : liveKeys.waitDueIndex(tenant, call.entry.callId, due)),
          type: 'queue-entry',
          tenantId: tenant,
          ...call,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /**
   * The call's routing moves on, if its version is still the one read. A transfer (an agent handing the
   * call on) is counted on the call record in the same write, so it counts once.
   */
  private routingUpdate(
    tenant: TenantId,
    callId: string,
    version: number,
    next: CallRouting,
    /** A transfer is counted; `answer` names the agent who answered (for the call's detail record). */
    also: { transfer?: boolean; answer?: { agentId: string; at: string } } = {},
  ): TransactItem {
    const sets = ['routing = :next'];
    const values: Record<string, unknown> = { ':next': next, ':v': version };
    if (also.answer !== undefined) {
      sets.push('lastAnsweredBy = :answeredBy', 'lastAnsweredAt = :answeredAt');
      values[':answeredBy'] = also.answer.agentId;
      values[':answeredAt'] = also.answer.at;
    }
    if (also.transfer === true) values[':one'] = 1;
    return {
      Update: {
        TableName: this.table,
        Key: liveKeys.call(tenant, callId),
        UpdateExpression: `SET ${sets.join(', ')}${also.transfer === true ? ' ADD transfers :one' : ''}`,
        ConditionExpression: 'routing.version = :v',
        ExpressionAttributeValues: values,
      },
    };
  }

  /** The agent item (if its version is still the one read) and its hints, removed and written. */
  private agentItems(tenant: TenantId, write: AgentWrite): TransactItem[] {
    const { next } = write;
    const hints: HintRef[] = write.putHints.map((h) => ({ queueId: h.queueId, rank: h.rank }));
    const kept = new Set(hints.map((h) => `${h.queueId}#${h.rank}`));
    return [
      {
        Put: {
          TableName: this.table,
          Item: {
            ...liveKeys.agentState(tenant, next.agentId),
            ...liveKeys.agentStateIndex(tenant, next.agentId),
            ...(deadlineOf(next) === undefined
              ? {}
              : liveKeys.agentDeadlineIndex(tenant, next.agentId, deadlineOf(next) as string)),
            type: 'agent-state',
            status: next.status,
            version: next.version,
            state: next,
            hints,
          },
          ConditionExpression:
            write.expectedVersion === 0 ? 'attribute_not_exists(pk) OR version = :v' : 'version = :v',
          ExpressionAttributeValues: { ':v': write.expectedVersion },
        },
      },
      ...write.removeHints
        .filter((h) => !kept.has(`${h.queueId}#${h.rank}`))
        .map(
          (h): TransactItem => ({
            Delete: {
              TableName: this.table,
              Key: liveKeys.availability(tenant, h.queueId, h.rank, next.agentId),
            },
          }),
        ),
      ...write.putHints.map(
        ({ queueId, ...hint }): TransactItem => ({
          Put: {
            TableName: this.table,
            Item: {
              ...liveKeys.availability(tenant, queueId, hint.rank, next.agentId),
              type: 'hint',
              queueId,
              hint,
            },
          },
        }),
      ),
    ];
  }

  private async query(pk: string, limit: number): Promise<Record<string, unknown>[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: limit,
      }),
    );
    return result.Items ?? [];
  }

  /**
   * Runs a transaction; 'ok', or the index of the first item whose condition failed. Transient
   * cancellations are retried with a short random backoff.
   */
  private async transact(items: TransactItem[]): Promise<'ok' | { failed: number }> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.documents.send(new TransactWriteCommand({ TransactItems: items }));
        return 'ok';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (failed >= 0) return { failed };
        if (attempt >= TRANSIENT_ATTEMPTS || !reasons.some((r) => TRANSIENT.has(r.Code ?? ''))) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
      }
    }
  }
}

/** Real-time counters are kept two days. */
const COUNTERS_TTL_S = 2 * 24 * 3600;
/** How long an agent's list of recent calls remembers a call. */
const AGENT_CALL_LOG_TTL_S = 14 * 24 * 3600;

/** The UTC day and 15-minute interval (`HHMM` of its start) a moment falls in. */
function intervalOf(at: Date): { day: string; interval: string } {
  const iso = at.toISOString();
  return { day: iso.slice(0, 10), interval: `${iso.slice(11, 13)}${iso.slice(14, 16)}` };
}

/** When a waiting caller next needs the sweeper: an announcement, or the end of their wait. */
function entryDue(entry: QueueEntry): string | undefined {
  const times = [entry.announceAt, entry.waitDeadline].filter((t): t is string => t !== undefined);
  return times.length === 0 ? undefined : times.sort()[0];
}

/** When the agent's state needs the sweeper: an offer's ring timeout, or the end of timed wrap-up. */
function deadlineOf(state: AgentState): string | undefined {
  if (state.status === 'reserved') return state.call?.offerExpiresAt;
  if (state.status === 'after-call') return state.acwUntil;
  return undefined;
}
