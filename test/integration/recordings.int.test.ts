/**
 * Recordings on the local cloud: a recorded call (its agent pauses the recording while a card number is
 * read) is indexed from its detail record, found by caller, agent, queue and disposition, and played
 * through a short-lived signed link as a WAV of the call's length; another tenant never finds it. A legal
 * hold takes its expiry off; when its retention runs out, DynamoDB's TTL removes the entry and the
 * recording is deleted from S3.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { recordingKeys } from '../../layers/resources/keys.ts';
import { randomTenantId, signIn } from '../support/auth.ts';
import { api, type TestDesk } from '../support/contact-center.ts';
import { type DeskRig, deskRig } from '../support/desk-rig.ts';
import { localCloud } from '../support/local-cloud.ts';

const cloud = localCloud();
const { webUrl, clients, config } = cloud;

let rig: DeskRig;
let desk: TestDesk;
let callId: string;
let recording: Record<string, unknown>;

beforeAll(async () => {
  rig = await deskRig(cloud, {
    name: 'rec',
    queues: { sales: { name: 'Sales', acwSeconds: null, record: true } },
    agents: 1,
    firstCaller: 7100,
  });
  desk = rig.desks[0] as TestDesk;
});

afterAll(() => rig?.close());

const search = (query: string, user = rig.center.supervisor) =>
  api(webUrl, user, 'GET', `/recordings?${query}`);

/** A WAV's length in seconds, from its header. */
function wavSeconds(bytes: Buffer): number {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  const byteRate = bytes.readUInt32LE(28);
  let offset = 12;
  while (offset < bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'data') return size / byteRate;
    offset += 8 + size;
  }
  throw new Error('no data chunk');
}

