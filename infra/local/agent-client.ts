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
}

export interface AgentEvent {
  readonly agent: string;
  readonly kind: 'ready' | 'offered' | 'accepted' | 'heard' | 'hung-up' | 'wrapped-up' | 'error';
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

export class HeadlessAgent extends EventEmitter {
  private running = false;
  private seat: RemoteCall | undefined;
  private phones: PstnClient | undefined;
  private loop: Promise<void> | undefined;
  private socket: WebSocket | undefined;
  private busy: Promise<void> | undefined;
  callsHandled = 0;

  constructor(
    private readonly webUrl: string,
    readonly name: string,
    private readonly token: string,
    private readonly behaviour: AgentBehaviour,
  ) {
    super();
  }

  /** Logs in, takes its seat in its meeting, goes ready, and starts answering. */
  async start(): Promise<void> {
    const session = (await api(this.webUrl, this.token, 'POST', '/agent/session')) as {
      media: { meetingId: string; attendee: { joinToken: string } };
    };
    this.phones = await PstnClient.connect(this.webUrl);
    this.seat = await this.phones.joinMeeting(session.media.meetingId, session.media.attendee.joinToken);
    this.seat.on(
      'heard',
      ({ item }: { item: { kind: string; text?: string; externalUserId?: string; present?: boolean } }) => {
        if (item.kind === 'voice') this.report({ kind: 'heard', detail: item.text ?? '' });
        // The caller's leg arrived in the meeting: now the caller can hear the greeting.
        if (item.kind === 'presence' && item.present === true && item.externalUserId?.startsWith('caller.'))
          this.seat?.say(this.behaviour.greeting ?? `Hello, this is ${this.name}. How can I help?`);
      },
    );
    // Offers are pushed over the agent WebSocket (the token travels as ?token=, as browsers must send it).
    this.socket = new WebSocket(
      `${this.webUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(this.token)}`,
    );
    await new Promise<void>((resolve, reject) => {
      this.socket?.once('open', () => resolve());
      this.socket?.once('error', reject);
    });
    this.socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type?: string; callId?: string };
      if (message.type === 'offer' && message.callId !== undefined) this.take(message.callId);
    });
    this.running = true;
    await api(this.webUrl, this.token, 'PUT', '/agent/state', { status: 'available' });
    this.report({ kind: 'ready' });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.busy;
    this.socket?.close();
    await api(this.webUrl, this.token, 'DELETE', '/agent/session').catch(() => undefined);
    this.seat?.hangup();
    this.phones?.close();
  }

  async state(): Promise<{ status: string; call?: { callId: string } }> {
    return (
      (await api(this.webUrl, this.token, 'GET', '/agent/state')) as {
        state: { status: string; call?: { callId: string } };
      }
    ).state;
  }

  /** Handles an offer unless one is being handled already (a pushed offer and a poll may both find it). */
  private take(callId: string): void {
    if (this.busy !== undefined || !this.running) return;
    const pause = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
    this.busy = this.handle(callId, pause)
      .catch((error: unknown) => this.report({ kind: 'error', detail: (error as Error).message }))
      .finally(() => {
        this.busy = undefined;
      });
  }

  private async run(): Promise<void> {
    const pause = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
    while (this.running) {
      await new Promise((r) => setTimeout(r, this.behaviour.pollMs ?? 2_000));
      if (this.busy !== undefined) continue;
      try {
        const state = await this.state();
        if (state.status === 'reserved' && state.call !== undefined) this.take(state.call.callId);
        else if (state.status === 'after-call') await this.wrapUp(pause);
      } catch (error) {
        this.report({ kind: 'error', detail: (error as Error).message });
      }
    }
  }

  private async handle(callId: string, pause: (s: number) => Promise<unknown>): Promise<void> {
    this.report({ kind: 'offered', callId });
    await pause(this.behaviour.answerAfterS);
    await api(this.webUrl, this.token, 'POST', `/agent/calls/${callId}/accept`);
    this.report({ kind: 'accepted', callId });
    // Talks until the time is up or the caller hangs up (the state leaves on-call).
    const until = Date.now() + this.behaviour.talkS * 1000;
    while (Date.now() < until && (await this.state()).status === 'on-call') await pause(0.2);
    if ((await this.state()).status === 'on-call') {
      await api(this.webUrl, this.token, 'POST', '/agent/call/hangup');
      this.report({ kind: 'hung-up', callId });
    }
    this.callsHandled += 1;
    await this.wrapUp(pause);
  }

  private async wrapUp(pause: (s: number) => Promise<unknown>): Promise<void> {
    for (let i = 0; i < 50 && (await this.state()).status !== 'after-call'; i++) await pause(0.1);
    await pause(this.behaviour.wrapUpS);
    const state = await this.state();
    if (state.status !== 'after-call') return;
    await api(this.webUrl, this.token, 'POST', '/agent/wrap-up', {
      code: 'resolved',
      notes: `handled by ${this.name}`,
    });
    this.report({ kind: 'wrapped-up' });
  }

  private report(event: Omit<AgentEvent, 'agent'>): void {
    this.emit('event', { agent: this.name, ...event } satisfies AgentEvent);
  }
}
