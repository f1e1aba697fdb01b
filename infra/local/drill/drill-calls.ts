/**
 * Calls and call records in the drill: a caller on the phone network dials the tenant's number and waits
 * for an agent's voice; the SMA's call log says which region took the call and how many targets failed
 * before it. Call records are read from a region's lake through its Athena API, the highest version per
 * call, as the named reports read them.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaReports } from '../../../layers/adapters/athena-reports.ts';
import { tenantId } from '../../../layers/domain/tenancy/ids.ts';
import { localPhysicalName, resources } from '../../../layers/resources/index.ts';
import type { CallLogEntry } from '../chime/call-log.ts';
import type { PstnClient } from '../chime/pstn-client.ts';
import { localCredentials } from '../local-credentials.ts';

export interface AnsweredCall {
  readonly callId: string;
  /** The region whose SMA took the call (its handler answered NEW_INBOUND_CALL). */
  readonly region: string;
  readonly dialedAt: number;
  readonly answeredAt: number;
  /** SIP rule targets that failed before one took the call. */
  readonly targetsFailed: number;
}

const ANSWER_TIMEOUT_MS = 60_000;

/** Dials, waits until an agent speaks to the caller, and lets the call run to its end (the agent hangs up). */
export async function placeAnsweredCall(
  phones: PstnClient,
  from: string,
  to: string,
  log: (transactionId: string) => readonly CallLogEntry[],
): Promise<AnsweredCall> {
  const dialedAt = Date.now();
  const call = await phones.dial(from, to);
  try {
    await call.waitToHear(/^voice: /, ANSWER_TIMEOUT_MS);
  } catch (error) {
    call.hangup();
    throw error;
  }
  const answeredAt = Date.now();
  await call.waitFor('ended', ANSWER_TIMEOUT_MS).catch(() => call.hangup());
  const transactionId = call.transactionId;
  if (transactionId === undefined) throw new Error(`the call from ${from} has no transaction id`);
  const entries = log(transactionId);
  const taken = entries.find(
    (e) => e.kind === 'invocation' && e.event.InvocationEventType === 'NEW_INBOUND_CALL' && 'response' in e,
  );
  const region = taken?.kind === 'invocation' ? taken.event.CallDetails.AwsRegion : undefined;
  if (region === undefined) throw new Error(`no region took call ${transactionId}`);
  const targetsFailed = entries.filter(
    (e) => e.kind === 'note' && /failed: trying the next one/.test(e.text),
  ).length;
  return { callId: transactionId, region, dialedAt, answeredAt, targetsFailed };
}

/** Each call id in a region's lake with how many record versions it has (the highest is the record). */
export async function lakeCallRecords(
  region: string,
  athenaEndpoint: string,
  tenant: string,
): Promise<Map<string, number>> {
  const athena = new AthenaClient({ region, endpoint: athenaEndpoint, credentials: localCredentials });
  const lake = resources.buckets.find((b) => b.id === 'lake');
  if (lake === undefined) throw new Error('no lake bucket in the resource catalogue');
  try {
    const result = await new AthenaReports(athena, localPhysicalName(lake)).run(
      tenantId(tenant),
      'SELECT call_id, count(*) AS versions FROM cdr WHERE tenant = ? GROUP BY call_id',
      [tenant],
    );
    return new Map(result.rows.map((row) => [String(row[0]), Number(row[1])]));
  } finally {
    athena.destroy();
  }
}

/** Polls a region's lake until every given call has its record, or the time is up; returns what is there. */
export async function waitForRecords(
  region: string,
  athenaEndpoint: string,
  tenant: string,
  callIds: readonly string[],
  timeoutMs: number,
): Promise<{ records: Map<string, number>; waitedMs: number }> {
  const began = Date.now();
  for (;;) {
    const records = await lakeCallRecords(region, athenaEndpoint, tenant).catch(
      () => new Map<string, number>(),
    );
    if (callIds.every((id) => records.has(id)) || Date.now() - began > timeoutMs)
      return { records, waitedMs: Date.now() - began };
    await new Promise((r) => setTimeout(r, 500));
  }
}
