/**
 * The call detail record, pure: outcomes, figures and cost from a call's live record; agent events and
 * segments; what a call adds to today's counters; when a record is sent (and which version); recordings'
 * entries, searches and retention; report ranges.
 */
import { describe, expect, it } from 'vitest';
import { agentEvent, finishedSegment } from '../../layers/domain/cdr/agent-events.ts';
import {
  buildCdr,
  type CallDetailRecord,
  callComplete,
  callCost,
  localTime,
  overdue,
  type StoredCall,
} from '../../layers/domain/cdr/call-detail-record.ts';
import { figuresOf, intervalCounts } from '../../layers/domain/cdr/interval-counts.ts';
import { PRICE_TABLE } from '../../layers/domain/cdr/price-table.ts';
import { type PublishPorts, publishCdr } from '../../layers/domain/cdr/publish-cdr.ts';
import { ValidationError } from '../../layers/domain/errors.ts';
import {
  matches,
  parseRecordingSearch,
  parseRetentionMonths,
  recordingEntry,
  retainUntil,
} from '../../layers/domain/recordings/recordings.ts';
import { reportRange } from '../../layers/domain/reports/report-range.ts';
import { type AgentState, offlineAgent } from '../../layers/domain/routing/agent-state.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';

const at = (s: number) => new Date(Date.parse('2026-11-20T15:00:00Z') + s * 1000).toISOString();
const ctx = {
  timezone: 'America/Los_Angeles',
  serviceLevelSeconds: 20,
  region: 'us-east-1',
  now: new Date(at(3600)),
};
const entry = (enqueued: number, extra: Record<string, unknown> = {}) => ({
  queueId: 'sales',
  callId: 'c1',
  priority: 0,
  enqueuedAt: at(enqueued),
  skills: {},
  declinedBy: [],
  ...extra,
});
const base: StoredCall = {
  tenant: 't1',
  callId: 'c1',
  caller: '+14255550123',
  dialled: '+12065550100',
  startedAt: at(0),
  status: 'ended',
  ivrPath: ['welcome', 'menu', 'sales'],
  queue: { id: 'sales' },
};
const segment = {
  agentId: 'a1',
  queueId: 'sales',
  offeredAt: at(29),
  answeredAt: at(30),
  holdMs: 15_000,
  holdCount: 2,
  acwStartedAt: at(270),
  acwEndedAt: at(300),
};
const answeredCall: StoredCall = {
  ...base,
  answeredAt: at(30),
  endedAt: at(270),
  endReason: 'caller-hung-up',
  routing: {
    version: 4,
    state: 'gone',
    agentId: 'a1',
    entry: entry(20),
    timeline: { offeredAt: at(29), answeredAt: at(30) },
  },
  queuedAt: at(20),
  firstQueueId: 'sales',
  lastAnsweredBy: 'a1',
  lastAnsweredAt: at(30),
  segments: { [`a1#${at(30)}`]: segment },
  disposition: { code: 'sale', notes: 'two seats' },
  recording: 's3://rec/tenants/t1/call-recordings/x.wav',
  transfers: 1,
};

