/**
 * What the call records say after a load: each placed call's live record (`T#<tenant>#CALL#<id>`, sort key
 * STATE) must have ended — a record still open after every caller is done is a lost call; no agent may
 * have talked on two calls at once (a double assignment); and how long assignment took, from "a call is
 * waiting and an agent is available" to "bridge requested" (shared/design/metrics-and-prices.md).
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CallRouting } from '../../layers/domain/routing/routing-store.ts';
import type { TenantId } from '../../layers/domain/tenancy/ids.ts';
import { liveKeys } from '../../layers/resources/keys.ts';

export interface PlacedCall {
  readonly tenant: TenantId;
  readonly callId: string;
}

export interface RecordChecks {
  /** Calls whose record never ended (or is missing). */
  readonly openRecords: string[];
  /** Pairs of calls one agent was talking on at the same time. */
  readonly doubleAssignments: { agent: string; calls: [string, string] }[];
  /** Ready (call waiting and agent available) → bridge requested, ms, per answered call. */
  readonly assignLatencyMs: number[];
}

export async function checkRecords(
  documents: DynamoDBDocumentClient,
  table: string,
  calls: readonly PlacedCall[],
): Promise<RecordChecks> {
  const openRecords: string[] = [];
  const assignLatencyMs: number[] = [];
  const talks = new Map<string, { callId: string; from: number; to: number }[]>();
  for (const { tenant, callId } of calls) {
    const item = (
      await documents.send(new GetCommand({ TableName: table, Key: liveKeys.call(tenant, callId) }))
    ).Item;
    if (item === undefined || item.status !== 'ended') {
      openRecords.push(callId);
      continue;
    }
    const routing = item.routing as CallRouting | undefined;
    const ready = Math.max(
      Date.parse(routing?.entry.enqueuedAt ?? ''),
      Date.parse(routing?.timeline?.agentReadySince ?? ''),
    );
    const bridged = Date.parse(String(item.bridgeRequestedAt ?? ''));
    if (Number.isFinite(ready) && Number.isFinite(bridged)) assignLatencyMs.push(bridged - ready);
    const agent = item.lastAnsweredBy as string | undefined;
    const from = Date.parse(String(item.lastAnsweredAt ?? ''));
    const to = Date.parse(String(item.endedAt ?? ''));
    if (agent !== undefined && Number.isFinite(from) && Number.isFinite(to)) {
      const list = talks.get(`${tenant}/${agent}`) ?? [];
      list.push({ callId, from, to });
      talks.set(`${tenant}/${agent}`, list);
    }
  }
  return { openRecords, doubleAssignments: overlaps(talks), assignLatencyMs };
}

/** Calls of one agent whose talk intervals overlap (touching ends do not: one call ends as the next starts). */
export function overlaps(
  talks: ReadonlyMap<string, readonly { callId: string; from: number; to: number }[]>,
): { agent: string; calls: [string, string] }[] {
  const found: { agent: string; calls: [string, string] }[] = [];
  for (const [agent, list] of talks) {
    const sorted = [...list].sort((a, b) => a.from - b.from);
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1] as { callId: string; to: number };
      const current = sorted[i] as { callId: string; from: number };
      if (current.from < before.to) found.push({ agent, calls: [before.callId, current.callId] });
    }
  }
  return found;
}
