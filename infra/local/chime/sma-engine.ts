/**
 * The SIP media application engine of the local Chime emulator (shared/specs/chime-sma-protocol.md §2–§4):
 * one transaction per call, legs attached to virtual PSTN phones, handler invocations with the 5 s
 * deadline, one retry and the 20 s hang-up, action lists run with the real reporting rules, and
 * UpdateSipMediaApplicationCall, DTMF and hang-ups arriving at any moment.
 */
import { randomUUID } from 'node:crypto';
import type {
  InvocationEventType,
  ParticipantTag,
  SmaAction,
  SmaActionData,
  SmaEvent,
  SmaParticipant,
} from '../../../layers/adapters/sma-protocol.ts';
import {
  ActionError,
  type AttributeLimits,
  callIdRequired,
  checkResponse,
  interruptibleActions,
  reportingActions,
  strictAttributeLimits,
  type ValidatedAction,
  validateAction,
} from './action-validation.ts';
import { type AudioStore, makeWav } from './audio-store.ts';
import { CallLog } from './call-log.ts';
import { collectDigits } from './digit-collection.ts';
import type { MeetingRooms, Membership } from './meeting-rooms.ts';
import { DigitQueue, ScaledTime } from './scaled-time.ts';
import {
  type ChimeDirectory,
  type InboundTarget,
  type SmaCalls,
  TransactionNotFoundError,
} from './telephony-ports.ts';
import type { Heard, HeardItem, NetworkSide, PhoneCall, PhoneSide, VirtualPstn } from './virtual-pstn.ts';

/** A handler as the SMA sees it: an event in, a response (validated by the engine) out. */
export type SmaHandler = (event: SmaEvent) => Promise<unknown>;

/** Local fault injection into invocations (infra/local/fault-injection.ts): duplicate deliveries. */
export interface SmaDeliveryFaults {
  duplicateEvents(): boolean;
  /** Counts each delivery: whether it went twice, and whether the two copies answered differently. */
  delivered(outcome: { duplicated: boolean; divergent: boolean }): void;
}

export interface SmaEngineOptions {
  readonly directory: ChimeDirectory;
  readonly pstn: VirtualPstn;
  /** The handler behind a Lambda ARN, or undefined if no such function exists. */
  readonly handlers: (lambdaArn: string) => SmaHandler | undefined;
  /** Where prompts are read and recordings written: one store, or each SMA's region's own (S3 is regional). */
  readonly audio: AudioStore | ((region: string) => AudioStore);
  readonly accountId?: string;
  readonly time?: ScaledTime;
  readonly attributeLimits?: AttributeLimits;
  /** Per-attempt invocation deadline (5 s) and the hard limit after which the call is hung up (20 s). */
  readonly invocationTimeoutMs?: number;
  readonly hangupAfterMs?: number;
  /** A call with no actions on NEW_INBOUND_CALL rings this long, then times out (~30 s). */
  readonly unansweredTimeoutMs?: number;
  /** Regions marked down take no calls (disaster-recovery tests). */
  readonly isRegionUp?: (region: string) => boolean;
  /** Chime SDK meetings that JoinChimeMeeting joins; without them, joining fails. */
  readonly meetings?: MeetingRooms;
}

type Outcome =
  | { kind: 'success'; data: SmaActionData }
  | { kind: 'failed'; data: SmaActionData }
  /** The action ended the transaction or handed control to another event (hang-up, update). */
  | { kind: 'superseded' };

const MAX_INVOCATIONS = 1_000;
const SPEECH_MS_PER_CHAR = 65;

class Leg implements NetworkSide {
  status: 'Connected' | 'Disconnected' | undefined;
  readonly digits = new DigitQueue();
  readonly startedAt = Date.now();
  /** A ReceiveDigits listener (one-shot). */
  listener:
    | { regex: RegExp; interDigitMs: number; flushMs: number; buffer: string; timers: NodeJS.Timeout[] }
    | undefined;
  /** Set while an action on this leg takes DTMF itself (digit collection, playback terminators, recording). */
  digitConsumer: ((digit: string) => void) | undefined;
  bridged: Leg | undefined;
  /** Set on a meeting leg (LEG-B of JoinChimeMeeting): its seat in the meeting. */
  meeting: Membership | undefined;
  recording:
    | { startedAt: number; pausedMs: number; pausedAt: number | undefined; track: string; location: string }
    | undefined;
  /** For outbound legs still ringing: resolves with the answer outcome. */
  answerWaiter: ((outcome: 'answered' | { rejected: number }) => void) | undefined;

  constructor(
    readonly tx: Transaction,
    readonly callId: string,
    readonly tag: ParticipantTag,
    readonly to: string,
    readonly from: string,
    readonly direction: 'Inbound' | 'Outbound',
    readonly phone: PhoneSide,
    readonly sipHeaders: Record<string, string> | undefined,
  ) {}

  get connected(): boolean {
    return this.status === 'Connected';
  }

  participant(): SmaParticipant {
    return {
      CallId: this.callId,
      ParticipantTag: this.tag,
      To: this.to,
      From: this.from,
      Direction: this.direction,
      StartTimeInMilliseconds: String(this.startedAt),
      ...(this.status === undefined ? {} : { Status: this.status }),
      ...(this.sipHeaders === undefined ? {} : { SipHeaders: this.sipHeaders }),
    };
  }

  hear(item: HeardItem): void {
    this.phone.hear({ ...item, atMs: Date.now() - this.tx.startedAt } as Heard);
  }

  // NetworkSide: what the phone does.
  digit(digit: string): void {
    this.tx.engine.onDigit(this, digit);
  }
  voice(text: string): void {
    this.bridged?.hear({ kind: 'voice', text });
  }
  signal(endpoint: string): void {
    this.bridged?.hear({ kind: 'signal', endpoint });
  }
  hangup(): void {
    this.tx.engine.onRemoteHangup(this);
  }
  answer(): void {
    this.answerWaiter?.('answered');
  }
  reject(sipCode: number): void {
    this.answerWaiter?.({ rejected: sipCode });
  }
}