describe('a call detail record', () => {
  it('has the timeline, figures and parties of an answered call', () => {
    const cdr = buildCdr(answeredCall, 2, ctx);
    expect(cdr).toMatchObject({
      record_id: 'cdr:c1:2',
      record_version: 2,
      dt: '2026-11-20',
      direction: 'inbound',
      initiation: 'inbound',
      outcome: 'answered',
      caller_number: '+14255550123',
      called_number: '+12065550100',
      ivr_ended_at: at(20),
      enqueued_at: at(20),
      offered_at: at(29),
      answered_at: at(30),
      ended_at: at(270),
      acw_ended_at: at(300),
      local_date: '2026-11-20',
      local_hour: 7,
      ivr_path: 'welcome>menu>sales',
      ivr_last_node: 'sales',
      queue_id: 'sales',
      agent_id: 'a1',
      ivr_s: 20,
      wait_s: 10,
      talk_s: 240 - 15,
      hold_s: 15,
      hold_count: 2,
      acw_s: 30,
      transfer_count: 1,
      disposition_code: 'sale',
      disconnect_side: 'caller',
      answered_within_target: true,
      abandoned: false,
    });
  });

  it('tells abandoned (and short) calls, calls that ended in the menu, and unanswered calls out apart', () => {
    const abandoned = buildCdr(
      { ...base, endedAt: at(23), routing: { version: 2, state: 'gone', entry: entry(20) } },
      1,
      ctx,
    );
    expect(abandoned).toMatchObject({
      outcome: 'abandoned',
      abandoned: true,
      short_abandon: true,
      wait_s: 3,
      agent_id: null,
    });
    const late = buildCdr(
      { ...base, endedAt: at(60), routing: { version: 2, state: 'gone', entry: entry(20) } },
      1,
      ctx,
    );
    expect(late).toMatchObject({ abandoned: true, short_abandon: false, answered_within_target: null });
    expect(buildCdr({ ...base, queue: undefined, endedAt: at(8) }, 1, ctx)).toMatchObject({
      outcome: 'ivr',
      enqueued_at: null,
      wait_s: null,
      ivr_s: 8,
    });
    const out = buildCdr(
      {
        ...base,
        direction: 'outbound',
        caller: '+14255550999',
        endedAt: at(20),
        routing: { version: 2, state: 'gone', agentId: 'a1', entry: entry(0, { outbound: true }) },
      },
      1,
      ctx,
    );
    expect(out).toMatchObject({
      direction: 'outbound',
      initiation: 'outbound',
      outcome: 'unanswered',
      caller_number: '+12065550100',
      called_number: '+14255550999',
      agent_id: 'a1',
      enqueued_at: null,
    });
    expect(buildCdr({ ...base, endedAt: at(60), voicemail: 's3://x' }, 1, ctx).outcome).toBe('voicemail');
  });

  it('counts an open recording pause up to the end of the call', () => {
    const cdr = buildCdr(
      { ...answeredCall, recordingPauseCount: 2, recordingPausedMs: 4_000, recordingPausedAt: at(260) },
      1,
      ctx,
    );
    expect(cdr).toMatchObject({ recording_pause_count: 2, recording_paused_s: 14 });
  });

  it('costs PSTN minutes at the number’s rate, SMA minutes per leg, and the platform’s usage', () => {
    const local = callCost({
      outbound: false,
      dialled: '+12065550100',
      startedAt: at(0),
      answeredAt: at(60),
      endedAt: at(300),
      recorded: true,
    });
    expect(local.telephony_minutes).toBe(5);
    expect(local.cost_telephony_usd).toBeCloseTo(5 * PRICE_TABLE.didInboundMinute, 6);
    expect(local.sma_minutes).toBe(5 + 4);
    expect(local.cost_sma_usd).toBeCloseTo(9 * PRICE_TABLE.smaLegMinute, 6);
    expect(local.cost_platform_usd).toBeGreaterThan(
      4 * (PRICE_TABLE.attendeeMinute + PRICE_TABLE.recordingMinute),
    );
    expect(local.cost_total_usd).toBeCloseTo(
      local.cost_telephony_usd + local.cost_sma_usd + local.cost_platform_usd,
      6,
    );
    const tollFree = callCost({
      outbound: false,
      dialled: '+18005550100',
      startedAt: at(0),
      answeredAt: undefined,
      endedAt: at(60),
      recorded: false,
    });
    expect(tollFree.cost_telephony_usd).toBeCloseTo(PRICE_TABLE.tollFreeInboundMinute, 6);
    expect(local.price_table).toBe(PRICE_TABLE.date);
  });

  it('reads dates and hours on the tenant’s wall clock, across daylight saving and with unknown zones', () => {
    expect(localTime('2026-11-20T07:59:00Z', 'America/Los_Angeles')).toEqual({
      date: '2026-11-19',
      hour: 23,
      interval: '2345',
    });
    expect(localTime('2026-07-01T07:00:00Z', 'America/Los_Angeles')).toMatchObject({
      date: '2026-07-01',
      hour: 0,
    });
    expect(localTime('2026-11-20T10:20:00Z', 'Nowhere/Else')).toEqual({
      date: '2026-11-20',
      hour: 10,
      interval: '1015',
    });
  });

  it('is complete when the call ended and its last agent wrapped up; overdue after 30 minutes without it', () => {
    expect(callComplete(answeredCall)).toBe(true);
    expect(callComplete({ ...answeredCall, segments: {} })).toBe(false);
    expect(callComplete({ ...answeredCall, status: 'connected' })).toBe(false);
    expect(callComplete({ ...base, endedAt: at(8) })).toBe(true);
    expect(overdue({ ...answeredCall, segments: {} }, new Date(at(270 + 29 * 60)))).toBe(false);
    expect(overdue({ ...answeredCall, segments: {} }, new Date(at(270 + 30 * 60)))).toBe(true);
  });
});

