/**
 * Sending a call's detail record, once its content is final: from the live table's stream when the call
 * record changes (the fast path), and from the CDR sweep for calls the stream did not finish (Kinesis was
 * down, the agent never ended wrap-up). The record's content hash is kept on the call record with its
 * version: the same content is not sent again, new content (a late agent segment) is the next version.
 * Sending is at least once — a version may be sent twice, the same record — and the lake keeps one row
 * per call (the highest version).
 */
import { createHash } from 'node:crypto';
import type { TenantId } from '../tenancy/ids.ts';
import {
  buildCdr,
  type CallDetailRecord,
  type CdrContext,
  callComplete,
  overdue,
  type StoredCall,
} from './call-detail-record.ts';

/** The call record with what publishing keeps on it. */
export type PublishableCall = StoredCall & { readonly cdrVersion?: number; readonly cdrHash?: string };

export interface PublishPorts {
  context(tenant: TenantId, queueId: string | undefined): Promise<Omit<CdrContext, 'now'>>;
  put(records: readonly (CallDetailRecord & { type: 'cdr' })[]): Promise<void>;
  /**
   * Takes `version` for this content (its hash), only if the call's version is still `previous`, and lists
   * the call for the sweep until the version is confirmed; false when another sender took it first.
   */
  reserve(
    tenant: TenantId,
    callId: string,
    version: number,
    previous: number,
    hash: string,
  ): Promise<boolean>;
  /** The version is on the stream: off the sweep's list (unless a newer version was taken meanwhile). */
  confirm(tenant: TenantId, callId: string, version: number): Promise<void>;
  now(): Date;
}

export type PublishOutcome = 'sent' | 'unchanged' | 'not-over' | 'raced';

/**
 * Sends the call's record if its content is new: a version is taken first (so two senders never send two
 * contents under one version), then put on the stream, then confirmed. A version taken but never
 * confirmed (the put failed) stays on the sweep's list, and the sweep sends it again, the same record.
 */
export async function publishCdr(
  ports: PublishPorts,
  tenant: TenantId,
  call: PublishableCall,
  /** The sweep sends an ended call whose agent's wrap-up is overdue; the stream waits for it. */
  from: 'stream' | 'sweep',
): Promise<PublishOutcome> {
  const now = ports.now();
  const complete = callComplete(call);
  if (!complete && !(from === 'sweep' && overdue(call, now))) return 'not-over';
  const context = await ports.context(
    tenant,
    call.firstQueueId ?? call.queue?.id ?? call.routing?.entry.queueId,
  );
  const hash = contentHash(buildCdr(call, 0, { ...context, now }));
  const current = call.cdrVersion ?? 0;
  if (call.cdrHash === hash) {
    // Taken already: the sweep finds it only if it was never confirmed, and sends it (again).
    if (from === 'stream' || current === 0) return 'unchanged';
    await ports.put([{ ...buildCdr(call, current, { ...context, now }), type: 'cdr' }]);
    await ports.confirm(tenant, call.callId, current);
    return 'sent';
  }
  const version = current + 1;
  if (!(await ports.reserve(tenant, call.callId, version, current, hash))) return 'raced';
  await ports.put([{ ...buildCdr(call, version, { ...context, now }), type: 'cdr' }]);
  await ports.confirm(tenant, call.callId, version);
  return 'sent';
}

/** What a record says, without what differs between two sendings of the same content. */
function contentHash(record: CallDetailRecord): string {
  const { record_id: _id, record_version: _v, produced_at: _at, ...content } = record;
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 22);
}