class Transaction {
  readonly startedAt = Date.now();
  sequence = 0;
  attributes: Record<string, string> | undefined;
  readonly legs: Leg[] = [];
  ended = false;
  invocations = 0;
  /** Bumped whenever a new list takes over; a runner whose generation is stale stops. */
  generation = 0;
  /** The action running now, so an update or a hang-up can interrupt or await it. */
  current: { type: string; leg: Leg; abort: AbortController; done: Promise<void> } | undefined;
  /** Invocations of one transaction never overlap. */
  private invocationChain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly engine: SmaEngine,
    readonly id: string,
    public region: string,
    public sipMediaApplicationId: string,
    public lambdaArn: string,
    public sipRuleId: string | undefined,
  ) {}

  leg(tag: ParticipantTag): Leg | undefined {
    return this.legs.find((l) => l.tag === tag && l.status !== 'Disconnected');
  }

  serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.invocationChain.then(work, work);
    this.invocationChain = run.catch(() => undefined);
    return run;
  }
}

export class SmaEngine implements SmaCalls {
  private readonly transactions = new Map<string, Transaction>();
  readonly log = new CallLog();
  readonly time: ScaledTime;
  private readonly accountId: string;
  private readonly limits: AttributeLimits;
  private readonly invocationTimeoutMs: number;
  private readonly hangupAfterMs: number;
  private readonly unansweredTimeoutMs: number;
  /** Faults the local cloud injects into invocations (none unless it sets them). */
  deliveryFaults: SmaDeliveryFaults | undefined;

  constructor(private readonly options: SmaEngineOptions) {
    this.time = options.time ?? new ScaledTime(1);
    this.accountId = options.accountId ?? '000000000000';
    this.limits = options.attributeLimits ?? strictAttributeLimits;
    this.invocationTimeoutMs = options.invocationTimeoutMs ?? 5_000;
    this.hangupAfterMs = options.hangupAfterMs ?? 20_000;
    this.unansweredTimeoutMs = options.unansweredTimeoutMs ?? 30_000;
    options.pstn.attach({ routeInbound: (call) => this.routeInbound(call) });
  }

  private audioOf(tx: Transaction): AudioStore {
    const audio = this.options.audio;
    return typeof audio === 'function' ? audio(tx.region) : audio;
  }

  /** Live transactions (for the health page and tests). */
  get activeCalls(): number {
    return this.transactions.size;
  }

  // ---------------------------------------------------------------- inbound calls

  private routeInbound(call: PhoneCall): boolean {
    const targets = this.options.directory.inboundTargets(call.to);
    if (targets.length === 0) return false;
    void this.startInbound(call, targets).catch((error: unknown) => {
      process.stderr.write(`[chime] inbound call to ${call.to} failed: ${String(error)}\n`);
      call.ended({ by: 'network', sipCode: 500, detail: 'emulator error' });
    });
    return true;
  }

  private async startInbound(call: PhoneCall, targets: InboundTarget[]): Promise<void> {
    const transactionId = randomUUID();
    const callId = randomUUID();
    for (const target of targets) {
      if (call.state === 'ended') return;
      if (!(this.options.isRegionUp?.(target.region) ?? true)) {
        this.log.note(
          transactionId,
          `target ${target.region} (priority ${target.priority}) is down: skipped`,
        );
        continue;
      }
      const tx = new Transaction(
        this,
        transactionId,
        target.region,
        target.sipMediaApplicationId,
        target.lambdaArn,
        target.sipRuleId,
      );
      const leg = new Leg(tx, callId, 'LEG-A', call.to, call.from, 'Inbound', call, undefined);
      tx.legs.push(leg);
      call.network = leg;
      call.transactionId = transactionId;
      this.transactions.set(transactionId, tx);
      const reply = await this.invoke(tx, 'NEW_INBOUND_CALL', {}, 'honour');
      if (reply === 'failed') {
        // The SIP rule fails over to the next target (spec §5.4); the phone keeps ringing meanwhile.
        this.transactions.delete(transactionId);
        this.log.note(transactionId, `target ${target.region} failed: trying the next one`);
        continue;
      }
      if (reply.length === 0) {
        await this.ringUnanswered(tx, leg);
        return;
      }
      void this.runList(tx, reply, leg);
      return;
    }
    this.log.note(transactionId, 'no SIP rule target could take the call');
    call.ended({ by: 'network', sipCode: 480, detail: 'no target application answered' });
  }

  /** No actions on NEW_INBOUND_CALL: the caller hears ringing until the attempt times out (spec §2.4). */
  private async ringUnanswered(tx: Transaction, leg: Leg): Promise<void> {
    const abort = new AbortController();
    tx.current = { type: 'ring', leg, abort, done: Promise.resolve() };
    await this.time.sleep(this.unansweredTimeoutMs, abort.signal);
    if (tx.ended || leg.status !== undefined) return;
    leg.status = 'Disconnected';
    leg.phone.ended({ by: 'network', sipCode: 408, detail: 'not answered' });
    this.endTransaction(tx);
  }

  // ---------------------------------------------------------------- outbound calls and updates (REST API)

  createOutboundCall(input: {
    region: string;
    sipMediaApplicationId: string;
    fromPhoneNumber: string;
    toPhoneNumber: string;
    sipHeaders?: Record<string, string>;
    argumentsMap?: Record<string, string>;
  }): { transactionId: string } {
    const sma = this.options.directory.sipMediaApplication(input.region, input.sipMediaApplicationId);
    if (sma === undefined) throw new TransactionNotFoundError('no such SIP media application');
    const tx = new Transaction(
      this,
      randomUUID(),
      input.region,
      sma.sipMediaApplicationId,
      sma.lambdaArn,
      undefined,
    );
    this.transactions.set(tx.id, tx);
    void this.startOutbound(tx, input).catch((error: unknown) => {
      process.stderr.write(`[chime] outbound call ${tx.id} failed: ${String(error)}\n`);
      this.endTransaction(tx);
    });
    return { transactionId: tx.id };
  }

