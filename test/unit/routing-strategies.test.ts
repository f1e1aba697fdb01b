import { describe, expect, it } from 'vitest';
import {
  type AgentState,
  IllegalTransitionError,
  offlineAgent,
  transition,
} from '../../layers/domain/routing/agent-state.ts';
import {
  parseQueueConfig,
  type QueueConfig,
  STRATEGIES,
  type Strategy,
} from '../../layers/domain/routing/queue-config.ts';
import { eligible, hintFor, order, stepThreshold } from '../../layers/domain/routing/strategies.ts';

const now = new Date('2026-11-24T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();

/** An available agent with the metrics the strategies rank by. */
function agent(
  agentId: string,
  m: {
    idle: number;
    login: number;
    idleMs: number;
    talkMs: number;
    calls: number;
    billing: number;
    offered?: number;
  },
): AgentState {
  return {
    ...offlineAgent(agentId, now),
    status: 'available',
    version: 7,
    since: ago(m.idle),
    idleSince: ago(m.idle),
    loginAt: ago(m.login),
    idleMs: m.idleMs,
    talkMs: m.talkMs,
    callsAnswered: m.calls,
    skills: { billing: m.billing },
    queues: { q: 1 },
    lastOffered: m.offered === undefined ? {} : { q: ago(m.offered) },
  };
}

// Each deterministic strategy has exactly one best agent here, a different one for each.
const agents = [
  agent('A', {
    idle: 3000,
    login: 20000,
    idleMs: 0,
    talkMs: 5_000_000,
    calls: 50,
    billing: 3,
    offered: 3000,
  }), // longest idle
  agent('B', {
    idle: 1000,
    login: 1500,
    idleMs: 300_000,
    talkMs: 100_000,
    calls: 20,
    billing: 3,
    offered: 1000,
  }), // idle ratio .87
  agent('C', { idle: 100, login: 200, idleMs: 50_000, talkMs: 10_000, calls: 30, billing: 3, offered: 100 }), // least talk
  agent('D', {
    idle: 50,
    login: 20000,
    idleMs: 8_000_000,
    talkMs: 60_000,
    calls: 40,
    billing: 3,
    offered: 50,
  }), // talk ratio .003
  agent('E', {
    idle: 20,
    login: 10000,
    idleMs: 100_000,
    talkMs: 9_000_000,
    calls: 1,
    billing: 3,
    offered: 20,
  }), // fewest calls
  agent('F', {
    idle: 10,
    login: 10000,
    idleMs: 100_000,
    talkMs: 5_000_000,
    calls: 60,
    billing: 5,
    offered: 10,
  }), // top skill
  agent('G', {
    idle: 5,
    login: 10000,
    idleMs: 100_000,
    talkMs: 5_000_000,
    calls: 70,
    billing: 1,
    offered: 5,
  }), // lowest skill
  agent('H', { idle: 2, login: 10000, idleMs: 100_000, talkMs: 5_000_000, calls: 80, billing: 3 }), // never offered
  agent('I', {
    idle: 1,
    login: 10000,
    idleMs: 100_000,
    talkMs: 5_000_000,
    calls: 90,
    billing: 3,
    offered: 1,
  }), // random's pick
];

function queueWith(strategy: Strategy, extra: Record<string, unknown> = {}): QueueConfig {
  return parseQueueConfig({ name: 'q', strategy, routingSkill: 'billing', ...extra });
}

/** What a dispatcher would pick: hints sorted by rank as the AVAIL partition returns them, then ordered. */
function pick(queue: QueueConfig, pool: readonly AgentState[], waitedSeconds = 0): string[] {
  // The random strategy's ranks: I draws the smallest number.
  const draws = new Map(pool.map((a, i) => [a.agentId, a.agentId === 'I' ? 0.001 : 0.5 + i / 100]));
  const hints = pool
    .map((a) => hintFor(queue.strategy, a, 'q', queue, () => draws.get(a.agentId) as number))
    .sort((x, y) => x.rank.localeCompare(y.rank));
  const call = { skills: {}, enqueuedAt: ago(waitedSeconds) };
  const ordered = order(queue.strategy, hints, now).filter((h) => eligible(h, call, queue, now));
  return queue.strategy === 'ring-all'
    ? ordered.map((h) => h.agentId)
    : ordered.slice(0, 1).map((h) => h.agentId);
}

describe('routing strategies', () => {
  const expected: Record<Exclude<Strategy, 'ring-all' | 'skill-steps'>, string> = {
    'longest-idle': 'A',
    'highest-idle-ratio': 'B',
    'least-talk-time': 'C',
    'least-talk-ratio': 'D',
    'fewest-calls': 'E',
    'highest-skill': 'F',
    'lowest-skill': 'G',
    'round-robin': 'H',
    random: 'I',
  };

  for (const [strategy, winner] of Object.entries(expected)) {
    it(`${strategy} picks ${winner}, an agent no other strategy picks`, () => {
      expect(pick(queueWith(strategy as Strategy), agents)).toEqual([winner]);
      const others = Object.entries(expected).filter(([s]) => s !== strategy);
      for (const [other] of others) expect(pick(queueWith(other as Strategy), agents)).not.toEqual([winner]);
    });
  }

  it('ring-all rings every eligible agent at once', () => {
    expect(pick(queueWith('ring-all'), agents).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I']);
  });

  it('skill-steps waits for an expert first, then lowers the bar step by step', () => {
    const queue = queueWith('skill-steps', {
      steps: [
        { minLevel: 5, forSeconds: 20 },
        { minLevel: 3, forSeconds: 20 },
      ],
    });
    const noExpert = agents.filter((a) => a.agentId !== 'F');
    expect(pick(queue, agents, 5)).toEqual(['F']);
    expect(pick(queue, noExpert, 5)).toEqual([]); // highest-skill would take A now
    expect(pick(queueWith('highest-skill'), noExpert)).toEqual(['A']);
    expect(pick(queue, noExpert, 25)).toEqual(['A']); // level 3 is enough after 20 s
    expect(pick(queue, [agents[6] as AgentState], 25)).toEqual([]); // G (level 1) still too junior
    expect(pick(queue, [agents[6] as AgentState], 45)).toEqual(['G']); // every step passed: anyone
    expect([stepThreshold(queue, 0), stepThreshold(queue, 20), stepThreshold(queue, 40)]).toEqual([5, 3, 0]);
  });

  it('offers a call only to agents with every skill it requires', () => {
    const queue = queueWith('longest-idle');
    const hints = agents.map((a) => hintFor(queue.strategy, a, 'q', queue));
    const needs = { skills: { billing: 4 }, enqueuedAt: ago(0) };
    expect(hints.filter((h) => eligible(h, needs, queue, now)).map((h) => h.agentId)).toEqual(['F']);
  });

  it('knows every strategy of the issue', () => {
    expect(STRATEGIES).toHaveLength(11);
    expect(() => parseQueueConfig({ name: 'x', strategy: 'highest-skill' })).toThrow(
      expect.objectContaining({
        status: 400,
        problems: [{ path: 'routingSkill', message: 'the highest-skill strategy ranks by a routing skill' }],
      }),
    );
  });
});

describe('the agent state machine', () => {
  const login = (at: Date) =>
    transition(offlineAgent('a1', at), { kind: 'login', skills: { billing: 2 }, queues: { q: 1 } }, at);
  const t = (s: number) => new Date(now.getTime() + s * 1000);

  it('walks a call: ready, reserved, on a call with hold, after-call work, ready again; and keeps the totals', () => {
    let s = login(t(0));
    expect(s).toMatchObject({ status: 'not-ready', reason: 'logged-in', version: 1 });
    s = transition(s, { kind: 'ready' }, t(10));
    expect(s).toMatchObject({ status: 'available', idleSince: t(10).toISOString() });
    s = transition(s, { kind: 'reserve', callId: 'c1', queueId: 'q', ringTimeoutSeconds: 15 }, t(70));
    expect(s).toMatchObject({
      status: 'reserved',
      idleMs: 60_000,
      call: { offerExpiresAt: t(85).toISOString() },
    });
    expect(s.lastOffered).toEqual({ q: t(70).toISOString() });
    s = transition(s, { kind: 'accept', callId: 'c1' }, t(75));
    s = transition(s, { kind: 'hold', callId: 'c1' }, t(100));
    s = transition(s, { kind: 'resume', callId: 'c1' }, t(130));
    s = transition(s, { kind: 'call-ended', callId: 'c1', acwSeconds: 20 }, t(175));
    expect(s).toMatchObject({
      status: 'after-call',
      callsAnswered: 1,
      talkMs: 70_000,
      acwUntil: t(195).toISOString(),
    });
    expect(s.call).toMatchObject({ holdMs: 30_000, holdCount: 1 });
    s = transition(s, { kind: 'end-wrap-up' }, t(190));
    expect(s).toMatchObject({ status: 'available', version: 8 });
    expect(s.call).toBeUndefined();
  });

  it('refuses illegal transitions with a 409 that says what is allowed', () => {
    const s = login(t(0));
    expect(() => transition(s, { kind: 'accept', callId: 'c1' }, t(1))).toThrow(IllegalTransitionError);
    expect(() => transition(s, { kind: 'accept', callId: 'c1' }, t(1))).toThrow(
      /not-ready cannot accept; allowed: ready/,
    );
    const reserved = transition(
      transition(s, { kind: 'ready' }, t(1)),
      { kind: 'reserve', callId: 'c1', queueId: 'q', ringTimeoutSeconds: 15 },
      t(2),
    );
    expect(() => transition(reserved, { kind: 'accept', callId: 'other' }, t(3))).toThrow(/call is c1/);
    expect(transition(reserved, { kind: 'miss', callId: 'c1' }, t(20))).toMatchObject({
      status: 'not-ready',
      reason: 'missed',
      missed: 1,
    });
    expect(new IllegalTransitionError('x').status).toBe(409);
  });
  it('consults: the caller holds meanwhile, a conference ends the hold, and the consulted agent takes over', () => {
    let host = transition(login(t(0)), { kind: 'ready' }, t(1));
    host = transition(host, { kind: 'reserve', callId: 'c1', queueId: 'q', ringTimeoutSeconds: 15 }, t(2));
    host = transition(host, { kind: 'accept', callId: 'c1' }, t(3));
    const consult = { kind: 'agent', agentId: 'a2', state: 'ringing' } as const;
    host = transition(host, { kind: 'consult', callId: 'c1', consult }, t(10));
    expect(host.call).toMatchObject({ consult, holdSince: t(10).toISOString(), holdCount: 1 });
    expect(() => transition(host, { kind: 'consult', callId: 'c1', consult }, t(11))).toThrow(
      /consulting already/,
    );
    expect(() => transition(host, { kind: 'resume', callId: 'c1' }, t(11))).toThrow(/make it a conference/);
    expect(() => transition(host, { kind: 'conference', callId: 'c1' }, t(11))).toThrow(/answered/);
    host = transition(host, { kind: 'consult-answered', callId: 'c1' }, t(15));
    host = transition(host, { kind: 'conference', callId: 'c1' }, t(20));
    expect(host.call).toMatchObject({ conference: true, holdMs: 10_000 });
    expect(host.call?.holdSince).toBeUndefined();
    const ended = transition(host, { kind: 'consult-ended', callId: 'c1' }, t(30));
    expect(ended.call?.consult).toBeUndefined();
    expect(ended.call?.conference).toBeUndefined();

    let guest = transition(login(t(0)), { kind: 'ready' }, t(1));
    guest = transition(
      guest,
      { kind: 'reserve', callId: 'c1', queueId: 'q', ringTimeoutSeconds: 15, consultOf: 'a1' },
      t(10),
    );
    // A consultation is not an offer from the queue: round robin's memory stays.
    expect(guest.lastOffered).toEqual({});
    guest = transition(guest, { kind: 'accept', callId: 'c1' }, t(15));
    const seat = { meetingId: 'm1', attendeeId: 'x1' };
    guest = transition(guest, { kind: 'consult-answered', callId: 'c1', guestSeat: seat }, t(15));
    expect(guest.call).toMatchObject({ consultOf: 'a1', guestSeat: seat });
    expect(() => transition(guest, { kind: 'consult', callId: 'c1', consult }, t(16))).toThrow(
      /cannot consult/,
    );
    guest = transition(guest, { kind: 'take-over', callId: 'c1' }, t(30));
    expect(guest).toMatchObject({
      status: 'on-call',
      call: { callId: 'c1', answeredAt: t(15).toISOString() },
    });
    expect(guest.call?.consultOf).toBeUndefined();
    expect(guest.call?.guestSeat).toBeUndefined();
  });
});
