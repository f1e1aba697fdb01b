/**
 * Call detail records end to end on the local cloud: calls through the virtual PSTN (answered with a hold
 * and a disposition, abandoned in the queue, dropped in the menu) become one row each in the lake —
 * through the live table's stream, Kinesis, the local Firehose stand-in and Parquet — and the reports API
 * reads them through the Athena API (DuckDB locally). A replay of the stream adds no row and no count;
 * another tenant's reports never show them.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomTenantId, signIn } from '../support/auth.ts';
import { api, type TestDesk } from '../support/contact-center.ts';
import { joined } from '../support/conversation.ts';
import { type DeskRig, deskRig } from '../support/desk-rig.ts';
import { localCloud } from '../support/local-cloud.ts';
import { replayTenantRecords } from '../support/replay-stream.ts';

const cloud = localCloud();
const { webUrl, clients, config } = cloud;

const say = (text: string) => ({ say: { 'en-US': text } });
const MENU_FLOW = {
  schemaVersion: 1,
  name: 'cdr menu',
  languages: ['en-US'],
  start: 'menu',
  nodes: {
    menu: {
      type: 'menu',
      prompt: say('Press 1 for sales.'),
      options: { '1': 'q' },
      timeoutSeconds: 5,
      exhausted: 'bye',
    },
    q: { type: 'enqueue', queue: 'sales' },
    bye: { type: 'hangup', prompt: say('Goodbye.') },
  },
};

let rig: DeskRig;
let desk: TestDesk;
const today = new Date().toISOString().slice(0, 10);
const range = (() => {
  const shift = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  return `from=${shift(-1)}&to=${shift(1)}`;
})();
const calls: { answered?: string; abandoned?: string; dropped?: string } = {};
let endedAt = 0;

beforeAll(async () => {
  rig = await deskRig(cloud, {
    name: 'cdr',
    queues: { sales: { name: 'Sales', acwSeconds: null, serviceLevelSeconds: 20 } },
    agents: 1,
    firstCaller: 7000,
    flow: MENU_FLOW,
  });
  desk = rig.desks[0] as TestDesk;
});

afterAll(() => rig?.close());

/** The tenant's CDR files in the lake. */
const lakeFiles = async () =>
  (
    await clients.s3.send(
      new ListObjectsV2Command({ Bucket: config.buckets.lake, Prefix: `cdr/tenant=${rig.tenant.tenant}/` }),
    )
  ).KeyCount ?? 0;