  private async startOutbound(
    tx: Transaction,
    input: {
      fromPhoneNumber: string;
      toPhoneNumber: string;
      sipHeaders?: Record<string, string>;
      argumentsMap?: Record<string, string>;
    },
  ): Promise<void> {
    const phone = this.options.pstn.ringPhone({ from: input.fromPhoneNumber, to: input.toPhoneNumber });
    const leg = new Leg(
      tx,
      randomUUID(),
      'LEG-A',
      input.toPhoneNumber,
      input.fromPhoneNumber,
      'Outbound',
      phone,
      input.sipHeaders,
    );
    tx.legs.push(leg);
    phone.network = leg;
    phone.transactionId = tx.id;
    const actionData =
      input.argumentsMap === undefined
        ? {}
        : { ActionData: { Parameters: { Arguments: input.argumentsMap } } };
    // NEW_OUTBOUND_CALL and RINGING: actions ignored; attributes of the first reply are kept (spec §2.4).
    if ((await this.invoke(tx, 'NEW_OUTBOUND_CALL', actionData, 'attributes-only')) === 'failed') return;
    if ((await this.invoke(tx, 'RINGING', {}, 'ignore')) === 'failed') return;
    const outcome = await this.ring(leg, input.toPhoneNumber, 30_000);
    if (tx.ended) return;
    if (outcome !== 'answered') {
      leg.status = 'Disconnected';
      phone.ended({ by: 'network', sipCode: outcome, detail: outcome === 486 ? 'busy' : 'not answered' });
      await this.invoke(tx, 'HANGUP', hangupData(leg, outcome), 'ignore');
      this.endTransaction(tx);
      return;
    }
    leg.status = 'Connected';
    phone.connected();
    const reply = await this.invoke(tx, 'CALL_ANSWERED', {}, 'honour');
    if (reply !== 'failed') void this.runList(tx, reply, leg);
  }

