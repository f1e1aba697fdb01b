/**
 * Sending a call's detail record, once its content is final: from the live table's stream when the call
 * record changes (the fast path), and from the CDR sweep for calls the stream did not finish (Kinesis was
 * down, the agent never ended wrap-up). The record's content hash is kept on the call record with the
 * version sent: the same content is not sent again, new content (a late agent segment) is the next
 * version. Sending is at least once — the stream and the sweep may both send a version — and the lake
 * keeps one row per call (the highest version).
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
   * Notes the version sent and its hash (unless a higher version was noted meanwhile), and takes the call
   * off the sweep's list: what changes later comes through the stream.
   */
  markSent(tenant: TenantId, callId: string, version: number, hash: string): Promise<void>;
  now(): Date;
}

export type PublishOutcome = 'sent' | 'unchanged' | 'not-over';

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
  const context = await ports.context(tenant, call.queue?.id ?? call.routing?.entry.queueId);
  const draft = buildCdr(call, 0, { ...context, now });
  const hash = contentHash(draft);
  if (call.cdrHash === hash) {
    if (from === 'sweep') await ports.markSent(tenant, call.callId, call.cdrVersion ?? 1, hash);
    return 'unchanged';
  }
  const version = (call.cdrVersion ?? 0) + 1;
  const record = buildCdr(call, version, { ...context, now });
  await ports.put([{ ...record, type: 'cdr' }]);
  await ports.markSent(tenant, call.callId, version, hash);
  return 'sent';
}

/** What a record says, without what differs between two sendings of the same content. */
function contentHash(record: CallDetailRecord): string {
  const { record_id: _id, record_version: _v, produced_at: _at, ...content } = record;
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 22);
}
