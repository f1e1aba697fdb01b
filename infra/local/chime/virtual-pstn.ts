/**
 * The virtual phone network of the local cloud: phones that dial numbers, hear what the SIP media
 * application plays, press digits, speak, hang up, and answer calls placed to them. Tests, the load
 * generator, `npm run call` and the customer phone page all use it.
 */

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

/** What a phone hears, in order. `atMs` is emulated time since the call started. */
/** `input`: the prompt belongs to a digit-collecting action, so keys pressed now are collected. */
export type Heard =
  | { kind: 'speech'; text: string; voiceId: string; languageCode?: string; input?: true; atMs: number }
  | { kind: 'audio'; bucket: string; key: string; durationMs: number; input?: true; atMs: number }
  | { kind: 'tones'; digits: string; atMs: number }
  | { kind: 'ringback'; atMs: number }
  | { kind: 'beep'; atMs: number }
  | { kind: 'voice'; text: string; atMs: number }
  /** Meetings only: an attendee joined or left (what the Chime SDK's attendee presence reports). */
  | { kind: 'presence'; externalUserId: string; present: boolean; atMs: number }
  /**
   * A browser phone's media beacon (not sound): it travels exactly where its voice would — through
   * bridges and meetings, stopped by hold and by mute — so whoever receives it hears that phone, and sets
   * up (or keeps playing) a WebRTC audio link with it. `endpoint` names the phone's call at the gateway.
   */
  | { kind: 'signal'; endpoint: string; atMs: number };

/** A heard item before the network stamps its time. */
export type HeardItem = Heard extends infer H ? (H extends Heard ? Omit<H, 'atMs'> : never) : never;

export type PhoneCallState = 'ringing' | 'connected' | 'ended';

export interface EndReason {
  /** Who ended the call: this phone, the far end (the SMA or the other party), or the network. */
  readonly by: 'phone' | 'far-end' | 'network';
  readonly sipCode: number;
  readonly detail: string;
}

/** What the network side of a leg can do to the phone (implemented by PhoneCall). */
export interface PhoneSide {
  connected(): void;
  hear(item: Heard): void;
  ended(reason: EndReason): void;
}

/** What the phone can do to the network side of its leg (implemented by the SMA engine's leg). */
export interface NetworkSide {
  digit(digit: string): void;
  voice(text: string): void;
  /** A media beacon from this phone (see Heard 'signal'); sides that carry no media ignore it. */
  signal?(endpoint: string): void;
  hangup(): void;
  /** For a call ringing at this phone: answer or reject it. */
  answer?(): void;
  reject?(sipCode: number): void;
}

/** One call as a phone sees it. */
export class PhoneCall extends EventEmitter implements PhoneSide {
  readonly id = randomUUID();
  readonly heard: Heard[] = [];
  state: PhoneCallState = 'ringing';
  endReason: EndReason | undefined;
  digitsSent = '';
  readonly startedAt = Date.now();
  connectedAt: number | undefined;
  endedAt: number | undefined;
  network: NetworkSide | undefined;
  /** The SMA transaction serving this call, once one does (for call logs). */
  transactionId: string | undefined;

  constructor(
    /** 'meeting': a seat in a Chime SDK meeting, taken with an attendee's join token. */
    readonly direction: 'outgoing' | 'incoming' | 'meeting',
    readonly from: string,
    readonly to: string,
  ) {
    super();
  }

  connected(): void {
    if (this.state !== 'ringing') return;
    this.state = 'connected';
    this.connectedAt = Date.now();
    this.emit('state', this.state);
  }

  hear(item: Heard): void {
    if (this.state === 'ended') return;
    // Beacons arrive several times a second: passed on, not kept.
    if (item.kind === 'signal') {
      this.emit('signal', item.endpoint);
      return;
    }
    this.heard.push(item);
    this.emit('heard', item);
  }