describe('recordings', () => {
  it('indexes a recorded call with its pauses, and finds it by caller, agent, queue and disposition', async () => {
    await rig.onlyReady(desk);
    const { caller, callId: id } = await rig.connectedTo(desk);
    callId = id;
    const paused = await desk.call('POST', '/agent/call/recording', { paused: true });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await desk.call('POST', '/agent/call/recording', { paused: false })).status).toBe(200);
    expect((await desk.call('POST', '/agent/call/recording', { paused: 'yes' })).status).toBe(400);
    await new Promise((r) => setTimeout(r, 1_000));
    caller.hangup();
    await expect.poll(async () => (await desk.state()).status, { timeout: 10_000 }).toBe('after-call');
    expect((await desk.call('POST', '/agent/wrap-up', { code: 'resolved' })).status).toBe(200);

    await expect
      .poll(
        async () =>
          ((await search(`caller=${encodeURIComponent(caller.from)}`)).body.recordings as unknown[]).length,
        {
          timeout: 20_000,
        },
      )
      .toBe(1);
    const byCaller = (await search(`caller=${encodeURIComponent(caller.from)}`)).body.recordings as Record<
      string,
      unknown
    >[];
    recording = byCaller[0] as Record<string, unknown>;
    expect(recording).toMatchObject({
      callId,
      caller: caller.from,
      agentId: desk.agentId,
      queueId: 'sales',
      disposition: 'resolved',
      pauseCount: 1,
      legalHold: false,
    });
    expect(recording.pausedS).toBeGreaterThanOrEqual(0.9);
    for (const query of [`agentId=${desk.agentId}`, 'queueId=sales', 'disposition=resolved', ''])
      expect(
        ((await search(query)).body.recordings as { callId: string }[]).map((r) => r.callId),
        query,
      ).toEqual([callId]);
    expect((await search('agentId=someone-else')).body.recordings).toEqual([]);
    expect((await search('from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z')).body.recordings).toEqual([]);
    expect((await search('from=yesterday')).status).toBe(400);
    // The pause shows in the call's detail record too.
    const today = new Date().toISOString().slice(0, 10);
    const row = async () => {
      const detail = await api(
        webUrl,
        rig.center.supervisor,
        'GET',
        `/reports/inbound-detail?from=${today}&to=${today}`,
      );
      const names = (detail.body.columns as { name: string }[]).map((c) => c.name);
      const found = (detail.body.rows as unknown[][]).find((r) => r[0] === callId);
      return found === undefined ? undefined : Object.fromEntries(names.map((n, i) => [n, found[i]]));
    };
    await expect.poll(row, { timeout: 20_000 }).toBeDefined();
    const cdr = (await row()) as Record<string, unknown>;
    expect(cdr.recording_pause_count).toBe(1);
    expect(String(cdr.recording_location)).toMatch(
      new RegExp(`^s3://${config.buckets.recordings}/tenants/${rig.tenant.tenant}/`),
    );
  });

  it('plays it through a signed link: a WAV as long as the call was recorded', async () => {
    const answer = await api(webUrl, rig.center.supervisor, 'GET', `/recordings/${callId}`);
    expect(answer.status).toBe(200);
    const url = String(answer.body.url);
    expect(url).toMatch(/X-Amz-Signature=/);
    expect(answer.body.expiresInSeconds).toBe(300);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const seconds = wavSeconds(Buffer.from(await response.arrayBuffer()));
    expect(Math.abs(seconds - Number(recording.durationS))).toBeLessThan(1);
    expect(seconds).toBeGreaterThan(2);
  });

  it('never shows another tenant the recording, nor agents', async () => {
    const other = await signIn(webUrl, {
      tenantId: randomTenantId('rec-other'),
      groups: ['supervisor', 'admin'],
    });
    expect(
      (await search(`caller=${encodeURIComponent(String(recording.caller))}`, other)).body.recordings,
    ).toEqual([]);
    expect((await search('', other)).body.recordings).toEqual([]);
    expect((await api(webUrl, other, 'GET', `/recordings/${callId}`)).status).toBe(404);
    expect((await api(webUrl, other, 'PUT', `/recordings/${callId}/legal-hold`, { hold: true })).status).toBe(
      404,
    );
    expect((await search('', rig.center.agents[0] as never)).status).toBe(403);
  });

  it('keeps the tenant’s retention, 14 months by default, and admins change it', async () => {
    expect((await api(webUrl, rig.center.supervisor, 'GET', '/recording-settings')).body).toEqual({
      months: 14,
    });
    const start = Date.parse(String(recording.startedAt));
    const until = new Date(start);
    until.setUTCMonth(until.getUTCMonth() + 14);
    expect(recording.retainUntil).toBe(until.toISOString());
    expect((await api(webUrl, rig.center.admin, 'PUT', '/recording-settings', { months: 0 })).status).toBe(
      400,
    );
    expect(
      (await api(webUrl, rig.center.supervisor, 'PUT', '/recording-settings', { months: 2 })).status,
    ).toBe(403);
    expect((await api(webUrl, rig.center.admin, 'PUT', '/recording-settings', { months: 24 })).body).toEqual({
      months: 24,
    });
    expect((await api(webUrl, rig.center.supervisor, 'GET', '/recording-settings')).body).toEqual({
      months: 24,
    });
  });

  it('holds a recording past its retention, and deletes it when its retention runs out', async () => {
    const tenant = tenantId(rig.tenant.tenant);
    const key = recordingKeys.recording(tenant, String(recording.startedAt), callId);
    const item = async () =>
      (
        await clients.documents.send(
          new GetCommand({ TableName: config.tables.recordings, Key: key, ConsistentRead: true }),
        )
      ).Item;
    const dueOnRetention = recordingKeys.expiryIndex(tenant, callId, String(recording.retainUntil));
    expect(await item()).toMatchObject(dueOnRetention);
    const held = await api(webUrl, rig.center.admin, 'PUT', `/recordings/${callId}/legal-hold`, {
      hold: true,
    });
    expect(held.body.recording).toMatchObject({ legalHold: true });
    expect((await item())?.gsi6pk).toBeUndefined();
    expect(
      (await api(webUrl, rig.center.supervisor, 'PUT', `/recordings/${callId}/legal-hold`, { hold: false }))
        .status,
    ).toBe(403);
    const released = await api(webUrl, rig.center.admin, 'PUT', `/recordings/${callId}/legal-hold`, {
      hold: false,
    });
    expect(released.body.recording).toMatchObject({ legalHold: false });
    expect(await item()).toMatchObject(dueOnRetention);

    // Once the retention sweep has begun to delete a recording, a hold comes too late: a clear 409.
    const claim = (expression: string) =>
      clients.documents.send(
        new UpdateCommand({
          TableName: config.tables.recordings,
          Key: key,
          UpdateExpression: expression,
          ...(expression.startsWith('SET')
            ? { ExpressionAttributeValues: { ':now': new Date().toISOString() } }
            : {}),
        }),
      );
    await claim('SET deletingSince = :now');
    const late = await api(webUrl, rig.center.admin, 'PUT', `/recordings/${callId}/legal-hold`, {
      hold: true,
    });
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/being deleted/);
    await claim('REMOVE deletingSince');

    // The retention runs out (the test moves the recording's due time to the past): the sweep deletes the
    // audio and the entry.
    const [bucket, ...path] = String(recording.location).replace('s3://', '').split('/');
    const exists = async () =>
      clients.s3
        .send(new HeadObjectCommand({ Bucket: bucket, Key: path.join('/') }))
        .then(() => true)
        .catch(() => false);
    expect(await exists()).toBe(true);
    const due = recordingKeys.expiryIndex(tenant, callId, new Date(Date.now() - 1_000).toISOString());
    await clients.documents.send(
      new UpdateCommand({
        TableName: config.tables.recordings,
        Key: key,
        UpdateExpression: 'SET gsi6pk = :pk, gsi6sk = :sk',
        ExpressionAttributeValues: { ':pk': due.gsi6pk, ':sk': due.gsi6sk },
      }),
    );
    await expect.poll(exists, { timeout: 20_000, interval: 500 }).toBe(false);
    expect(await item()).toBeUndefined();
    expect((await api(webUrl, rig.center.supervisor, 'GET', `/recordings/${callId}`)).status).toBe(404);
  });
});