describe('agent events and segments', () => {
  const agent = (
    status: AgentState['status'],
    since: number,
    extra: Partial<AgentState> = {},
  ): AgentState => ({
    ...offlineAgent('a1', new Date(at(since))),
    status,
    version: since,
    ...extra,
  });
  const call = {
    callId: 'c1',
    queueId: 'sales',
    offeredAt: at(29),
    answeredAt: at(30),
    holdMs: 5_000,
    holdCount: 1,
  };

  it('records a change of status or reason with its duration, and nothing for a hold', () => {
    const e = agentEvent('t1', agent('available', 10), agent('on-call', 30, { call }), { ...ctx });
    expect(e).toMatchObject({
      record_id: 'agent-event:a1:30',
      from_status: 'available',
      to_status: 'on-call',
      duration_s: 20,
      call_id: 'c1',
    });
    const held = agentEvent(
      't1',
      agent('on-call', 30, { call }),
      { ...agent('on-call', 30, { call }), version: 31 },
      ctx,
    );
    expect(held).toBeUndefined();
    expect(
      agentEvent(
        't1',
        agent('not-ready', 5, { reason: 'lunch' }),
        agent('not-ready', 9, { reason: 'training' }),
        ctx,
      ),
    ).toMatchObject({
      from_reason: 'lunch',
      to_reason: 'training',
    });
    expect(agentEvent('t1', undefined, agent('not-ready', 1, { reason: 'logged-in' }), ctx)).toMatchObject({
      from_status: 'offline',
      duration_s: 0,
    });
  });

  it('closes the agent’s segment when wrap-up ends, a hold still open at the end counted to it', () => {
    const done = finishedSegment(
      agent('after-call', 270, { call: { ...call, holdSince: at(260) } }),
      agent('available', 300),
    );
    expect(done).toEqual({
      callId: 'c1',
      segment: {
        agentId: 'a1',
        queueId: 'sales',
        offeredAt: at(29),
        answeredAt: at(30),
        holdMs: 15_000,
        holdCount: 1,
        acwStartedAt: at(270),
        acwEndedAt: at(300),
      },
    });
    expect(
      finishedSegment(agent('on-call', 30, { call }), agent('after-call', 270, { call })),
    ).toBeUndefined();
  });
});

describe('today’s counters', () => {
  it('count a call in its queue and in the day’s row, in the tenant’s 15-minute interval', () => {
    const rows = intervalCounts(buildCdr(answeredCall, 1, ctx));
    expect(rows.map((r) => [r.queueId, r.localDate, r.interval])).toEqual([
      ['ALL', '2026-11-20', '0700'],
      ['sales', '2026-11-20', '0700'],
    ]);
    expect(rows[0]?.add).toMatchObject({
      calls: 1,
      queued: 1,
      answered: 1,
      answeredInTarget: 1,
      abandoned: 0,
      waitMs: 10_000,
    });
    const figures = figuresOf(
      {
        calls: 4,
        queued: 4,
        answered: 2,
        answeredInTarget: 1,
        abandoned: 2,
        abandonedAfterTarget: 1,
        shortAbandoned: 1,
        waitMs: 30_000,
      },
      'sales',
      '0700',
    );
    expect(figures).toMatchObject({ serviceLevel: 1 / 3, asaSeconds: 15 });
  });
});