  /** Rings a virtual phone; resolves 'answered' or the SIP code of the failure (486 busy, 480 no answer). */
  private ring(leg: Leg, number: string, timeoutMs: number): Promise<'answered' | number> {
    const behaviour = this.options.pstn.behaviourOf(number);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(480), this.time.real(timeoutMs));
      const finish = (outcome: 'answered' | number) => {
        clearTimeout(timer);
        leg.answerWaiter = undefined;
        resolve(outcome);
      };
      leg.answerWaiter = (o) => finish(o === 'answered' ? 'answered' : o.rejected);
      if (behaviour.mode === 'busy') finish(486);
      else if (behaviour.mode === 'answer')
        setTimeout(() => leg.answerWaiter?.('answered'), this.time.real(behaviour.afterMs));
      // 'no-answer' waits for the timeout; 'manual' waits for the phone's answer() or reject().
    });
  }

  updateCall(input: {
    region: string;
    sipMediaApplicationId: string;
    transactionId: string;
    arguments: Record<string, string>;
  }): void {
    const tx = this.transactions.get(input.transactionId);
    if (
      tx === undefined ||
      tx.ended ||
      tx.region !== input.region ||
      tx.sipMediaApplicationId !== input.sipMediaApplicationId
    ) {
      throw new TransactionNotFoundError('Transaction not found');
    }
    void this.onUpdate(tx, input.arguments);
  }

  /** CALL_UPDATE_REQUESTED: interrupt PlayAudio/RecordAudio/Pause at once, let others finish, run the reply. */
  private async onUpdate(tx: Transaction, args: Record<string, string>): Promise<void> {
    const running = tx.current;
    const interrupted = running !== undefined && interruptibleActions.has(running.type) ? running : undefined;
    interrupted?.abort.abort();
    const generation = ++tx.generation;
    const focus = running?.leg ?? tx.leg('LEG-A') ?? tx.legs[0];
    if (focus === undefined) return;
    const reply = await this.invoke(
      tx,
      'CALL_UPDATE_REQUESTED',
      { ActionData: { Type: 'CallUpdateRequest', Parameters: { Arguments: args } } },
      'honour',
    );
    if (interrupted !== undefined) {
      await this.invoke(
        tx,
        'ACTION_INTERRUPTED',
        { ActionData: { Type: interrupted.type, Parameters: { CallId: interrupted.leg.callId } } },
        'ignore',
      );
    }
    await running?.done;
    if (reply === 'failed' || tx.ended || generation !== tx.generation) return;
    void this.runList(tx, reply, focus);
  }

  // ---------------------------------------------------------------- events from phones

  onDigit(leg: Leg, digit: string): void {
    if (leg.tx.ended || leg.status !== 'Connected') return;
    if (leg.digitConsumer !== undefined) {
      leg.digitConsumer(digit);
      return;
    }
    const listener = leg.listener;
    if (listener === undefined) return; // no listener armed: the digit is discarded (spec §3.7.6)
    if (listener.buffer === '') {
      // The flush window starts at the first digit.
      listener.timers.push(
        setTimeout(() => {
          if (leg.listener === listener) listener.buffer = '';
        }, this.time.real(listener.flushMs)),
      );
    }
    listener.buffer += digit;
    for (const t of listener.timers.splice(1)) clearTimeout(t);
    listener.timers.push(
      setTimeout(() => {
        if (leg.listener !== listener || !listener.regex.test(listener.buffer)) return;
        const received = listener.buffer;
        for (const t of listener.timers) clearTimeout(t);
        leg.listener = undefined; // one-shot: the handler re-arms it
        void this.onDigitsReceived(leg, listener, received);
      }, this.time.real(listener.interDigitMs)),
    );
  }

  private async onDigitsReceived(
    leg: Leg,
    listener: { regex: RegExp; interDigitMs: number; flushMs: number },
    received: string,
  ): Promise<void> {
    const tx = leg.tx;
    const reply = await this.invoke(
      tx,
      'DIGITS_RECEIVED',
      {
        ActionData: {
          Type: 'ReceiveDigits',
          Parameters: {
            CallId: leg.callId,
            ParticipantTag: leg.tag,
            InputDigitsRegex: listener.regex.source,
            InBetweenDigitsDurationInMilliseconds: listener.interDigitMs,
            FlushDigitsDurationInMilliseconds: listener.flushMs,
          },
          ReceivedDigits: received,
        },
      },
      'honour',
    );
    if (reply === 'failed' || reply.length === 0 || tx.ended) return;
    // A new list replaces what was pending once the current action has finished (spec §3.4 step 6).
    const generation = ++tx.generation;
    await tx.current?.done;
    if (generation === tx.generation && !tx.ended) void this.runList(tx, reply, leg);
  }

  onRemoteHangup(leg: Leg): void {
    const tx = leg.tx;
    if (tx.ended || leg.status === 'Disconnected') return;
    void this.legGone(tx, leg, 0);
  }

  /** A leg disconnected: stop what runs on it, tell the handler, and end the transaction if nobody is left. */
  private async legGone(tx: Transaction, leg: Leg, sipCode: number): Promise<void> {
    leg.status = 'Disconnected';
    leg.answerWaiter?.({ rejected: 487 });
    this.disarm(leg);
    this.unbridge(leg);
    const generation = ++tx.generation;
    if (tx.current?.leg === leg) tx.current.abort.abort();
    await tx.current?.done;
    const others = tx.legs.filter((l) => l.status === 'Connected');
    const reply = await this.invoke(
      tx,
      'HANGUP',
      hangupData(leg, sipCode),
      others.length > 0 ? 'honour' : 'ignore',
    );
    if (others.length === 0) {
      this.endTransaction(tx);
      return;
    }
    if (reply !== 'failed' && generation === tx.generation && !tx.ended)
      void this.runList(tx, reply, others[0] as Leg);
  }

  private unbridge(leg: Leg): void {
    leg.meeting?.leave();
    if (leg.bridged !== undefined) {
      leg.bridged.bridged = undefined;
      leg.bridged = undefined;
    }
  }

  private disarm(leg: Leg): void {
    for (const t of leg.listener?.timers ?? []) clearTimeout(t);
    leg.listener = undefined;
  }

  private endTransaction(tx: Transaction): void {
    if (tx.ended) return;
    tx.ended = true;
    tx.generation++;
    tx.current?.abort.abort();
    for (const leg of tx.legs) {
      this.disarm(leg);
      if (leg.status !== 'Disconnected') {
        leg.status = 'Disconnected';
        leg.phone.ended({ by: 'far-end', sipCode: 0, detail: 'the call ended' });
      }
    }
    void this.finishRecordings(tx);
    this.transactions.delete(tx.id);
    this.log.end(tx.id);
  }

  /** The SMA gave up on the handler: every leg is hung up with 480 Unavailable (spec §4.1). */
  private failCall(tx: Transaction, detail: string): void {
    this.log.note(tx.id, detail);
    for (const leg of tx.legs) {
      if (leg.status === 'Disconnected') continue;
      leg.status = 'Disconnected';
      leg.phone.ended({ by: 'network', sipCode: 480, detail });
    }
    this.endTransaction(tx);
  }

  // ---------------------------------------------------------------- invocations

  /**
   * Invokes the handler. 'honour': the reply's actions are returned to run; 'attributes-only': its
   * TransactionAttributes are kept but its actions ignored; 'ignore': the reply is ignored entirely.
   * Returns 'failed' if the handler could not answer (the call has then been dealt with).
   */
  private invoke(
    tx: Transaction,
    type: InvocationEventType,
    extra: Pick<SmaEvent, 'ActionData' | 'ErrorType' | 'ErrorMessage'>,
    use: 'honour' | 'attributes-only' | 'ignore',
  ): Promise<SmaAction[] | 'failed'> {
    return tx.serialize(async () => {
      let event = this.event(tx, type, extra);
      for (;;) {
        if (++tx.invocations > MAX_INVOCATIONS) {
          this.failCall(tx, `more than ${MAX_INVOCATIONS} invocations`);
          return 'failed';
        }
        const response = await this.call(tx, event);
        if (response === 'failed') {
          if (type !== 'NEW_INBOUND_CALL') this.failCall(tx, 'the handler did not answer');
          return 'failed';
        }
        if (use === 'ignore' || tx.ended) return [];
        const check = checkResponse(response.value, this.limits);
        if (!check.ok) {
          // Nothing of a rejected response is applied; the handler gets another chance.
          event = this.event(tx, 'INVALID_LAMBDA_RESPONSE', {
            ErrorType: check.errorType,
            ErrorMessage: check.errorMessage,
          });
          continue;
        }
        if (check.attributes !== undefined) {
          tx.attributes = Object.keys(check.attributes).length === 0 ? undefined : check.attributes;
        }
        return use === 'honour' ? check.actions : [];
      }
    });
  }

  private event(
    tx: Transaction,
    type: InvocationEventType,
    extra: Pick<SmaEvent, 'ActionData' | 'ErrorType' | 'ErrorMessage'>,
  ): SmaEvent {
    tx.sequence += 1;
    return {
      SchemaVersion: '1.0',
      Sequence: tx.sequence,
      InvocationEventType: type,
      ...extra,
      CallDetails: {
        TransactionId: tx.id,
        ...(tx.attributes === undefined ? {} : { TransactionAttributes: { ...tx.attributes } }),
        AwsAccountId: this.accountId,
        AwsRegion: tx.region,
        ...(tx.sipRuleId === undefined ? {} : { SipRuleId: tx.sipRuleId }),
        SipMediaApplicationId: tx.sipMediaApplicationId,
        Participants: tx.legs.map((l) => l.participant()),
      },
    };
  }

  /**
   * One invocation with the SMA's timing: the first attempt gets 5 s, then the same payload is sent again
   * (the slow first copy keeps running, its late answer is discarded), and after 20 s the SMA gives up.
   * A handler that throws counts as a failed attempt.
   */
  private async call(tx: Transaction, event: SmaEvent): Promise<{ value: unknown } | 'failed'> {
    const handler =
      (this.options.isRegionUp?.(tx.region) ?? true) ? this.options.handlers(tx.lambdaArn) : undefined;
    if (handler === undefined) {
      this.log.invocation(tx.id, {
        event,
        attempt: 1,
        error: `no function ${tx.lambdaArn} in ${tx.region}`,
        ms: 0,
      });
      return 'failed';
    }
    const started = Date.now();
    const deadline = started + this.time.real(this.hangupAfterMs);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const attemptStarted = Date.now();
      const limit =
        attempt === 1
          ? Math.min(deadline, attemptStarted + this.time.real(this.invocationTimeoutMs))
          : deadline;
      // A handler that throws synchronously counts as a failed attempt too.
      const work = this.deliver(handler, event);
      const result = await withDeadline(work, limit - attemptStarted);
      const ms = Date.now() - attemptStarted;
      if (result.kind === 'value') {
        this.log.invocation(tx.id, { event, attempt, response: result.value, ms });
        return { value: result.value };
      }
      this.log.invocation(tx.id, {
        event,
        attempt,
        error: result.kind === 'timeout' ? `no response within ${ms} ms` : `handler error: ${result.error}`,
        ms,
      });
      if (Date.now() >= deadline) break;
    }
    return 'failed';
  }

  /**
   * Sends one copy of the event, or — with the duplicate-delivery fault on — two at once, the SMA's retry
   * at its worst: the first answer is used, the other copy runs on, and the two answers are compared once
   * both are in (an idempotent handler answers both copies alike).
   */
  private deliver(handler: SmaHandler, event: SmaEvent): Promise<unknown> {
    const faults = this.deliveryFaults;
    const copy = () => Promise.resolve().then(() => handler(structuredClone(event)));
    if (faults?.duplicateEvents() !== true) {
      faults?.delivered({ duplicated: false, divergent: false });
      return copy();
    }
    const copies = [copy(), copy()];
    void Promise.allSettled(copies).then(([a, b]) =>
      faults.delivered({
        duplicated: true,
        divergent:
          a?.status === 'fulfilled' &&
          b?.status === 'fulfilled' &&
          JSON.stringify(a.value) !== JSON.stringify(b.value),
      }),
    );
    return Promise.any(copies).catch((error: AggregateError) => {
      throw error.errors[0];
    });
  }

  // ---------------------------------------------------------------- action lists

  private async runList(tx: Transaction, actions: SmaAction[], focus: Leg): Promise<void> {
    const generation = tx.generation;
    let list = actions;
    let index = 0;
    while (index < list.length) {
      if (tx.ended || generation !== tx.generation) return;
      // Everyone hung up while the handler was thinking: nothing is left to act on.
      if (!tx.legs.some((l) => l.status !== 'Disconnected')) return;
      const action = list[index] as SmaAction;
      const last = index === list.length - 1;
      const outcome = await this.execute(tx, action, focus);
      if (tx.ended || generation !== tx.generation || outcome.kind === 'superseded') return;
      if (outcome.kind === 'failed') {
        const reply = await this.invoke(tx, 'ACTION_FAILED', { ActionData: outcome.data }, 'honour');
        if (reply === 'failed' || generation !== tx.generation) return;
        list = reply;
        index = 0;
        continue;
      }
      // A Hangup that succeeds left a meeting without ending the call, and reports (spec §3.7.2).
      if (last || reportingActions.has(action.Type) || action.Type === 'Hangup') {
        const reply = await this.invoke(tx, 'ACTION_SUCCESSFUL', { ActionData: outcome.data }, 'honour');
        if (reply === 'failed' || generation !== tx.generation) return;
        if (last || reply.length > 0) {
          // A reply to a mid-list report replaces the remainder; an empty one lets it continue.
          list = reply;
          index = 0;
          continue;
        }
      }
      index += 1;
    }
  }

  /** Runs one action, with its target leg resolved and its parameters validated. */
  private async execute(tx: Transaction, action: SmaAction, focus: Leg): Promise<Outcome> {
    let leg: Leg;
    let valid: ValidatedAction;
    try {
      leg = this.target(tx, action, focus);
      valid = validateAction(action);
    } catch (error) {
      return failed(action, undefined, error);
    }
    const echo = { CallId: leg.callId, ParticipantTag: leg.tag, ...valid.echo };
    const abort = new AbortController();
    let settle: () => void = () => undefined;
    const done = new Promise<void>((r) => {
      settle = r;
    });
    tx.current = { type: action.Type, leg, abort, done };
    try {
      const extra = await this.perform(tx, leg, valid, abort.signal);
      if (extra === 'superseded' || abort.signal.aborted) return { kind: 'superseded' };
      return { kind: 'success', data: { Type: action.Type, Parameters: echo, ...extra } };
    } catch (error) {
      if (abort.signal.aborted) return { kind: 'superseded' };
      return failed(action, echo, error);
    } finally {
      if (tx.current?.done === done) tx.current = undefined;
      settle();
    }
  }

  private target(tx: Transaction, action: SmaAction, focus: Leg): Leg {
    const { CallId, ParticipantTag } = action.Parameters;
    if (callIdRequired.has(action.Type) && (typeof CallId !== 'string' || CallId === '')) {
      throw new ActionError('MissingRequiredActionParameter', 'Missing required action parameter.');
    }
    let leg: Leg | undefined;
    if (typeof CallId === 'string' && CallId !== '') leg = tx.legs.find((l) => l.callId === CallId);
    else if (ParticipantTag === 'LEG-A' || ParticipantTag === 'LEG-B')
      leg = tx.legs.find((l) => l.tag === ParticipantTag);
    else if (ParticipantTag === undefined || ParticipantTag === '' || ParticipantTag === null) leg = focus;
    if (leg === undefined || leg.status === 'Disconnected') {
      throw new ActionError(
        'InvalidActionParameter',
        'CallId or ParticipantTag parameter for action is invalid.',
      );
    }
    return leg;
  }

  /** Answers an inbound leg that is still ringing: the first media action does it (spec §3.4 step 8). */
  private answer(leg: Leg): void {
    if (leg.status !== undefined) return;
    leg.status = 'Connected';
    leg.phone.connected();
  }

  /** Returns extra ActionData fields on success, 'superseded' if control moved elsewhere; throws on failure. */
  private async perform(
    tx: Transaction,
    leg: Leg,
    action: ValidatedAction,
    signal: AbortSignal,
  ): Promise<Partial<SmaActionData> | 'superseded'> {
    switch (action.type) {
      case 'Hangup': {
        const stays = tx.legs.some((l) => l !== leg && l.status === 'Connected');
        if (leg.meeting !== undefined && stays) {
          leg.status = 'Disconnected';
          this.unbridge(leg);
          return {};
        }
        if (leg.status === undefined) {
          leg.phone.ended({ by: 'far-end', sipCode: action.sipResponseCode || 603, detail: 'rejected' });
        } else {
          leg.phone.ended({
            by: 'far-end',
            sipCode: action.sipResponseCode,
            detail: 'hung up by the application',
          });
        }
        void this.legGone(tx, leg, action.sipResponseCode);
        return 'superseded';
      }
      case 'Pause':
        this.answer(leg);
        await this.time.sleep(action.durationMs, signal);
        return {};
      case 'Speak':
        this.answer(leg);
        await this.speak(leg, action.speech, signal);
        return {};
      case 'PlayAudio': {
        const duration = await this.audioOf(tx).promptDurationMs(action.source.BucketName, action.source.Key);
        this.answer(leg);
        await this.play(leg, action.source, duration, action.repeat, action.terminators, signal);
        return {};
      }
      case 'PlayAudioAndGetDigits': {
        const duration = await this.audioOf(tx).promptDurationMs(action.source.BucketName, action.source.Key);
        const failureDuration = await this.audioOf(tx).promptDurationMs(
          action.failureSource.BucketName,
          action.failureSource.Key,
        );
        this.answer(leg);
        const digits = await this.collect(leg, action.digits, signal, {
          prompt: () =>
            leg.hear({
              kind: 'audio',
              bucket: action.source.BucketName,
              key: action.source.Key,
              durationMs: duration,
              input: true,
            }),
          promptMs: duration,
          failure: () =>
            leg.hear({
              kind: 'audio',
              bucket: action.failureSource.BucketName,
              key: action.failureSource.Key,
              durationMs: failureDuration,
              input: true,
            }),
          failureMs: failureDuration,
        });
        return { ReceivedDigits: digits };
      }
      case 'SpeakAndGetDigits': {
        this.answer(leg);
        const digits = await this.collect(leg, action.digits, signal, {
          prompt: () => this.announce(leg, action.speech, true),
          promptMs: speechMs(action.speech.Text),
          failure: () => this.announce(leg, action.failureSpeech, true),
          failureMs: speechMs(action.failureSpeech.Text),
        });
        return { ReceivedDigits: digits };
      }
      case 'ReceiveDigits':
        this.answer(leg);
        this.disarm(leg);
        leg.listener = {
          regex: action.regex,
          interDigitMs: action.interDigitMs,
          flushMs: action.flushMs,
          buffer: '',
          timers: [],
        };
        return { ReceivedDigits: '' };
      case 'SendDigits': {
        this.answer(leg);
        leg.hear({ kind: 'tones', digits: action.digits });
        const pauses = action.digits.split(',').length - 1;
        await this.time.sleep((action.digits.length - pauses) * action.toneMs + pauses * 500, signal);
        return {};
      }
      case 'RecordAudio':
        this.answer(leg);
        return this.recordAudio(tx, leg, action, signal);
      case 'CallAndBridge':
        return this.callAndBridge(tx, leg, action, signal);
      case 'StartCallRecording':
        return this.startCallRecording(tx, leg, action);
      case 'StopCallRecording':
      case 'PauseCallRecording':
      case 'ResumeCallRecording':
        this.controlRecording(tx, leg, action.type);
        return {};
      case 'JoinChimeMeeting':
        return this.joinMeeting(tx, leg, action);
      case 'ModifyChimeMeetingAttendees':
        return this.modifyAttendees(leg, action);
    }
  }

  private announce(
    leg: Leg,
    speech: { Text: string; VoiceId: string; LanguageCode?: string },
    input = false,
  ): void {
    leg.hear({
      kind: 'speech',
      text: speech.Text,
      voiceId: speech.VoiceId,
      ...(speech.LanguageCode === undefined ? {} : { languageCode: speech.LanguageCode }),
      ...(input ? { input: true as const } : {}),
    });
  }

  private async speak(
    leg: Leg,
    speech: { Text: string; VoiceId: string; LanguageCode?: string },
    signal: AbortSignal,
  ): Promise<void> {
    this.announce(leg, speech);
    await this.time.sleep(speechMs(speech.Text), signal);
  }

  /** Plays a prompt `repeat` times; a terminator digit stops it (and it is not repeated). */
  private async play(
    leg: Leg,
    source: { BucketName: string; Key: string },
    durationMs: number,
    repeat: number,
    terminators: string[],
    signal: AbortSignal,
  ): Promise<void> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    // Interrupted while the action was still being prepared (its audio looked up): stop at once.
    if (signal.aborted) stop.abort();
    if (terminators.length > 0) {
      leg.digitConsumer = (digit) => {
        if (terminators.includes(digit)) stop.abort();
      };
    }
    try {
      for (let i = 0; i < repeat && !stop.signal.aborted; i++) {
        leg.hear({ kind: 'audio', bucket: source.BucketName, key: source.Key, durationMs });
        await this.time.sleep(durationMs, stop.signal);
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      leg.digitConsumer = undefined;
    }
  }

  private async collect(
    leg: Leg,
    settings: Parameters<typeof collectDigits>[0]['settings'],
    signal: AbortSignal,
    prompts: { prompt: () => void; promptMs: number; failure: () => void; failureMs: number },
  ): Promise<string> {
    leg.digits.clear();
    leg.digitConsumer = (digit) => leg.digits.push(digit);
    try {
      const result = await collectDigits({
        settings,
        digits: leg.digits,
        time: this.time,
        signal,
        ...prompts,
      });
      if (result === undefined) {
        if (signal.aborted) throw new ActionError('SystemException', 'aborted');
        // The ErrorType for exhausted attempts is undocumented (spec §2.5): a placeholder nobody should match on.
        throw new ActionError('Emulator:NoValidInput', 'No valid input was received after all attempts.');
      }
      return result;
    } finally {
      leg.digitConsumer = undefined;
    }
  }

  private async recordAudio(
    tx: Transaction,
    leg: Leg,
    action: Extract<ValidatedAction, { type: 'RecordAudio' }>,
    signal: AbortSignal,
  ): Promise<Partial<SmaActionData> | 'superseded'> {
    // RecordAudio makes no sound of its own (spec §3.7.7): a handler that wants a beep plays one first.
    const started = Date.now();
    const stop = new AbortController();
    let terminator: string | undefined;
    leg.digitConsumer = (digit) => {
      if (action.terminators.includes(digit)) {
        terminator = digit;
        stop.abort();
      }
    };
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    // Interrupted while the action was still being prepared (its audio looked up): stop at once.
    if (signal.aborted) stop.abort();
    // Without real audio the caller is silent: silence detection ends the recording after its duration.
    const limits = [action.durationSeconds, action.silenceSeconds].filter(
      (s): s is number => s !== undefined,
    );
    try {
      await this.time.sleep(limits.length > 0 ? Math.min(...limits) * 1000 : 3_600_000, stop.signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
      leg.digitConsumer = undefined;
    }
    if (signal.aborted && leg.status === 'Disconnected') return 'superseded';
    const durationMs = (Date.now() - started) / this.time.scale;
    const key = [action.prefix.replace(/\/+$/, ''), tx.id, `${randomUUID()}.wav`]
      .filter((p) => p !== '')
      .join('/');
    try {
      await this.audioOf(tx).putWav(action.bucket, key, silenceWav(durationMs, 1), {
        'transaction-id': tx.id,
        'call-id': leg.callId,
      });
    } catch {
      throw new ActionError(
        'InvalidActionParameter',
        'Error occurred while uploading recording to S3 bucket.',
      );
    }
    return {
      RecordingDestination: { Type: 'S3', BucketName: action.bucket, Key: key },
      ...(terminator === undefined ? {} : { RecordingTerminatorUsed: terminator }),
    };
  }

  private async callAndBridge(
    tx: Transaction,
    legA: Leg,
    action: Extract<ValidatedAction, { type: 'CallAndBridge' }>,
    signal: AbortSignal,
  ): Promise<Partial<SmaActionData>> {
    if (!this.options.directory.ownsNumber(action.callerId) && action.callerId !== legA.from) {
      throw new ActionError(
        'InvalidActionParameter',
        'Invalid caller ID number provided. Number must be owned by the AWS account or be the From number of LEG-A.',
      );
    }
    if (tx.leg('LEG-B') !== undefined)
      throw new ActionError('InvalidActionParameter', 'Invalid action on the call.');
    if (action.ringback !== undefined) {
      const ms = await this.audioOf(tx)
        .promptDurationMs(action.ringback.BucketName, action.ringback.Key)
        .catch(() => {
          throw new ActionError('InvalidAudioSource', 'Ringtone parameter value is invalid.');
        });
      legA.hear({
        kind: 'audio',
        bucket: action.ringback.BucketName,
        key: action.ringback.Key,
        durationMs: ms,
      });
    } else {
      legA.hear({ kind: 'ringback' });
    }
    const phone = this.options.pstn.ringPhone({ from: action.callerId, to: action.uri });
    const legB = new Leg(
      tx,
      randomUUID(),
      'LEG-B',
      action.uri,
      action.callerId,
      'Outbound',
      phone,
      action.sipHeaders,
    );
    phone.network = legB;
    phone.transactionId = tx.id;
    tx.legs.push(legB);
    const onAbort = () => legB.answerWaiter?.({ rejected: 487 });
    signal.addEventListener('abort', onAbort, { once: true });
    const outcome = await this.ring(legB, action.uri, action.timeoutSeconds * 1000);
    signal.removeEventListener('abort', onAbort);
    if (outcome !== 'answered') {
      legB.status = 'Disconnected';
      phone.ended({ by: 'network', sipCode: outcome, detail: 'not answered' });
      tx.legs.splice(tx.legs.indexOf(legB), 1);
      if (signal.aborted) throw new ActionError('SystemException', 'aborted');
      throw new ActionError(
        'CallNotAnswered',
        outcome === 486 ? 'Call not answered (busy)' : 'Call not answered',
      );
    }
    legB.status = 'Connected';
    phone.connected();
    this.answer(legA);
    legA.bridged = legB;
    legB.bridged = legA;
    return {};
  }

  /**
   * JoinChimeMeeting (spec §3.7.12): LEG-B becomes the caller's seat in the meeting, so the caller and
   * the attendees hear one another. The meeting leg's To/From are not documented [U]: they copy LEG-A's.
   */
  private joinMeeting(
    tx: Transaction,
    legA: Leg,
    action: Extract<ValidatedAction, { type: 'JoinChimeMeeting' }>,
  ): Partial<SmaActionData> {
    if (legA.tag !== 'LEG-A')
      throw new ActionError(
        'InvalidActionParameter',
        'CallId or ParticipantTag parameter for action is invalid.',
      );
    if (tx.leg('LEG-B') !== undefined)
      throw new ActionError('InvalidActionParameter', 'Invalid action on the call.');
    const rooms = this.options.meetings;
    const joinFailed = (why: string) => new ActionError('ErrorJoiningMeeting', why, true);
    if (rooms === undefined) throw joinFailed('no Chime SDK meetings service is configured');
    // Meetings of the Chime SDK Meetings namespace need their id (the stricter reading of the spec).
    if (action.meetingId === undefined)
      throw joinFailed('MeetingId is required for meetings created with the Chime SDK Meetings API');
    let seatOfCaller: Membership | undefined;
    const meetingSide: PhoneSide = {
      connected: () => undefined,
      // What the SMA sends down LEG-B (the caller's voice, prompts played on it) goes into the meeting.
      hear: (item) => seatOfCaller?.send(withoutTime(item)),
      ended: () => seatOfCaller?.leave(),
    };
    const legB = new Leg(tx, randomUUID(), 'LEG-B', legA.to, legA.from, 'Outbound', meetingSide, undefined);
    try {
      seatOfCaller = rooms.join({
        meetingId: action.meetingId,
        joinToken: action.joinToken,
        side: {
          connected: () => undefined,
          // What the attendees say reaches the caller.
          // Presence is the meeting's own signal, not sound: the caller does not hear it.
          hear: (item) => {
            if (item.kind !== 'presence') legB.bridged?.hear(withoutTime(item));
          },
          // The meeting ended or the attendee was removed: the meeting leg hangs up.
          ended: () => this.onRemoteHangup(legB),
        },
      });
    } catch (error) {
      throw joinFailed((error as Error).message);
    }
    this.answer(legA);
    legB.meeting = seatOfCaller;
    legB.status = 'Connected';
    tx.legs.push(legB);
    legA.bridged = legB;
    legB.bridged = legA;
    return {};
  }

  /** ModifyChimeMeetingAttendees: mutes or unmutes attendees of the meeting the call is joined to. */
  private modifyAttendees(
    leg: Leg,
    action: Extract<ValidatedAction, { type: 'ModifyChimeMeetingAttendees' }>,
  ): Partial<SmaActionData> {
    const meetingLeg =
      leg.meeting !== undefined ? leg : leg.bridged?.meeting !== undefined ? leg.bridged : undefined;
    if (meetingLeg === undefined) {
      throw new ActionError(
        'InvalidActionParameter',
        leg.bridged === undefined ? 'Invalid action on the call.' : 'Call is not connected to Chime Meeting.',
      );
    }
    if (meetingLeg.meeting?.meetingId !== action.meetingId)
      throw new ActionError('InvalidActionParameter', 'Call is not connected to Chime Meeting.');
    try {
      this.options.meetings?.setMuted(action.meetingId, action.attendees, action.operation === 'Mute');
    } catch (error) {
      throw new ActionError(
        'InvalidActionParameter',
        `Invalid AttendeeList parameter: ${(error as Error).message}`,
      );
    }
    return {};
  }

  private startCallRecording(
    tx: Transaction,
    leg: Leg,
    action: Extract<ValidatedAction, { type: 'StartCallRecording' }>,
  ): Partial<SmaActionData> {
    if (leg.recording !== undefined)
      throw new ActionError('InvalidActionParameter', 'Call recording already started.');
    leg.recording = {
      startedAt: Date.now(),
      pausedMs: 0,
      pausedAt: undefined,
      track: action.track,
      location: action.location,
    };
    return { CallRecordingDestination: { Type: 'S3', Location: recordingLocation(tx, leg) } };
  }

  private controlRecording(
    tx: Transaction,
    leg: Leg,
    type: 'StopCallRecording' | 'PauseCallRecording' | 'ResumeCallRecording',
  ): void {
    const recording = leg.recording;
    if (recording === undefined)
      throw new ActionError('InvalidActionParameter', 'Call recording is not started.');
    if (type === 'PauseCallRecording' && recording.pausedAt === undefined) {
      recording.pausedAt = Date.now();
      leg.hear({ kind: 'beep' });
    } else if (type === 'ResumeCallRecording' && recording.pausedAt !== undefined) {
      recording.pausedMs += Date.now() - recording.pausedAt;
      recording.pausedAt = undefined;
      leg.hear({ kind: 'beep' });
    } else if (type === 'StopCallRecording') {
      void this.writeRecording(tx, leg);
    }
  }

  private async finishRecordings(tx: Transaction): Promise<void> {
    for (const leg of tx.legs) if (leg.recording !== undefined) await this.writeRecording(tx, leg);
  }

  /** Delivers a call recording after Stop or the call's end: WAV, stereo for BOTH (spec §3.7.13). */
  private async writeRecording(tx: Transaction, leg: Leg): Promise<void> {
    const recording = leg.recording;
    if (recording === undefined) return;
    leg.recording = undefined;
    const location = recordingLocation(tx, leg, recording);
    const [bucket, ...rest] = location.split('/');
    const durationMs = (Date.now() - recording.startedAt) / this.time.scale;
    try {
      await this.audioOf(tx).putWav(
        bucket as string,
        rest.join('/'),
        silenceWav(durationMs, recording.track === 'BOTH' ? 2 : 1),
        {
          'transaction-id': tx.id,
          'call-id': leg.callId,
          'recording-duration': (durationMs / 1000).toFixed(3),
          'recording-audio-file-format': 'audio/wav',
        },
      );
    } catch (error) {
      this.log.note(tx.id, `recording upload failed: ${String(error)}`);
    }
  }
}

