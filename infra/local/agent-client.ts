/**
 * A headless agent: signs in on the local issuer, logs in through the agent API, takes its seat in its
 * meeting through the virtual PSTN (so it hears its callers and they hear it), goes ready, and answers
 * offered calls after a while, talks, hangs up and wraps up, again and again. `npm run agents`, the tests
 * and the benchmark drive the contact center with it, through the same API the web softphone uses.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { PstnClient, type RemoteCall } from './chime/pstn-client.ts';

export interface AgentBehaviour {
  /** Seconds between the offer and the accept. */
  readonly answerAfterS: number;
  /** Seconds of conversation before the agent hangs up (the caller may hang up first). */
  readonly talkS: number;
  /** Seconds of after-call work before the agent wraps up. */
  readonly wrapUpS: number;
  /** What the agent says when the caller is connected. */
  readonly greeting?: string;
  /** Poll interval for the agent's state, a safety net: offers are pushed over the WebSocket. */
  readonly pollMs?: number;
  /** A queue to hand the call on to after talking (a blind transfer) instead of hanging up. */
  readonly transferTo?: (callId: string) => string | undefined;
}

export interface AgentEvent {
  readonly agent: string;
  readonly kind:
    | 'ready'
    | 'offered'
    | 'accepted'
    | 'heard'
    | 'hung-up'
    | 'transferred'
    | 'called-out'
    | 'wrapped-up'
    | 'error';
  readonly callId?: string;
  readonly detail?: string;
}

async function api(webUrl: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${webUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  if (!response.ok)
    throw new Error(`${method} ${path} answered ${response.status}: ${String(parsed.message ?? text)}`);
  return parsed;
}

export async function issueToken(webUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${webUrl}/_auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in of ${email} answered ${response.status}`);
  return ((await response.json()) as { idToken: string }).idToken;
}

/**
 * Creates an agent user and its profile (with an admin's token) in a tenant of the local cloud. Local only:
 * users are created on the local issuer, as an admin invites them on AWS.
 */
export async function createAgent(
  webUrl: string,
  adminToken: string,
  agent: {
    email: string;
    password: string;
    tenantId: string;
    name: string;
    queues: Record<string, number>;
    skills?: Record<string, number>;
  },
): Promise<{ userId: string }> {
  const created = await fetch(`${webUrl}/_auth/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: agent.email,
      password: agent.password,
      tenantId: agent.tenantId,
      groups: ['agent'],
    }),
  });
  if (created.status !== 201)
    throw new Error(`creating ${agent.email} answered ${created.status}: ${await created.text()}`);
  const { userId } = (await created.json()) as { userId: string };
  await api(webUrl, adminToken, 'PUT', `/agents/${userId}`, {
    name: agent.name,
    skills: agent.skills ?? {},
    queues: agent.queues,
  });
  return { userId };
}

interface PushedState {
  status: string;
  version?: number;
  call?: { callId: string };
}

export class HeadlessAgent extends EventEmitter {
  private running = false;
  private seat: RemoteCall | undefined;
  private phones: PstnClient | undefined;
  private loop: Promise<void> | undefined;
  private socket: WebSocket | undefined;
  private busy: Promise<void> | undefined;
  /** An offer pushed while the previous call was still finishing: taken as soon as it is done. */
  private pending: string | undefined;
  /** The latest state pushed over the WebSocket (or read), by version. */
  private current: PushedState = { status: 'offline', version: -1 };
  private readonly changed = new EventEmitter();
  /** Whether the current caller has joined the agent's meeting (the conversation has begun). */
  private callerHere = false;
  callsHandled = 0;

  constructor(
    private readonly webUrl: string,
    readonly name: string,
    private readonly token: string,
    private readonly behaviour: AgentBehaviour,
    /**
     * Where the agent's meeting seat is taken: the virtual PSTN on the web port by default; the failover
     * drill's phone network runs apart from the regions, as Chime does on AWS.
     */
    private readonly pstnUrl: string = webUrl,
  ) {
    super();
    this.changed.setMaxListeners(0);
  }

