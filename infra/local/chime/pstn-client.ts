/**
 * A client of the virtual PSTN of a running local cloud (over `/_pstn/ws`): the library behind
 * `npm run call`, tests against the local cloud, and the load generator.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { CallLogEntry } from './call-log.ts';
import { describeHeard, type EndReason, type Heard, type PhoneCallState } from './virtual-pstn.ts';

export class RemoteCall extends EventEmitter {
  readonly heard: Heard[] = [];
  state: PhoneCallState = 'ringing';
  endReason: EndReason | undefined;
  transactionId: string | undefined;
  log: CallLogEntry[] | undefined;
  digitsSent = '';
  connectedAt: number | undefined;
  readonly startedAt = Date.now();

  constructor(
    private readonly client: PstnClient,
    readonly callId: string,
    readonly direction: 'outgoing' | 'incoming' | 'meeting',
    readonly from: string,
    readonly to: string,
  ) {
    super();
  }

  press(digits: string): void {
    this.digitsSent += digits;
    this.client.send({ type: 'press', callId: this.callId, digits });
  }
  say(text: string): void {
    this.client.send({ type: 'say', callId: this.callId, text });
  }
  hangup(): void {
    this.client.send({ type: 'hangup', callId: this.callId });
  }
  answer(): void {
    this.client.send({ type: 'answer', callId: this.callId });
  }
  reject(sipCode = 486): void {
    this.client.send({ type: 'reject', callId: this.callId, sipCode });
  }

  waitFor(state: PhoneCallState, timeoutMs = 15_000): Promise<void> {
    const order: PhoneCallState[] = ['ringing', 'connected', 'ended'];
    return this.until(() => order.indexOf(this.state) >= order.indexOf(state), timeoutMs, `state '${state}'`);
  }

  /** Resolves with the first heard item that matches (already heard or still to come). */
  async waitToHear(match: RegExp, timeoutMs = 15_000): Promise<Heard> {
    const found = () => this.heard.find((h) => match.test(describeHeard(h)));
    await this.until(() => found() !== undefined || this.state === 'ended', timeoutMs, `to hear ${match}`);
    const item = found();
    if (item === undefined)
      throw new Error(
        `the call ended without hearing ${match}: ${this.heard.map(describeHeard).join(' | ')}`,
      );
    return item;
  }

  /** Resolves with the SMA's call log once the call has ended and the log has arrived. */
  async waitForLog(timeoutMs = 15_000): Promise<CallLogEntry[]> {
    await this.until(() => this.log !== undefined, timeoutMs, 'the call log');
    return this.log as CallLogEntry[];
  }

  /** @internal */
  update(message: Record<string, unknown>): void {
    if (message.type === 'heard') this.heard.push(message.item as Heard);
    if (message.type === 'state') {
      this.state = message.state as PhoneCallState;
      if (this.state === 'connected') this.connectedAt = Date.now();
      this.endReason = message.endReason as EndReason | undefined;
      if (typeof message.transactionId === 'string') this.transactionId = message.transactionId;
    }
    if (message.type === 'log') {
      this.transactionId = message.transactionId as string | undefined;
      this.log = message.entries as CallLogEntry[];
    }
    this.emit(String(message.type), message);
    this.emit('change');
  }

  private until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.off('change', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('change', check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (state ${this.state})`));
      }, timeoutMs);
      this.on('change', check);
    });
  }
}

export class PstnClient extends EventEmitter {
  private readonly calls = new Map<string, RemoteCall>();
  private readonly pendingDials: ((call: RemoteCall) => void)[] = [];
  private readonly pendingJoins = new Map<
    string,
    { resolve: (c: RemoteCall) => void; reject: (e: Error) => void }
  >();
  private joins = 0;

  private constructor(private readonly ws: WebSocket) {
    super();
    ws.on('message', (data) => this.receive(JSON.parse(data.toString()) as Record<string, unknown>));
  }

  /** Connects to a local cloud, e.g. `http://127.0.0.1:3000`. */
  static connect(baseUrl: string): Promise<PstnClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/_pstn/ws`);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new PstnClient(ws)));
      ws.once('error', reject);
    });
  }

  /** Dials a number; resolves once the network has taken the call. */
  dial(from: string, to: string): Promise<RemoteCall> {
    return new Promise((resolve) => {
      this.pendingDials.push(resolve);
      this.send({ type: 'dial', from, to });
    });
  }

  /** Takes a seat in a Chime SDK meeting with an attendee's join token (as an agent's softphone does). */
  joinMeeting(meetingId: string, joinToken: string): Promise<RemoteCall> {
    const ref = `join-${++this.joins}`;
    return new Promise((resolve, reject) => {
      this.pendingJoins.set(ref, { resolve, reject });
      this.send({ type: 'join-meeting', meetingId, joinToken, ref });
    });
  }

  /** Takes calls to `number`: 'manual' emits `incoming` with the RemoteCall; others answer by themselves. */
  subscribe(number: string, mode: 'manual' | 'answer' | 'busy' | 'no-answer', afterMs?: number): void {
    this.send({ type: 'subscribe', number, mode, afterMs });
  }

  /** @internal */
  send(message: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.ws.close();
  }

  private receive(message: Record<string, unknown>): void {
    const join = typeof message.ref === 'string' ? this.pendingJoins.get(message.ref) : undefined;
    if (join !== undefined) this.pendingJoins.delete(message.ref as string);
    if (message.type === 'error') {
      if (join !== undefined) join.reject(new Error(String(message.message)));
      else this.emit('failure', new Error(String(message.message)));
      return;
    }
    if (message.type === 'call') {
      const call = new RemoteCall(
        this,
        message.callId as string,
        message.direction as RemoteCall['direction'],
        message.from as string,
        message.to as string,
      );
      this.calls.set(call.callId, call);
      if (join !== undefined) join.resolve(call);
      else if (call.direction === 'outgoing') this.pendingDials.shift()?.(call);
      else this.emit('incoming', call);
      return;
    }
    const call = typeof message.callId === 'string' ? this.calls.get(message.callId) : undefined;
    call?.update(message);
  }
}