function recordingLocation(tx: Transaction, leg: Leg, recording = leg.recording): string {
  const at = new Date(recording?.startedAt ?? Date.now());
  const iso = at.toISOString(); // 2026-11-22T10:00:00.000Z
  const [bucket, ...prefixParts] = (recording?.location ?? '').split('/').filter((p) => p !== '');
  const prefix = prefixParts.length > 0 ? prefixParts.join('/') : 'Amazon-Chime-SMA-Call-Recordings';
  const day = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
  const stamp = `${iso.slice(0, 10)}-${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 19)}-${iso.slice(20, 23)}`;
  return `${bucket}/${prefix}/${day}/${stamp}_${tx.id}_${leg.callId}.wav`;
}

function withoutTime(item: Heard | HeardItem): HeardItem {
  const { atMs: _atMs, ...rest } = item as Heard;
  return rest as HeardItem;
}

function speechMs(text: string): number {
  return Math.max(400, text.replace(/<[^>]+>/g, '').length * SPEECH_MS_PER_CHAR);
}

/** Without real media the recorded party is silent: an 8 kHz 16-bit file of the right length. */
function silenceWav(durationMs: number, channels: number): Buffer {
  return makeWav({ sampleRate: 8000, channels, durationMs: Math.max(0, durationMs) });
}

