/**
 * A fresh tenant's contact center through the public API, for tests: an admin defines queues and agent
 * profiles, agents and supervisors sign in, and each may open the live WebSocket, which collects every
 * event pushed to it.
 */
import WebSocket from 'ws';
import type { PstnClient, RemoteCall } from '../../infra/local/chime/pstn-client.ts';
import { entityId } from '../../layers/domain/tenancy/ids.ts';
import { randomTenantId, signIn, type TestUser } from './auth.ts';

export interface LiveSocket {
  readonly events: Record<string, unknown>[];
  /** Resolves with the first event (already received or still to come) that matches. */
  next(
    match: (event: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  close(): void;
}

export async function api(
  webUrl: string,
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${webUrl}/api/v1${path}`, {
    method,
    headers: { authorization: user.authorization, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export async function openLiveSocket(webUrl: string, user: TestUser): Promise<LiveSocket> {
  const socket = new WebSocket(
    `${webUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(user.idToken)}`,
  );
  const events: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    events.push(JSON.parse(data.toString()) as Record<string, unknown>);
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    events,
    next(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found === undefined) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(events).slice(0, 2000)}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => socket.close(),
  };
}

export interface TestContactCenter {
  readonly tenantId: string;
  readonly admin: TestUser;
  readonly supervisor: TestUser;
  readonly agents: (TestUser & { agentId: string })[];
}

/** A tenant with the given queues (id → configuration) and agents (each in every queue, priority 1). */
export async function contactCenter(
  webUrl: string,
  options: {
    queues: Record<string, Record<string, unknown>>;
    agents: number;
    skills?: Record<string, number>;
    /** An existing tenant (one with a number and a flow, say); default: a new one. */
    tenantId?: string;
  },
): Promise<TestContactCenter> {
  const tenantId = options.tenantId ?? randomTenantId('cc');
  const admin = await signIn(webUrl, { tenantId, groups: ['admin'] });
  const supervisor = await signIn(webUrl, { tenantId, groups: ['supervisor'] });
  // The tenant's own not-ready reasons; `test` is the one tests set agents aside with.
  const reasons = await api(webUrl, admin, 'PUT', '/reason-codes', {
    codes: [
      { code: 'test', label: 'Set aside by the test' },
      { code: 'lunch', label: 'Lunch' },
    ],
  });
  if (reasons.status !== 200)
    throw new Error(`PUT /reason-codes: ${reasons.status} ${JSON.stringify(reasons.body)}`);
  for (const [queueId, queue] of Object.entries(options.queues)) {
    const put = await api(webUrl, admin, 'PUT', `/queues/${queueId}`, queue);
    if (put.status !== 200)
      throw new Error(`PUT /queues/${queueId}: ${put.status} ${JSON.stringify(put.body)}`);
  }
  const agents: TestContactCenter['agents'] = [];
  for (let i = 1; i <= options.agents; i++) {
    const user = await signIn(webUrl, { tenantId, groups: ['agent'] });
    const agentId = entityId('agent', user.userId);
    const put = await api(webUrl, admin, 'PUT', `/agents/${agentId}`, {
      name: `Agent ${i}`,
      skills: options.skills ?? {},
      queues: Object.fromEntries(Object.keys(options.queues).map((q) => [q, 1])),
    });
    if (put.status !== 200)
      throw new Error(`PUT /agents/${agentId}: ${put.status} ${JSON.stringify(put.body)}`);
    agents.push({ ...user, agentId });
  }
  return { tenantId, admin, supervisor, agents };
}

/**
 * An agent at the desk, driven by the test: logged in through the API, seated in its meeting through the
 * virtual PSTN (so the test hears what the agent hears and makes it speak), with its live WebSocket.
 */
export interface TestDesk {
  readonly agentId: string;
  readonly seat: RemoteCall;
  readonly socket: LiveSocket;
  readonly media: { meetingId: string; attendee: { attendeeId: string; joinToken: string } };
  call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** The agent's state as the API reports it. */
  state(): Promise<Record<string, unknown> & { status: string }>;
  /** The next offer pushed to the agent. */
  nextOffer(timeoutMs?: number): Promise<{ callId: string; queueId: string }>;
  close(): Promise<void>;
}

export async function openDesk(
  webUrl: string,
  agent: TestUser & { agentId: string },
  phones: PstnClient,
): Promise<TestDesk> {
  const call: TestDesk['call'] = (method, path, body) => api(webUrl, agent, method, path, body);
  const socket = await openLiveSocket(webUrl, agent);
  const login = await call('POST', '/agent/session');
  if (login.status !== 200) throw new Error(`log-in: ${login.status} ${JSON.stringify(login.body)}`);
  const media = login.body.media as TestDesk['media'];
  const seat = await phones.joinMeeting(media.meetingId, media.attendee.joinToken);
  let offersSeen = 0;
  return {
    agentId: agent.agentId,
    seat,
    socket,
    media,
    call,
    async state() {
      return (await call('GET', '/agent/state')).body.state as Record<string, unknown> & { status: string };
    },
    async nextOffer(timeoutMs = 10_000) {
      const seen = offersSeen;
      const offer = await socket.next(
        (e) => e.type === 'offer' && socket.events.filter((o) => o.type === 'offer').indexOf(e) >= seen,
        timeoutMs,
      );
      offersSeen = seen + 1;
      return offer as unknown as { callId: string; queueId: string };
    },
    async close() {
      await call('DELETE', '/agent/session');
      seat.hangup();
      socket.close();
    },
  };
}
