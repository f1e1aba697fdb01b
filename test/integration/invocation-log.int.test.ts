/**
 * Once-per-invocation handling against DynamoDB Local, with the timings of the SMA's retry compressed:
 * a duplicate waits for a slow first copy, a copy that died is taken over after its lease, and a copy that
 * lost its claim answers what the winner stored.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoDbInvocationLog } from '../../layers/adapters/dynamodb-invocation-log.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { localCloud } from '../support/local-cloud.ts';

const { clients, config } = localCloud();
const tenant = tenantId(`once-${randomUUID().slice(0, 8)}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (leaseMs: number) =>
  new DynamoDbInvocationLog(clients.documents, config.tables.live, { leaseMs, waitMs: 3_000, pollMs: 10 });

describe('the invocation log', () => {
  it('makes a duplicate wait for a slow first copy and return its response; the work runs once', async () => {
    const invocations = log(2_000);
    let runs = 0;
    const work = async () => {
      runs += 1;
      await sleep(300);
      return { answer: runs };
    };
    const callId = randomUUID();
    const first = invocations.once(tenant, callId, '1:NEW_INBOUND_CALL:', work);
    await sleep(50);
    const retry = invocations.once(tenant, callId, '1:NEW_INBOUND_CALL:', work);
    expect(await retry).toEqual(await first);
    expect(runs).toBe(1);
    expect(await invocations.once(tenant, callId, '1:NEW_INBOUND_CALL:', work)).toEqual({ answer: 1 });
    expect(await invocations.once(tenant, callId, '2:ACTION_SUCCESSFUL:Speak', work)).toEqual({ answer: 2 });
  });

  it('lets the next copy take over the claim of a copy that died, after its lease', async () => {
    const invocations = log(200);
    const callId = randomUUID();
    // The first copy claims, then "dies": its work never finishes.
    const died = invocations.once(
      tenant,
      callId,
      '1:HANGUP:Hangup',
      () => new Promise<never>(() => undefined),
    );
    await sleep(30);
    const started = Date.now();
    expect(await invocations.once(tenant, callId, '1:HANGUP:Hangup', async () => 'retry did it')).toBe(
      'retry did it',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    void died;
  });

  it('answers the winner’s response from a copy that lost its claim while stalled', async () => {
    const invocations = log(150);
    const callId = randomUUID();
    const stalled = invocations.once(tenant, callId, '3:ACTION_SUCCESSFUL:Speak', async () => {
      await sleep(600); // past its lease: another copy takes over meanwhile
      return 'stalled copy';
    });
    await sleep(250);
    const winner = await invocations.once(tenant, callId, '3:ACTION_SUCCESSFUL:Speak', async () => 'winner');
    expect(winner).toBe('winner');
    expect(await stalled).toBe('winner');
  });

  it('lets a copy that failed be retried at once', async () => {
    const invocations = log(5_000);
    const callId = randomUUID();
    await expect(
      invocations.once(tenant, callId, '4:ACTION_FAILED:Speak', async () => {
        throw new Error('DynamoDB throttled');
      }),
    ).rejects.toThrow('DynamoDB throttled');
    expect(await invocations.once(tenant, callId, '4:ACTION_FAILED:Speak', async () => 'second try')).toBe(
      'second try',
    );
  });
});