describe('sending a record', () => {
  /** A call record's version and hash as a store keeps them, with what was put and confirmed. */
  function ports() {
    const sent: CallDetailRecord[] = [];
    const confirmed: number[] = [];
    const kept = { version: 0, hash: '' };
    const p: PublishPorts = {
      context: async () => ({ timezone: 'UTC', serviceLevelSeconds: 20, region: 'us-east-1' }),
      put: async (records) => {
        sent.push(...records);
      },
      reserve: async (_t, _c, version, previous, hash) => {
        if (kept.version !== previous) return false;
        Object.assign(kept, { version, hash });
        return true;
      },
      confirm: async (_t, _c, version) => {
        confirmed.push(version);
      },
      now: () => new Date(at(3600)),
    };
    return { p, sent, confirmed, kept };
  }
  const t = tenantId('t-1');

  it('sends version 1, nothing again for the same content, version 2 when it changed', async () => {
    const { p, sent, confirmed, kept } = ports();
    expect(await publishCdr(p, t, answeredCall, 'stream')).toBe('sent');
    const stored = { ...answeredCall, cdrVersion: kept.version, cdrHash: kept.hash };
    expect(await publishCdr(p, t, stored, 'stream')).toBe('unchanged');
    expect(await publishCdr(p, t, { ...stored, disposition: { code: 'other' } }, 'stream')).toBe('sent');
    expect(sent.map((r) => r.record_id)).toEqual(['cdr:c1:1', 'cdr:c1:2']);
    expect(confirmed).toEqual([1, 2]);
  });

  it('never sends two contents under one version: the second sender finds the version taken', async () => {
    const { p, sent } = ports();
    expect(await publishCdr(p, t, answeredCall, 'stream')).toBe('sent');
    // A sender still reading the record as it was before (no version yet), with other content.
    expect(await publishCdr(p, t, { ...answeredCall, disposition: { code: 'other' } }, 'sweep')).toBe(
      'raced',
    );
    expect(sent).toHaveLength(1);
  });

  it('has the sweep send again a version taken but never confirmed (the put failed)', async () => {
    const { p, sent, kept } = ports();
    const failing: PublishPorts = { ...p, put: async () => Promise.reject(new Error('Kinesis is down')) };
    await expect(publishCdr(failing, t, answeredCall, 'stream')).rejects.toThrow(/down/);
    expect(sent).toHaveLength(0);
    const stored = { ...answeredCall, cdrVersion: kept.version, cdrHash: kept.hash };
    // The stream's retry sees its old image: the version is taken, nothing is sent twice under it…
    expect(await publishCdr(p, t, answeredCall, 'stream')).toBe('raced');
    // …and the sweep, finding the call still listed, sends the taken version.
    expect(await publishCdr(p, t, stored, 'sweep')).toBe('sent');
    expect(sent.map((r) => r.record_id)).toEqual(['cdr:c1:1']);
  });

  it('waits for the agent’s wrap-up, unless the sweep finds it overdue', async () => {
    const { p, sent } = ports();
    const open = { ...answeredCall, segments: {}, endedAt: at(0) };
    expect(await publishCdr(p, t, open, 'stream')).toBe('not-over');
    expect(await publishCdr(p, t, open, 'sweep')).toBe('sent');
    expect(sent[0]?.acw_s).toBeNull();
  });
});

describe('recordings', () => {
  it('index a recorded call, and only a recorded one', () => {
    const cdr = buildCdr({ ...answeredCall, attributes: { customerId: 'K-42' } }, 1, ctx);
    expect(recordingEntry(cdr)).toMatchObject({
      callId: 'c1',
      durationS: 240,
      agentId: 'a1',
      customerId: 'K-42',
      disposition: 'sale',
    });
    expect(recordingEntry({ ...cdr, recording_location: null })).toBeUndefined();
  });

  it('keep 14 months by default, and take 1 to 120', () => {
    expect(retainUntil('2026-11-20T15:00:00.000Z', 14).toISOString()).toBe('2028-01-20T15:00:00.000Z');
    expect(parseRetentionMonths({ months: 24 })).toBe(24);
    for (const bad of [{ months: 0 }, { months: 121 }, { months: 1.5 }, {}, null])
      expect(() => parseRetentionMonths(bad)).toThrow(ValidationError);
  });

  it('are searched over a day by default, with filters checked and times without an offset read as UTC', () => {
    const now = new Date('2026-11-20T15:00:00Z');
    expect(parseRecordingSearch({}, now)).toEqual({
      from: '2026-11-19T15:00:00.000Z',
      to: now.toISOString(),
      limit: 50,
    });
    expect(parseRecordingSearch({ from: '2026-11-20T08:00', caller: '+1425' }, now)).toMatchObject({
      from: '2026-11-20T08:00:00.000Z',
      caller: '+1425',
    });
    expect(() => parseRecordingSearch({ from: 'yesterday' }, now)).toThrow(/ISO 8601/);
    expect(() => parseRecordingSearch({ agentId: 'a#b' }, now)).toThrow(/without #/);
    expect(() => parseRecordingSearch({ limit: '500' }, now)).toThrow(/limit/);
    const entry = recordingEntry(buildCdr(answeredCall, 1, ctx));
    if (entry === undefined) throw new Error('no entry');
    const search = parseRecordingSearch({ from: at(-60), to: at(60), agentId: 'a1' }, now);
    expect(matches(entry, search)).toBe(true);
    expect(matches(entry, { ...search, disposition: 'none' })).toBe(false);
  });
});

describe('report ranges', () => {
  it('take two real dates in order, at most three years apart', () => {
    expect(reportRange({ from: '2026-01-01', to: '2026-12-31' })).toEqual({
      from: '2026-01-01',
      to: '2026-12-31',
    });
    expect(() => reportRange({ from: '2026-02-30', to: '2026-03-01' })).toThrow(/real date/);
    expect(() => reportRange({ from: '2026-03-01', to: '2026-02-01' })).toThrow(/before/);
    expect(() => reportRange({ from: '2020-01-01', to: '2026-01-01' })).toThrow(/3 years/);
    expect(() => reportRange({})).toThrow(/from must be a date/);
  });
});