function hangupData(leg: Leg, sipCode: number): Pick<SmaEvent, 'ActionData'> {
  return {
    ActionData: {
      Type: 'Hangup',
      Parameters: { SipResponseCode: sipCode, CallId: leg.callId, ParticipantTag: leg.tag },
    },
  };
}

function failed(action: SmaAction, echo: Record<string, unknown> | undefined, error: unknown): Outcome {
  const parameters = echo ?? action.Parameters;
  if (error instanceof ActionError) {
    const data: SmaActionData = error.singleString
      ? { Type: action.Type, Parameters: parameters, Error: `${error.errorType}: ${error.message}` }
      : {
          Type: action.Type,
          Parameters: parameters,
          ErrorType: error.errorType,
          ErrorMessage: error.message,
        };
    return { kind: 'failed', data };
  }
  process.stderr.write(`[chime] ${action.Type} failed unexpectedly: ${String(error)}\n`);
  return {
    kind: 'failed',
    data: {
      Type: action.Type,
      Parameters: parameters,
      ErrorType: 'SystemException',
      ErrorMessage: 'System error while running action.',
    },
  };
}

type Settled = { kind: 'value'; value: unknown } | { kind: 'timeout' } | { kind: 'error'; error: string };

function withDeadline(work: Promise<unknown>, ms: number): Promise<Settled> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'timeout' }), Math.max(0, ms));
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve({ kind: 'value', value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ kind: 'error', error: error instanceof Error ? error.message : String(error) });
      },
    );
  });
}