const report = async (name: string, user = rig.center.supervisor) => {
  const answer = await api(webUrl, user, 'GET', `/reports/${name}?${range}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const body = answer.body as { columns: { name: string }[]; rows: unknown[][] };
  return body.rows.map((row) => Object.fromEntries(body.columns.map((c, i) => [c.name, row[i]])));
};

describe('call detail records', () => {
  it('makes one row per call, with its path, queue, agent, hold, disposition and cost', async () => {
    // Answered, held once, wrapped up with a disposition.
    await rig.onlyReady(desk);
    const caller = await rig.phones.dial('+14255557001', rig.tenant.number);
    await caller.waitToHear(/Press 1/);
    caller.press('1');
    const offer = await desk.nextOffer();
    calls.answered = offer.callId;
    expect((await desk.call('POST', `/agent/calls/${offer.callId}/accept`)).status).toBe(200);
    await joined(desk.seat, offer.callId, 1);
    expect((await desk.call('POST', '/agent/call/hold')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await desk.call('POST', '/agent/call/resume')).status).toBe(200);
    caller.hangup();
    await expect.poll(async () => (await desk.state()).status, { timeout: 10_000 }).toBe('after-call');
    expect((await desk.call('POST', '/agent/wrap-up', { code: 'resolved', notes: 'cdr test' })).status).toBe(
      200,
    );

    // Abandoned in the queue (nobody ready), and dropped in the menu.
    await rig.onlyReady();
    const waiting = await rig.phones.dial('+14255557002', rig.tenant.number);
    await waiting.waitToHear(/Press 1/);
    waiting.press('1');
    await waiting.waitToHear(/hold-music/);
    await new Promise((r) => setTimeout(r, 1_500));
    waiting.hangup();
    const dropped = await rig.phones.dial('+14255557003', rig.tenant.number);
    await dropped.waitToHear(/Press 1/);
    dropped.hangup();
    await dropped.waitFor('ended');
    endedAt = Date.now();

    let rows: Record<string, unknown>[] = [];
    await expect
      .poll(
        async () => {
          rows = await report('inbound-detail');
          return rows.length;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(3);
    // The time from the last call's end until its row is queryable (reported in the closing note).
    console.info(`[call-records] last call's row queryable ${Date.now() - endedAt} ms after it ended`);
    const answered = rows.find((r) => r.call_id === calls.answered);
    expect(answered).toMatchObject({
      outcome: 'answered',
      caller_number: '+14255557001',
      called_number: rig.tenant.number,
      queue_id: 'sales',
      agent_id: desk.agentId,
      hold_count: 1,
      disposition_code: 'resolved',
      transfer_count: 0,
    });
    expect(answered?.hold_s).toBeGreaterThanOrEqual(0.9);
    expect(answered?.acw_s).toBeGreaterThan(0);
    expect(answered?.cost_total_usd).toBeGreaterThan(0);
    const abandoned = rows.find((r) => r.caller_number === '+14255557002');
    expect(abandoned).toMatchObject({ outcome: 'abandoned', queue_id: 'sales', agent_id: null });
    expect(abandoned?.wait_s).toBeGreaterThanOrEqual(1);
    calls.abandoned = String(abandoned?.call_id);
    const drop = rows.find((r) => r.caller_number === '+14255557003');
    expect(drop).toMatchObject({ outcome: 'ivr', queue_id: null });
    calls.dropped = String(drop?.call_id);

    expect(await report('ivr-drop-off')).toEqual([expect.objectContaining({ node: 'menu', ended_here: 1 })]);
    const [sales] = await report('queue-service-level');
    expect(sales).toMatchObject({
      queue_id: 'sales',
      queued: 2,
      answered: 1,
      abandoned: 1,
      short_abandoned: 1,
    });
    const agent = (await report('agent-performance')).find((r) => r.agent_id === desk.agentId);
    expect(agent).toMatchObject({ calls: 1 });
    expect(agent?.staffed_s).toBeGreaterThan(0);
  });

  it('counts today’s calls in real time, once each', async () => {
    await expect
      .poll(async () => (await api(webUrl, rig.center.supervisor, 'GET', '/counters/today')).body.total, {
        timeout: 15_000,
      })
      .toMatchObject({ calls: 3, queued: 2, answered: 1, abandoned: 1, shortAbandoned: 1 });
  });

  it('keeps one row and one count per call when the stream is replayed', async () => {
    const filesBefore = await lakeFiles();
    const replayed = await replayTenantRecords(clients, config.streams['call-events'], rig.tenant.tenant);
    expect(replayed.cdrs).toBeGreaterThanOrEqual(3);
    await expect.poll(lakeFiles, { timeout: 20_000 }).toBeGreaterThan(filesBefore);
    expect((await report('inbound-detail')).map((r) => r.call_id).sort()).toEqual(
      [calls.answered, calls.abandoned, calls.dropped].sort(),
    );
    expect((await report('daily-traffic')).find((r) => r.call_date === today)).toMatchObject({ calls: 3 });
    // The counters saw every record again and counted nothing twice.
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await api(webUrl, rig.center.supervisor, 'GET', '/counters/today')).body.total).toMatchObject({
      calls: 3,
      answered: 1,
    });
  });

  it('shows another tenant none of them, and agents no reports at all', async () => {
    const other = await signIn(webUrl, {
      tenantId: randomTenantId('cdr-other'),
      groups: ['supervisor', 'admin'],
    });
    for (const name of ['inbound-detail', 'daily-traffic', 'queue-service-level', 'agent-performance'])
      expect(await report(name, other)).toEqual([]);
    expect((await api(webUrl, other, 'GET', '/counters/today')).body.total).toMatchObject({ calls: 0 });
    const agentAnswer = await api(
      webUrl,
      rig.center.agents[0] as never,
      'GET',
      `/reports/inbound-detail?${range}`,
    );
    expect(agentAnswer.status).toBe(403);
  });

  it('refuses a bad range or an unknown report with a clear 4xx', async () => {
    const bad = await api(
      webUrl,
      rig.center.supervisor,
      'GET',
      '/reports/daily-traffic?from=2026-02-30&to=2026-01-01',
    );
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toMatch(/from is not a real date/);
    const backwards = await api(
      webUrl,
      rig.center.supervisor,
      'GET',
      '/reports/daily-traffic?from=2026-02-01&to=2026-01-01',
    );
    expect(backwards.body.message).toMatch(/to must not be before from/);
    expect((await api(webUrl, rig.center.supervisor, 'GET', `/reports/nope?${range}`)).status).toBe(404);
  });
});
