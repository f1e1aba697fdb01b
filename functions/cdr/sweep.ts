/**
 * The CDR sweep (scheduled): ended calls whose detail record the stream did not send within two minutes
 * of their end — Kinesis was unavailable, the collector gave up on a batch, or the last agent's wrap-up is
 * still open (then the record waits up to 30 minutes, and goes without it). Minute buckets are swept in
 * order from a saved cursor, so a sweep that was down catches up and no bucket is skipped; a call not
 * due yet moves to the bucket of its new due time, and one whose record fails is tried again later.
 */
import { logger } from '../../layers/adapters/logger.ts';
import { publishCdr } from '../../layers/domain/cdr/publish-cdr.ts';
import { cdrRuntime } from './cdr-runtime.ts';

/** At most this many minute buckets a run (a sweep a day behind catches up over a few runs). */
const MAX_BUCKETS = 120;

export async function handler(input: { loopSeconds?: number } = {}): Promise<{ sent: number }> {
  const until = Date.now() + (input.loopSeconds ?? 0) * 1000;
  let sent = 0;
  do {
    sent += await sweepOnce();
    if (Date.now() < until) await new Promise((r) => setTimeout(r, 5_000));
  } while (Date.now() < until);
  return { sent };
}

async function sweepOnce(): Promise<number> {
  const { store, publish } = cdrRuntime();
  const now = new Date();
  const nowMinute = minuteOf(now.getTime());
  const cursor = (await store.sweepCursor()) ?? minuteOf(now.getTime() - 10 * 60_000);
  let sent = 0;
  let minute = cursor;
  for (let n = 0; n < MAX_BUCKETS && minute <= nowMinute; n++) {
    for (const { tenant, callId } of await store.due(minute, now.toISOString())) {
      const call = await store.call(tenant, callId);
      if (call === undefined) continue;
      try {
        const outcome = await publishCdr(publish, tenant, call, 'sweep');
        if (outcome === 'sent') sent++;
        else if (outcome === 'not-over') await store.postpone(tenant, callId, call.endedAt);
      } catch (error) {
        // Tried again later (one call that always fails holds up no other); given up after an hour.
        const details = { tenantId: tenant, callId, error: error as Error };
        if (await store.retryLater(tenant, callId)) logger().warn('CDR not sent yet', details);
        else logger().error('CDR not sent after an hour of tries: left for an operator (cdrFailed)', details);
      }
    }
    // The current minute may still fill: the cursor stays on it.
    if (minute === nowMinute) break;
    minute = minuteOf(Date.parse(`${minute}:00.000Z`) + 60_000);
    await store.saveSweepCursor(minute);
  }
  return sent;
}

function minuteOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}