  ended(reason: EndReason): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.endReason = reason;
    this.endedAt = Date.now();
    this.emit('state', this.state);
  }

  /** Presses DTMF keys; ',' waits `pauseMs` (real time) between keys. */
  async press(keys: string, gapMs = 0, pauseMs = 500): Promise<void> {
    for (const key of keys) {
      if (this.state === 'ended') return;
      if (key === ',') {
        await new Promise((r) => setTimeout(r, pauseMs));
        continue;
      }
      if (!/^[0-9*#A-D]$/.test(key)) throw new Error(`'${key}' is not a DTMF key`);
      this.digitsSent += key;
      this.network?.digit(key);
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  /** Speaks into the call (the other party of a bridged call hears it). */
  say(text: string): void {
    if (this.state === 'connected') this.network?.voice(text);
  }

  /** Sends this phone's media beacon where its voice goes (a browser phone, several times a second). */
  beacon(): void {
    if (this.state === 'connected') this.network?.signal?.(this.id);
  }

  hangup(): void {
    if (this.state === 'ended') return;
    this.network?.hangup();
    this.ended({ by: 'phone', sipCode: 0, detail: 'hung up by this phone' });
  }

  /** Answers a call ringing at this phone. */
  answer(): void {
    if (this.direction !== 'incoming' || this.state !== 'ringing')
      throw new Error('no incoming call is ringing');
    this.network?.answer?.();
  }

  /** Rejects a call ringing at this phone (486 busy by default). */
  reject(sipCode = 486): void {
    if (this.direction !== 'incoming' || this.state !== 'ringing')
      throw new Error('no incoming call is ringing');
    this.network?.reject?.(sipCode);
  }

  /** Resolves once the call reaches `state` (or has passed it), rejects after `timeoutMs` real ms. */
  waitFor(state: PhoneCallState, timeoutMs = 10_000): Promise<void> {
    const order: PhoneCallState[] = ['ringing', 'connected', 'ended'];
    const reached = () => order.indexOf(this.state) >= order.indexOf(state);
    return this.until(reached, 'state', timeoutMs, `the call to reach '${state}'`);
  }

  /** Resolves with the first heard item (from now or already heard) that matches. */
  async waitToHear(match: RegExp | ((item: Heard) => boolean), timeoutMs = 10_000): Promise<Heard> {
    const test = typeof match === 'function' ? match : (item: Heard) => match.test(describeHeard(item));
    await this.until(
      () => this.heard.some(test) || this.state === 'ended',
      'heard',
      timeoutMs,
      `to hear ${match}`,
    );
    const found = this.heard.find(test);
    if (found === undefined) {
      throw new Error(
        `the call ended without hearing ${match}; heard: ${this.heard.map(describeHeard).join(' | ')}`,
      );
    }
    return found;
  }

  private until(done: () => boolean, event: string, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (state ${this.state})`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off(event, check);
        this.off('state', check);
      };
      this.on(event, check);
      this.on('state', check);
    });
  }
}

export function describeHeard(item: Heard): string {
  switch (item.kind) {
    case 'speech':
      return `speech: ${item.text}`;
    case 'audio':
      return `audio: s3://${item.bucket}/${item.key}`;
    case 'tones':
      return `tones: ${item.digits}`;
    case 'voice':
      return `voice: ${item.text}`;
    case 'presence':
      return `presence: ${item.externalUserId} ${item.present ? 'joined' : 'left'}`;
    case 'signal':
      return `media beacon of ${item.endpoint}`;
    default:
      return item.kind;
  }
}

/** How a virtual subscriber answers calls placed to its number. */
export type AnswerBehaviour =
  | { mode: 'answer'; afterMs: number }
  | { mode: 'busy' }
  | { mode: 'no-answer' }
  /** The test or page answers through the PhoneCall emitted by the subscriber. */
  | { mode: 'manual' };

/** Where a dialled number goes: an SMA route (inbound call) or nowhere. Implemented by the SMA engine. */
export interface CallRouter {
  /** Starts an inbound call to an SMA; returns false if no SIP rule routes the number. */
  routeInbound(call: PhoneCall): boolean;
}

export class VirtualPstn extends EventEmitter {
  private readonly subscribers = new Map<string, AnswerBehaviour>();
  private router: CallRouter | undefined;
  /** Calls to numbers with no subscriber and no route are answered like this (a person picking up). */
  defaultBehaviour: AnswerBehaviour = { mode: 'answer', afterMs: 1_000 };

  attach(router: CallRouter): void {
    this.router = router;
  }

  /** Declares how calls to `number` are answered; 'manual' calls are emitted as `incoming:<number>`. */
  subscribe(number: string, behaviour: AnswerBehaviour): void {
    this.subscribers.set(number, behaviour);
  }

  unsubscribe(number: string): void {
    this.subscribers.delete(number);
  }

  behaviourOf(number: string): AnswerBehaviour {
    return this.subscribers.get(number) ?? this.defaultBehaviour;
  }

  /** Dials a number from a virtual phone. */
  dial(input: { from: string; to: string }): PhoneCall {
    const call = new PhoneCall('outgoing', input.from, input.to);
    this.emit('call', call);
    if (this.router?.routeInbound(call) !== true) {
      // Nothing routes the number: the network answers with 404 at once.
      queueMicrotask(() =>
        call.ended({ by: 'network', sipCode: 404, detail: 'the number is not in service' }),
      );
    }
    return call;
  }

  /** A call from the network (an SMA's outbound leg) arriving at a phone. */
  ringPhone(input: { from: string; to: string }): PhoneCall {
    const call = new PhoneCall('incoming', input.from, input.to);
    this.emit('call', call);
    this.emit(`incoming:${input.to}`, call);
    return call;
  }
}