  /** Logs in, takes its seat in its meeting, goes ready, and starts answering. */
  async start(): Promise<void> {
    const session = (await api(this.webUrl, this.token, 'POST', '/agent/session')) as {
      media: { meetingId: string; attendee: { joinToken: string } };
    };
    this.phones = await PstnClient.connect(this.pstnUrl);
    this.seat = await this.phones.joinMeeting(session.media.meetingId, session.media.attendee.joinToken);
    this.seat.on(
      'heard',
      ({ item }: { item: { kind: string; text?: string; externalUserId?: string; present?: boolean } }) => {
        if (item.kind === 'voice') this.report({ kind: 'heard', detail: item.text ?? '' });
        // The caller's leg arrived in the meeting: now the caller can hear the greeting.
        if (item.kind === 'presence' && item.present === true && item.externalUserId?.startsWith('caller.')) {
          this.callerHere = true;
          this.changed.emit('change');
          this.seat?.say(this.behaviour.greeting ?? `Hello, this is ${this.name}. How can I help?`);
        }
      },
    );
    // Offers and state changes are pushed over the WebSocket (the token travels as ?token=, as browsers
    // must send it).
    this.socket = new WebSocket(
      `${this.webUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(this.token)}`,
    );
    await new Promise<void>((resolve, reject) => {
      this.socket?.once('open', () => resolve());
      this.socket?.once('error', reject);
    });
    this.socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type?: string; callId?: string; state?: PushedState };
      if (message.type === 'offer' && message.callId !== undefined) this.take(message.callId);
      if (message.type === 'agent.state' && message.state !== undefined) this.learn(message.state);
    });
    this.running = true;
    await api(this.webUrl, this.token, 'PUT', '/agent/state', { status: 'available' });
    this.report({ kind: 'ready' });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.changed.emit('change');
    await this.loop;
    await this.busy;
    this.socket?.close();
    await api(this.webUrl, this.token, 'DELETE', '/agent/session').catch(() => undefined);
    this.seat?.hangup();
    this.phones?.close();
  }

  async state(): Promise<PushedState> {
    const read = ((await api(this.webUrl, this.token, 'GET', '/agent/state')) as { state: PushedState })
      .state;
    this.learn(read);
    return read;
  }

  private learn(state: PushedState): void {
    if ((state.version ?? -1) < (this.current.version ?? -1)) return; // an older push arriving late
    this.current = state;
    this.changed.emit('change');
  }

  /** Waits until the pushed state satisfies `test`, or the time is up; returns the latest state. */
  private async until(test: (state: PushedState) => boolean, ms: number): Promise<PushedState> {
    const deadline = Date.now() + ms;
    while (this.running || this.busy !== undefined) {
      if (test(this.current)) return this.current;
      const left = deadline - Date.now();
      if (left <= 0) return this.current;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.changed.once('change', done);
      });
    }
    return this.current;
  }

  /** Handles an offer unless one is being handled already (a pushed offer and a poll may both find it). */
  private take(callId: string): void {
    if (!this.running) return;
    if (this.busy !== undefined) {
      this.pending = callId;
      return;
    }
    this.busy = this.handle(callId)
      .catch((error: unknown) => this.report({ kind: 'error', detail: (error as Error).message }))
      .finally(() => {
        this.busy = undefined;
        const next = this.pending;
        this.pending = undefined;
        if (next !== undefined && next !== callId) this.take(next);
      });
  }

  /** A safety net under the pushed events: the state is read now and then. */
  private async run(): Promise<void> {
    while (this.running) {
      await new Promise((r) => setTimeout(r, this.behaviour.pollMs ?? 5_000));
      if (this.busy !== undefined || !this.running) continue;
      try {
        const state = await this.state();
        if (state.status === 'reserved' && state.call !== undefined) this.take(state.call.callId);
        else if (state.status === 'after-call') await this.wrapUp();
      } catch (error) {
        this.report({ kind: 'error', detail: (error as Error).message });
      }
    }
  }

  private async handle(callId: string): Promise<void> {
    this.report({ kind: 'offered', callId });
    await pause(this.behaviour.answerAfterS);
    const accepted = (await api(this.webUrl, this.token, 'POST', `/agent/calls/${callId}/accept`)) as {
      state: PushedState;
    };
    this.learn(accepted.state);
    this.report({ kind: 'accepted', callId });
    // The conversation begins when the caller's leg arrives in the meeting, then lasts until the time is
    // up or the caller hangs up (the pushed state leaves on-call).
    await this.until((s) => this.callerHere || s.status !== 'on-call', CALLER_JOIN_MS);
    this.callerHere = false;
    const after = await this.until((s) => s.status !== 'on-call', this.behaviour.talkS * 1000);
    const queueId = this.behaviour.transferTo?.(callId);
    if (after.status === 'on-call' && queueId !== undefined) {
      await api(this.webUrl, this.token, 'POST', '/agent/call/transfer', { to: { queueId } });
      this.report({ kind: 'transferred', callId, detail: queueId });
    } else if (after.status === 'on-call') {
      await api(this.webUrl, this.token, 'POST', '/agent/call/hangup');
      this.report({ kind: 'hung-up', callId });
    }
    this.callsHandled += 1;
    await this.wrapUp();
  }

  /**
   * Calls a number out (the agent must be free: not ready, or available in no busy queue), talks once it
   * is answered, hangs up and wraps up; resolves with the new call's id when it is done.
   */
  async callOut(to: string): Promise<string> {
    const placed = (await api(this.webUrl, this.token, 'POST', '/agent/calls', { to })) as {
      callId: string;
      state: PushedState;
    };
    this.learn(placed.state);
    this.report({ kind: 'called-out', callId: placed.callId, detail: to });
    await this.until(
      (s) => s.status === 'on-call' || s.status === 'after-call' || s.status === 'available',
      15_000,
    );
    if (this.current.status === 'on-call') {
      const after = await this.until((s) => s.status !== 'on-call', this.behaviour.talkS * 1000);
      if (after.status === 'on-call') {
        await api(this.webUrl, this.token, 'POST', '/agent/call/hangup');
        this.report({ kind: 'hung-up', callId: placed.callId });
      }
      await this.wrapUp();
    }
    return placed.callId;
  }

  private async wrapUp(): Promise<void> {
    let state = await this.until((s) => s.status === 'after-call', 5_000);
    if (state.status !== 'after-call') state = await this.state();
    if (state.status !== 'after-call') return;
    await pause(this.behaviour.wrapUpS);
    try {
      const done = (await api(this.webUrl, this.token, 'POST', '/agent/wrap-up', {
        code: 'resolved',
        notes: `handled by ${this.name}`,
      })) as { state: PushedState };
      this.learn(done.state);
      this.report({ kind: 'wrapped-up' });
    } catch (error) {
      // Timed wrap-up may have ended it first: that is not an error of the agent.
      if ((await this.state()).status === 'after-call') throw error;
    }
  }

  private report(event: Omit<AgentEvent, 'agent'>): void {
    this.emit('event', { agent: this.name, ...event } satisfies AgentEvent);
  }
}

const pause = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
/** How long an agent waits for an accepted caller to arrive before talking anyway. */
const CALLER_JOIN_MS = 10_000;
