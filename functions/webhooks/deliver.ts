/**
 * The webhook delivery worker: sends every delivery that is due, signed with its tenant's secret, and
 * settles it as delivered (a 2xx), due again after the next backoff step, or given up after the last
 * (layers/domain/webhooks/webhooks.ts: about ten hours of retries). On AWS a schedule invokes it every
 * minute with `loopSeconds: 55`; the local cloud invokes it every half second.
 */

import type { Delivery } from '../../layers/adapters/dynamodb-webhooks.ts';
import { logger } from '../../layers/adapters/logger.ts';
import { type SendResult, webhookSender } from '../../layers/adapters/webhook-sender.ts';
import { runtimeConfig } from '../../layers/config/config.ts';
import { MAX_ATTEMPTS, retryDelaySeconds, signatureHeader } from '../../layers/domain/webhooks/webhooks.ts';
import { webhookStore } from './webhooks-store.ts';

/** An attempt keeps its delivery out of the due list this long (longer than the send's timeout). */
const HOLD_MS = 30_000;
const PARALLEL = 10;
const PER_ENDPOINT_PER_ROUND = 5;

let send: ReturnType<typeof webhookSender> | undefined;

export async function handler(
  event: { loopSeconds?: number } = {},
): Promise<{ sent: number; delivered: number }> {
  send ??= webhookSender({ plainHttpHosts: runtimeConfig().lookupPlainHttpHosts });
  const until = Date.now() + Math.min(Math.max(event.loopSeconds ?? 0, 0), 840) * 1000;
  const totals = { sent: 0, delivered: 0 };
  for (;;) {
    const due = fairShare(await webhookStore().due(new Date().toISOString(), 100));
    // A pool, not batches: one slow endpoint holds one sender, not the whole round.
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < due.length) await attempt(due[next++] as Delivery, totals);
      }),
    );
    if (Date.now() + 1_000 > until) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return totals;
}

/**
 * At most a few deliveries per endpoint in a round, so a tenant whose endpoint is slow or failing (and
 * piles up retries) does not hold the others' deliveries back.
 */
function fairShare(due: readonly Delivery[]): Delivery[] {
  const taken = new Map<string, number>();
  return due.filter((d) => {
    const key = `${d.tenantId}/${d.webhookId}`;
    const count = taken.get(key) ?? 0;
    taken.set(key, count + 1);
    return count < PER_ENDPOINT_PER_ROUND;
  });
}

async function attempt(delivery: Delivery, totals: { sent: number; delivered: number }): Promise<void> {
  const store = webhookStore();
  if (!(await store.take(delivery, HOLD_MS))) return;
  const attemptNo = delivery.attempts + 1;
  const secret = await store.secret(delivery.tenantId);
  // Never unsigned: a receiver must be able to trust every delivery (a missing secret is retried later).
  const result: SendResult =
    secret === undefined
      ? { ok: false, reason: 'no signing secret' }
      : await (send as ReturnType<typeof webhookSender>)(
          delivery.url,
          {
            'openline-event-id': delivery.eventId,
            'openline-event-type': delivery.eventType,
            'openline-delivery-attempt': String(attemptNo),
            'openline-signature': signatureHeader(secret, Math.floor(Date.now() / 1000), delivery.body),
          },
          delivery.body,
        );
  totals.sent++;
  if (result.ok) {
    totals.delivered++;
    await store.settle(delivery, attemptNo, { delivered: true, statusCode: result.status });
    return;
  }
  const delay = attemptNo < MAX_ATTEMPTS ? retryDelaySeconds(attemptNo) : undefined;
  await store.settle(delivery, attemptNo, {
    delivered: false,
    ...(result.status === undefined ? {} : { statusCode: result.status }),
    error: result.reason,
    ...(delay === undefined ? {} : { retryAt: new Date(Date.now() + delay * 1000).toISOString() }),
  });
  if (delay === undefined)
    logger().warn('webhook delivery given up', {
      tenantId: delivery.tenantId,
      webhookId: delivery.webhookId,
      eventId: delivery.eventId,
      reason: result.reason,
    });
}
