/**
 * The SIP media application adapter of call control (shared/specs/chime-sma-protocol.md): SMA events in,
 * domain turns (layers/domain/calls/run-ivr-turn.ts) in the middle, SMA actions out. The call's small
 * state travels in TransactionAttributes; each invocation is handled once (the invocation log), so a
 * retried or duplicated invocation gets the same response and causes no second side effect.
 */
import { askForCode, CODE_ATTEMPTS, EXTENSION_CODE, NO_SUCH_SHOP } from '../domain/calls/access-number.ts';
import {
  APOLOGY_STEPS,
  type CallLink,
  type CallRecordChange,
  type CallState,
  type IvrPorts,
  type IvrTurnInput,
  type IvrTurnResult,
  type NumberRoute,
  runIvrTurn,
} from '../domain/calls/run-ivr-turn.ts';
import type { FlowEvent, FlowPosition, FlowStep, Media } from '../domain/flows/run-flow.ts';
import {
  messageTaken,
  type OverflowTarget,
  overflowPlan,
  waitAnnouncement,
} from '../domain/routing/overflow.ts';
import { type TenantId, tenantId } from '../domain/tenancy/ids.ts';
import { objectKeys } from '../resources/buckets.ts';
import type { SmaAction, SmaActionData, SmaEvent, SmaParticipant, SmaResponse } from './sma-protocol.ts';

export interface SmaCallControlPorts extends IvrPorts {
  readonly routes: IvrPorts['routes'] & {
    isAccessNumber(dialled: string): Promise<boolean>;
    extensionRoute(accessNumber: string, code: string): Promise<NumberRoute | undefined>;
  };
  readonly calls: IvrPorts['calls'] & {
    /** Leaves an ended record for a call whose record was not made yet (a no-op if it was). */
    endBeforeStart(tenant: TenantId, callId: string, end: CallRecordChange): Promise<void>;
    /** Which tenant a shared-access-number call went to, noted before its flow starts. */
    rememberAccessCall(callId: string, tenant: TenantId): Promise<void>;
    accessCallTenant(callId: string): Promise<TenantId | undefined>;
    /** The agent paused (or resumed) the call's recording at `at`. */
    recordingPaused(tenant: TenantId, callId: string, paused: boolean, at: string): Promise<void>;
  };
  readonly invocations: {
    once<R>(tenant: TenantId, callId: string, key: string, work: () => Promise<R>): Promise<R>;
  };
  readonly buckets: { readonly prompts: string; readonly recordings: string };
  /** The caller left (or the call ended): routing releases the queue entry or the agent. */
  readonly leaveRouting: (tenant: TenantId, callId: string) => Promise<void>;
  /** The far end of an agent's call out answered and joined the agent: the agent is on the call. */
  readonly answerOutbound: (tenant: TenantId, callId: string) => Promise<void>;
  /** A consulted number answered (and joined the consulting agent), or hung up: routing follows. */
  readonly consulted: (
    tenant: TenantId,
    callId: string,
    consultCallId: string,
    outcome: 'answered' | 'ended',
  ) => Promise<void>;
  /** One of a pair (a warm transfer to a number) hung up: the other is hung up, their meeting ended. */
  readonly endPair: (
    carrier: Readonly<Record<string, string>>,
    partnerCallId: string,
    meetingId: string,
  ) => Promise<void>;
  /**
   * The caller waits in a queue again: a transfer out that nobody answered (their queue), or an overflow
   * to another queue (`queueId`).
   */
  readonly returnToQueue: (
    tenant: TenantId,
    callId: string,
    queueId?: string,
  ) => Promise<'queued' | 'not-returned' | 'full'>;
  /** Where a queue's callers go when they have waited too long (undefined: the queue is gone). */
  readonly queueOverflow: (tenant: TenantId, queueId: string) => Promise<OverflowTarget | undefined>;
  readonly log: {
    warn(message: string, details: Record<string, unknown>): void;
    error(message: string, details: Record<string, unknown>): void;
  };
}

const MAX_ACTIONS = 10;
const MAX_SPEECH_CHARS = 1_000;
const AWAITING = [
  'prompts',
  'input',
  'lookup',
  'transfer',
  'connected',
  'voicemail',
  'queue',
  'end',
  'held',
  'transferred',
  'dialing',
  'message',
] as const;
/** The flow id of a call that runs no flow (an agent's call out). */
const NO_FLOW = '-';
/** Hold music plays this many times before the handler is asked to start it again. */
const HOLD_REPEAT = 20;
const HOLD_MUSIC_KEY = objectKeys.platformPrompt('hold-music');
/** Played before a voicemail recording: RecordAudio itself makes no sound. */
const BEEP_KEY = objectKeys.platformPrompt('beep');
const HOLD_RETRY_MS = 10_000;
/** How long a transfer to a number rings before the caller returns to the queue. */
const TRANSFER_RING_SECONDS = 30;
const INPUT_ACTIONS = new Set(['SpeakAndGetDigits', 'PlayAudioAndGetDigits']);
const NO_ACTIONS: SmaResponse = { SchemaVersion: '1.0', Actions: [] };
const NOT_IN_SERVICE: FlowStep[] = [
  {
    kind: 'say',
    text: 'The number you have called is not in service. Goodbye.',
    language: 'en-US',
    voice: 'Joanna',
    engine: 'neural',
  },
  { kind: 'hangup' },
];

export async function handleSmaEvent(ports: SmaCallControlPorts, event: SmaEvent): Promise<SmaResponse> {
  const details = event.CallDetails;
  const legA = details.Participants.find((p) => p.ParticipantTag === 'LEG-A');
  if (legA === undefined) return NO_ACTIONS;
  const callId = details.TransactionId;
  const { caller, dialled } = numbersOf(legA);
  const state = readCallState(details.TransactionAttributes);
  // The Sequence identifies a retried invocation; the event and action types guard against a retry
  // that would not reuse it (spec §2.1 leaves that open).
  const key = `${event.Sequence}:${event.InvocationEventType}:${event.ActionData?.Type ?? ''}`;
  const base = { ports, legA, callId, now: ports.now() };
  // Where this call runs, so routing can reach it later (UpdateSipMediaApplicationCall in this region).
  const carrier = { region: details.AwsRegion, sipMediaApplicationId: details.SipMediaApplicationId };

  if (state === undefined) {
    const access = readAccessState(details.TransactionAttributes);
    if (access !== undefined)
      return accessNumberTurn(ports, event, access, { ...base, caller, carrier, key });
    if (event.InvocationEventType === 'HANGUP') return endUnstartedCall(ports, dialled, callId);
    if (event.InvocationEventType === 'NEW_OUTBOUND_CALL') return outboundStarted(event);
    // Only a new inbound call may start without state; anything else is not a call this handler runs.
    if (event.InvocationEventType !== 'NEW_INBOUND_CALL') return NO_ACTIONS;
    const route = await ports.routes.routeOf(dialled);
    if (route === undefined && (await ports.routes.isAccessNumber(dialled)))
      return accessResponse(
        askForCode(undefined),
        { ...base, tenant: undefined },
        { number: dialled, attempt: 1 },
      );
    if (route === undefined) {
      ports.log.warn('call to a number no tenant owns', { callId });
      return response(toActions(NOT_IN_SERVICE, { ...base, tenant: undefined }));
    }
    return ports.invocations.once(route.tenant, callId, key, async () =>
      toResponse(
        base,
        await turn(ports, {
          callId,
          caller,
          dialled,
          carrier,
          call: { kind: 'new', route },
          event: { kind: 'start' },
        }),
      ),
    );
  }

  const ctx = { ...base, tenant: state.tenant };
  switch (event.InvocationEventType) {
    case 'HANGUP':
      return ports.invocations.once(state.tenant, callId, key, () =>
        hangUp(ports, event, state, callId, carrier),
      );
    case 'ACTION_SUCCESSFUL':
    case 'ACTION_FAILED': {
      if (event.InvocationEventType === 'ACTION_FAILED')
        ports.log.warn('action failed', {
          tenantId: state.tenant,
          callId,
          action: event.ActionData?.Type,
          errorType: event.ActionData?.ErrorType ?? event.ActionData?.Error,
        });
      if (event.ActionData?.Type === 'JoinChimeMeeting')
        return ports.invocations.once(state.tenant, callId, key, () => joinedAgent(ports, event, state, ctx));
      if (event.ActionData?.Type === 'StartCallRecording') {
        const location = event.ActionData.CallRecordingDestination?.Location;
        if (event.InvocationEventType === 'ACTION_SUCCESSFUL' && location !== undefined)
          await ports.calls.change(state.tenant, callId, { recording: `s3://${location}` });
        return NO_ACTIONS;
      }
      // The caller's leg left the agent's meeting (hold, transfer): what was to follow runs now.
      if (event.ActionData?.Type === 'Hangup' && event.InvocationEventType === 'ACTION_SUCCESSFUL')
        return afterMeetingLeft(details.TransactionAttributes, state, ctx);
      // Hold music ran out for a call without a flow (an agent's call out, waiting in a queue).
      if (
        state.flowId === NO_FLOW &&
        state.position.awaiting === 'queue' &&
        event.ActionData?.Type === 'PlayAudio' &&
        event.InvocationEventType === 'ACTION_SUCCESSFUL'
      )
        return response([holdMusic(ctx)]);
      if (state.position.awaiting === 'held' && event.ActionData?.Type === 'PlayAudio')
        return event.InvocationEventType === 'ACTION_SUCCESSFUL'
          ? response([holdMusic(ctx)])
          : response(holdMusicFallback(event, { ...state.position, awaiting: 'queue' }, ctx) ?? []);
      if (state.position.awaiting === 'message' && event.ActionData?.Type === 'RecordAudio')
        return ports.invocations.once(state.tenant, callId, key, () =>
          messageRecorded(ports, event, state, ctx),
        );
      if (state.position.awaiting === 'transferred' && event.ActionData?.Type === 'CallAndBridge')
        return ports.invocations.once(state.tenant, callId, key, () =>
          transferOutcome(ports, event, state, ctx),
        );
      const holdFallback = holdMusicFallback(event, state.position, ctx);
      if (holdFallback !== undefined) return response(holdFallback);
      const flowEvent = flowEventOf(event, state.position);
      if (flowEvent === undefined) return NO_ACTIONS;
      return ports.invocations.once(state.tenant, callId, key, async () =>
        toResponse(
          base,
          await turn(ports, { callId, caller, dialled, call: { kind: 'ongoing', state }, event: flowEvent }),
        ),
      );
    }
    case 'INVALID_LAMBDA_RESPONSE':
      // Our own response was refused: a bug. The caller hears an apology instead of silence.
      ports.log.error('the SMA rejected our response', {
        tenantId: state.tenant,
        callId,
        errorType: event.ErrorType,
        errorMessage: event.ErrorMessage,
      });
      return response(toActions(APOLOGY_STEPS, ctx));
    case 'CALL_UPDATE_REQUESTED':
      return updateRequested(ports, event, state, ctx);
    case 'CALL_ANSWERED': {
      // An agent's call out was answered: the far end joins the agent's meeting.
      const step = readPending(details.TransactionAttributes);
      if (state.position.awaiting !== 'dialing' || step === undefined) return NO_ACTIONS;
      return {
        SchemaVersion: '1.0',
        Actions: pendingActions(step, ctx),
        TransactionAttributes: {
          ...writeCallState({ ...state, position: { ...state.position, awaiting: 'connected' } }),
          x: JSON.stringify(step),
        },
      };
    }
    default:
      // DIGITS_RECEIVED, ACTION_INTERRUPTED (hold music stopped for an agent), outbound events: nothing to do.
      return NO_ACTIONS;
  }
}

/** Where a call to the shared access number is before its code: TransactionAttributes `acc`, `aa`. */
interface AccessState {
  readonly number: string;
  readonly attempt: number;
}

function readAccessState(attributes: Record<string, string> | undefined): AccessState | undefined {
  if (attributes?.acc === undefined) return undefined;
  return { number: attributes.acc, attempt: Number(attributes.aa) || 1 };
}

function accessResponse(steps: readonly FlowStep[], ctx: ActionContext, state: AccessState): SmaResponse {
  return {
    SchemaVersion: '1.0',
    Actions: toActions(steps, ctx),
    TransactionAttributes: { acc: state.number, aa: String(state.attempt) },
  };
}

/**
 * A call on the shared access number, before the caller has named a shop: a code that a tenant holds
 * starts that tenant's flow, exactly as a call to the tenant's own number starts (its record, its
 * queues, its reports); a wrong or missing code is asked again, and after the last attempt the caller is
 * told goodbye. Nothing is written before a tenant is known, so a retried invocation answers the same.
 */
async function accessNumberTurn(
  ports: SmaCallControlPorts,
  event: SmaEvent,
  access: AccessState,
  at: Omit<ActionContext, 'tenant'> & { caller: string; carrier: Record<string, string>; key: string },
): Promise<SmaResponse> {
  if (event.InvocationEventType === 'HANGUP') {
    // The caller may have hung up just as the code started the tenant's flow: end that call's record.
    const tenant = await ports.calls.accessCallTenant(at.callId);
    if (tenant !== undefined) await endHungUpRecord(ports, tenant, at.callId);
    return NO_ACTIONS;
  }
  const type = event.ActionData?.Type ?? '';
  const answered =
    event.InvocationEventType === 'ACTION_SUCCESSFUL' || event.InvocationEventType === 'ACTION_FAILED';
  if (!answered || !INPUT_ACTIONS.has(type)) return NO_ACTIONS;
  const digits =
    event.InvocationEventType === 'ACTION_SUCCESSFUL' ? (event.ActionData?.ReceivedDigits ?? '') : '';
  const route = EXTENSION_CODE.test(digits)
    ? await ports.routes.extensionRoute(access.number, digits)
    : undefined;
  if (route !== undefined) {
    await ports.calls.rememberAccessCall(at.callId, route.tenant);
    return ports.invocations.once(route.tenant, at.callId, at.key, async () =>
      toResponse(
        at,
        await turn(ports, {
          callId: at.callId,
          caller: at.caller,
          dialled: access.number,
          carrier: at.carrier,
          call: { kind: 'new', route },
          event: { kind: 'start' },
        }),
      ),
    );
  }
  const ctx = { ...at, tenant: undefined };
  if (access.attempt >= CODE_ATTEMPTS) return accessResponse(NO_SUCH_SHOP, ctx, access);
  return accessResponse(askForCode(digits === '' ? 'silent' : 'wrong'), ctx, {
    ...access,
    attempt: access.attempt + 1,
  });
}

async function turn(ports: SmaCallControlPorts, input: IvrTurnInput): Promise<IvrTurnResult> {
  const result = await runIvrTurn(ports, input);
  if (result.kind === 'fail') {
    const tenant = input.call.kind === 'new' ? input.call.route.tenant : input.call.state.tenant;
    ports.log.error('the call cannot go on', {
      tenantId: tenant,
      callId: input.callId,
      reason: result.reason,
    });
  }
  if (result.kind === 'refused')
    ports.log.warn('call refused: the tenant has its limit of calls in progress', {
      tenantId: input.call.kind === 'new' ? input.call.route.tenant : input.call.state.tenant,
      callId: input.callId,
    });
  return result;
}

/**
 * Routing and the agent desk reach the call through UpdateSipMediaApplicationCall:
 * - `bridge` joins the caller to an agent's meeting (from the queue, or back from hold: the SMA interrupts
 *   the hold music), muting the agent at once if `mute` names the agent's attendee; with `partner`, to the
 *   meeting the call now shares with that call alone (a warm transfer to a number completed);
 * - `hold` and `queue` take the caller out of the meeting to hold music (on hold; waiting in `queueId`);
 * - `dial` takes the caller out of the meeting and connects them to `number` (a transfer out);
 * - `mute` / `unmute` silence the agent's attendee for the caller, or not;
 * - `digits` plays DTMF tones to the caller (the agent's keypad);
 * - `pause-recording` / `resume-recording` pause the call's recording and resume it (a card number);
 * - `hangup` ends the call (the agent hung up).
 * Leaving a meeting is a Hangup of the meeting leg, and nothing follows a Hangup in one list (spec §3.7.2):
 * the next step waits in TransactionAttributes (`x`) for the Hangup's ACTION_SUCCESSFUL.
 */
async function updateRequested(
  ports: SmaCallControlPorts,
  event: SmaEvent,
  state: CallState,
  ctx: ActionContext,
): Promise<SmaResponse> {
  const args = (event.ActionData?.Parameters?.Arguments ?? {}) as Record<string, string>;
  const meetingLeg = event.CallDetails.Participants.find(
    (p) => p.ParticipantTag === 'LEG-B' && p.Status === 'Connected',
  );
  const then = (awaiting: FlowPosition['awaiting'], next: PendingStep, link?: CallLink): SmaResponse => {
    const attributes = {
      ...writeCallState({
        ...state,
        position: { ...state.position, awaiting },
        ...(link === undefined ? {} : { link }),
      }),
      x: JSON.stringify(next),
    };
    return {
      SchemaVersion: '1.0',
      Actions:
        meetingLeg === undefined
          ? pendingActions(next, ctx)
          : [{ Type: 'Hangup', Parameters: { CallId: meetingLeg.CallId, SipResponseCode: '0' } }],
      TransactionAttributes: attributes,
    };
  };
  switch (args.action) {
    case 'bridge':
      if (args.meetingId === undefined || args.joinToken === undefined) break;
      return then(
        'connected',
        {
          kind: 'join',
          meetingId: args.meetingId,
          joinToken: args.joinToken,
          ...(args.mute === undefined ? {} : { mute: args.mute }),
          ...(args.record === '1' ? { record: true } : {}),
        },
        // A warm transfer to a number completed: this call and `partner` now talk on their own.
        args.partner === undefined
          ? undefined
          : { role: 'pair', callId: args.partner, meetingId: args.meetingId },
      );
    case 'hold':
      return then('held', { kind: 'music' });
    case 'queue':
      if (args.queueId === undefined) break;
      await ports.calls.change(state.tenant, ctx.callId, {
        status: 'queued',
        queue: { id: args.queueId, priority: 0, skills: {} },
      });
      return then('queue', { kind: 'music' });
    case 'dial':
      if (args.number === undefined) break;
      await ports.calls.change(state.tenant, ctx.callId, { status: 'transferred' });
      return then('transferred', { kind: 'dial', number: args.number });
    case 'mute':
    case 'unmute':
      if (args.meetingId === undefined || args.attendeeId === undefined || meetingLeg === undefined) break;
      return response([muteAction(ctx, args.meetingId, args.attendeeId, args.action === 'mute')]);
    case 'hangup':
      return response([{ Type: 'Hangup', Parameters: { ParticipantTag: 'LEG-A', SipResponseCode: '0' } }]);
    case 'pause-recording':
    case 'resume-recording': {
      // While a card number is read: only a recorded call with its agent, and the pause kept on the record.
      if (state.recorded !== true || meetingLeg === undefined) break;
      const paused = args.action === 'pause-recording';
      // Once per request: a retried pause arriving after the resume must not open the pause again.
      return ports.invocations.once(
        state.tenant,
        ctx.callId,
        `${event.Sequence}:${args.action}`,
        async () => {
          await ports.calls.recordingPaused(state.tenant, ctx.callId, paused, ports.now().toISOString());
          return response([
            {
              Type: paused ? 'PauseCallRecording' : 'ResumeCallRecording',
              Parameters: { CallId: ctx.legA.CallId },
            },
          ]);
        },
      );
    }
    case 'digits':
      // The agent's keypad: tones to the caller, only while they talk with the agent.
      if (args.digits === undefined || !/^[0-9A-D*#,]{1,50}$/.test(args.digits) || meetingLeg === undefined)
        break;
      return response([
        {
          Type: 'SendDigits',
          Parameters: { CallId: ctx.legA.CallId, Digits: args.digits, ToneDurationInMilliseconds: 100 },
        },
      ]);
    case 'announce': {
      // Only a caller still waiting hears it (an agent may have taken them meanwhile).
      if (state.position.awaiting !== 'queue' || meetingLeg !== undefined) return NO_ACTIONS;
      const ewt = args.ewt === undefined ? undefined : Number(args.ewt);
      return response([
        toAction(
          waitAnnouncement(Number(args.position), Number(args.known), ewt, state.position.language),
          ctx,
        ),
        holdMusic(ctx),
      ]);
    }
    case 'overflow':
      if (args.queueId === undefined || state.position.awaiting !== 'queue') break;
      return ports.invocations.once(state.tenant, ctx.callId, `${event.Sequence}:overflow`, () =>
        overflowWaited(ports, state, ctx, args.queueId as string),
      );
  }
  ports.log.warn('an update call control cannot carry out', {
    tenantId: state.tenant,
    callId: ctx.callId,
    action: args.action,
    inMeeting: meetingLeg !== undefined,
  });
  return NO_ACTIONS;
}

/** What follows the caller's leaving a meeting (kept in TransactionAttributes `x` meanwhile). */
type PendingStep =
  | {
      readonly kind: 'join';
      readonly meetingId: string;
      readonly joinToken: string;
      readonly mute?: string;
      /** The queue records: the recording starts once the caller has joined (once per call). */
      readonly record?: boolean;
    }
  | { readonly kind: 'music' }
  | { readonly kind: 'dial'; readonly number: string };

function pendingActions(step: PendingStep, ctx: ActionContext): SmaAction[] {
  switch (step.kind) {
    case 'join':
      return [
        {
          Type: 'JoinChimeMeeting',
          Parameters: { CallId: ctx.legA.CallId, JoinToken: step.joinToken, MeetingId: step.meetingId },
        },
      ];
    case 'music':
      return [holdMusic(ctx)];
    case 'dial':
      return [
        {
          Type: 'CallAndBridge',
          Parameters: {
            CallTimeoutSeconds: TRANSFER_RING_SECONDS,
            // The contact center's own number: the one the caller dialled (or showed, calling out).
            CallerIdNumber: ctx.legA.Direction === 'Inbound' ? ctx.legA.To : ctx.legA.From,
            Endpoints: [{ BridgeEndpointType: 'PSTN', Uri: step.number }],
          },
        },
      ];
  }
}

function readPending(attributes: Record<string, string> | undefined): PendingStep | undefined {
  try {
    const step = JSON.parse(attributes?.x ?? 'null') as PendingStep | null;
    return step ?? undefined;
  } catch {
    return undefined;
  }
}

/** The meeting leg has gone: the step that waited for it runs, and leaves the attributes. */
function afterMeetingLeft(
  attributes: Record<string, string> | undefined,
  state: CallState,
  ctx: ActionContext,
): SmaResponse {
  const step = readPending(attributes);
  if (step === undefined) return NO_ACTIONS;
  // A join keeps its step until the join reports: a mute may follow it.
  const kept: Record<string, string> = step.kind === 'join' ? { x: JSON.stringify(step) } : {};
  return {
    SchemaVersion: '1.0',
    Actions: pendingActions(step, ctx),
    TransactionAttributes: { ...writeCallState(state), ...kept },
  };
}

function holdMusic(ctx: ActionContext): SmaAction {
  return toAction({ kind: 'hold', queue: '', priority: 0, skills: {}, music: undefined }, ctx);
}

function startRecording(ctx: ActionContext): SmaAction {
  return {
    Type: 'StartCallRecording',
    Parameters: {
      CallId: ctx.legA.CallId,
      Track: 'BOTH',
      Destination: {
        Type: 'S3',
        Location: `${ctx.ports.buckets.recordings}/${objectKeys.recordingsPrefix(tenantOf(ctx))}`,
      },
    },
  };
}

function muteAction(ctx: ActionContext, meetingId: string, attendeeId: string, muted: boolean): SmaAction {
  return {
    Type: 'ModifyChimeMeetingAttendees',
    Parameters: {
      CallId: ctx.legA.CallId,
      Operation: muted ? 'Mute' : 'Unmute',
      MeetingId: meetingId,
      AttendeeList: [attendeeId],
    },
  };
}

/**
 * A caller who waited the queue's maximum (routing has taken them out of it) goes to its overflow target.
 */
async function overflowWaited(
  ports: SmaCallControlPorts,
  state: CallState,
  ctx: ActionContext,
  queueId: string,
): Promise<SmaResponse> {
  const language = state.position.language;
  const target = (await ports.queueOverflow(state.tenant, queueId)) ?? { kind: 'voicemail' as const };
  const plan = overflowPlan(target, 'waited', language);
  if (plan.callback === true)
    await ports.requestCallback(state.tenant, {
      callId: ctx.callId,
      caller: numbersOf(ctx.legA).caller,
      queueId,
      at: ports.now().toISOString(),
    });
  let steps = plan.steps;
  let awaiting: FlowPosition['awaiting'] = plan.awaiting;
  if (plan.queueId !== undefined) {
    const back = await ports.returnToQueue(state.tenant, ctx.callId, plan.queueId);
    if (back === 'queued') {
      await ports.calls.change(state.tenant, ctx.callId, {
        status: 'queued',
        queue: { id: plan.queueId, priority: 0, skills: {} },
      });
      steps = [
        ...plan.steps,
        { kind: 'hold', queue: plan.queueId, priority: 0, skills: {}, music: undefined },
      ];
    } else {
      steps = [...APOLOGY_STEPS];
      awaiting = 'end';
    }
  } else if (awaiting === 'message') {
    await ports.calls.change(state.tenant, ctx.callId, { status: 'voicemail' });
  }
  return {
    SchemaVersion: '1.0',
    Actions: toActions(steps, ctx),
    TransactionAttributes: writeCallState({ ...state, position: { ...state.position, awaiting } }),
  };
}

/** An overflow voicemail was recorded (or could not be): its place is kept on the call, and goodbye. */
async function messageRecorded(
  ports: SmaCallControlPorts,
  event: SmaEvent,
  state: CallState,
  ctx: ActionContext,
): Promise<SmaResponse> {
  const at = event.ActionData?.RecordingDestination;
  const saved = event.InvocationEventType === 'ACTION_SUCCESSFUL' && at !== undefined;
  if (saved)
    await ports.calls.change(state.tenant, ctx.callId, { voicemail: `s3://${at.BucketName}/${at.Key}` });
  return {
    SchemaVersion: '1.0',
    Actions: toActions(messageTaken(saved, state.position.language), ctx),
    TransactionAttributes: writeCallState({ ...state, position: { ...state.position, awaiting: 'end' } }),
  };
}

/**
 * A transfer out connected (nothing more to do: the two legs talk until one hangs up) or went unanswered:
 * the caller is told and waits in their queue again.
 */
async function transferOutcome(
  ports: SmaCallControlPorts,
  event: SmaEvent,
  state: CallState,
  ctx: ActionContext,
): Promise<SmaResponse> {
  if (event.InvocationEventType === 'ACTION_SUCCESSFUL') return NO_ACTIONS;
  const back = await ports.returnToQueue(state.tenant, ctx.callId);
  if (back !== 'queued') return response(toActions(APOLOGY_STEPS, ctx));
  await ports.calls.change(state.tenant, ctx.callId, { status: 'queued' });
  return {
    SchemaVersion: '1.0',
    Actions: [
      toAction(
        {
          kind: 'say',
          text: 'The line you were transferred to did not answer. Please hold for the next available agent.',
          language: state.position.language,
          voice: 'Joanna',
          engine: 'neural',
        },
        ctx,
      ),
      holdMusic(ctx),
    ],
    TransactionAttributes: writeCallState({ ...state, position: { ...state.position, awaiting: 'queue' } }),
  };
}

/** The caller's leg joined the agent's meeting (or could not): the call is connected, or it fails. */
async function joinedAgent(
  ports: SmaCallControlPorts,
  event: SmaEvent,
  state: CallState,
  ctx: ActionContext,
): Promise<SmaResponse> {
  if (event.InvocationEventType === 'ACTION_SUCCESSFUL') {
    // A consulted number answered: the consulting agent hears it (it has no call record of its own).
    if (state.link?.role === 'consult')
      await ports.consulted(state.tenant, state.link.callId, ctx.callId, 'answered');
    // The caller of a completed warm transfer keeps its record as transferred.
    else if (state.link === undefined)
      await ports.calls.change(state.tenant, ctx.callId, {
        status: 'connected',
        answeredAt: ports.now().toISOString(),
      });
    if (ctx.legA.Direction === 'Outbound' && state.link === undefined)
      await ports.answerOutbound(state.tenant, ctx.callId).catch((error: unknown) =>
        // The agent moved on meanwhile (logged out, say): the call goes on; the agent's desk shows it.
        ports.log.warn('an answered call out could not be given to its agent', {
          tenantId: state.tenant,
          callId: ctx.callId,
          error: (error as Error).message,
        }),
      );
    const step = readPending(event.CallDetails.TransactionAttributes);
    const join = step?.kind === 'join' ? step : undefined;
    const record = join?.record === true && state.recorded !== true;
    return {
      SchemaVersion: '1.0',
      Actions: [
        // Back from hold with the agent muted: the agent stays silent for the caller.
        ...(join?.mute === undefined ? [] : [muteAction(ctx, join.meetingId, join.mute, true)]),
        // Last in the list: only then does the SMA report where the recording goes.
        ...(record ? [startRecording(ctx)] : []),
      ],
      TransactionAttributes: writeCallState({ ...state, ...(record ? { recorded: true } : {}) }),
    };
  }
  ports.log.error('the caller could not join the agent', {
    tenantId: state.tenant,
    callId: ctx.callId,
    error: event.ActionData?.Error ?? event.ActionData?.ErrorType,
  });
  await ports.leaveRouting(state.tenant, ctx.callId);
  return response(toActions(APOLOGY_STEPS, ctx));
}

function toResponse(base: Omit<ActionContext, 'tenant'>, result: IvrTurnResult): SmaResponse {
  // A refused or failed call speaks and hangs up, outside any flow (no call state is kept).
  if (result.kind !== 'steps') return response(toActions(result.steps, { ...base, tenant: undefined }));
  const actions = toActions(result.steps, { ...base, tenant: result.state.tenant });
  return { SchemaVersion: '1.0', Actions: actions, TransactionAttributes: writeCallState(result.state) };
}

/** A response outside the flow (an apology, a hang-up): the stored call state is left as it is. */
function response(actions: SmaAction[]): SmaResponse {
  return { SchemaVersion: '1.0', Actions: actions };
}

/**
 * A leg hung up. The call ends with the caller's leg (LEG-A), and the other leg of a transfer goes with
 * it; a transfer target hanging up ends the caller's leg too. (The SMA ignores the reply to the last
 * leg's HANGUP.)
 */
async function hangUp(
  ports: SmaCallControlPorts,
  event: SmaEvent,
  state: CallState,
  callId: string,
  /** Where the SMA runs this call (the other of a pair runs there too). */
  carrier: Readonly<Record<string, string>>,
): Promise<SmaResponse> {
  const tag = event.ActionData?.Parameters?.ParticipantTag;
  const others = event.CallDetails.Participants.filter(
    (p) => p.Status === 'Connected' && p.ParticipantTag !== tag,
  );
  const ended = {
    status: 'ended' as const,
    endedAt: ports.now().toISOString(),
    endReason: tag === 'LEG-A' ? 'caller-hung-up' : 'other-party-hung-up',
    node: state.position.node,
  };
  const { link } = state;
  if (link?.role === 'consult') {
    // A consultation call has no record: the consulting agent is back with the caller.
    await ports.consulted(state.tenant, link.callId, callId, 'ended');
  } else {
    // An agent's call out that failed at once (busy) may end before the agent's desk recorded it: the
    // record is left ended, so the desk finds the call over rather than an agent reserved for nothing.
    if (state.position.awaiting === 'dialing') await ports.calls.endBeforeStart(state.tenant, callId, ended);
    // The call record ends once (the store refuses a second end), with whoever hung up first.
    await ports.calls.change(state.tenant, callId, ended);
    // Out of the queue, or the agent released into after-call work (a call that never queued: nothing).
    await ports.leaveRouting(state.tenant, callId);
  }
  if (link?.role === 'pair') {
    await ports.endPair(carrier, link.callId, link.meetingId);
  }
  const other = others[0];
  if (other === undefined) return NO_ACTIONS;
  return response([{ Type: 'Hangup', Parameters: { CallId: other.CallId, SipResponseCode: '0' } }]);
}

/**
 * An agent's call out, or a consultation call to a number, was placed (CreateSipMediaApplicationCall): its
 * tenant, the meeting to join on answer and the caller's call a consultation is about are kept in
 * TransactionAttributes (the SMA stores them from this response; actions are ignored). Any other outbound
 * call is not one this handler placed.
 */
function outboundStarted(event: SmaEvent): SmaResponse {
  const args = (event.ActionData?.Parameters?.Arguments ?? {}) as Record<string, string>;
  const consultOf = args.purpose === 'consult' ? args.callId : undefined;
  if (
    (args.purpose !== 'agent-call' && consultOf === undefined) ||
    args.tenant === undefined ||
    args.meetingId === undefined ||
    args.joinToken === undefined
  )
    return NO_ACTIONS;
  const state: CallState = {
    tenant: tenantId(args.tenant),
    flowId: NO_FLOW,
    version: 0,
    position: { node: NO_FLOW, language: 'en-US', attempt: 1, awaiting: 'dialing' },
    attributeRevision: 0,
    ...(consultOf === undefined ? {} : { link: { role: 'consult', callId: consultOf } }),
  };
  const join: PendingStep = { kind: 'join', meetingId: args.meetingId, joinToken: args.joinToken };
  return {
    SchemaVersion: '1.0',
    Actions: [],
    TransactionAttributes: { ...writeCallState(state), x: JSON.stringify(join) },
  };
}

/**
 * The caller hung up before the first response reached the SMA, so the HANGUP carries no state: find the
 * call through its number and end its record, so it does not linger as active.
 */
async function endUnstartedCall(
  ports: SmaCallControlPorts,
  dialled: string,
  callId: string,
): Promise<SmaResponse> {
  const route = await ports.routes.routeOf(dialled);
  if (route !== undefined) await endHungUpRecord(ports, route.tenant, callId);
  return NO_ACTIONS;
}

/**
 * Ends the record of a call whose hang-up came without the tenant's call state. An ended record first, if
 * there is none yet: a first invocation still starting the call then finds it and neither starts the call
 * nor counts it against the tenant's calls in progress.
 */
async function endHungUpRecord(ports: SmaCallControlPorts, tenant: TenantId, callId: string): Promise<void> {
  const end = { status: 'ended' as const, endedAt: ports.now().toISOString(), endReason: 'caller-hung-up' };
  await ports.calls.endBeforeStart(tenant, callId, end);
  await ports.calls.change(tenant, callId, end);
}

/**
 * Audio failing while the caller waits in a queue (the tenant's hold music, or the prompt before it) would
 * fail again at once if simply restarted: the platform's hold music takes over, and if even that cannot
 * play, a spoken line and a pause.
 */
function holdMusicFallback(
  event: SmaEvent,
  position: FlowPosition,
  ctx: ActionContext,
): SmaAction[] | undefined {
  if (event.InvocationEventType !== 'ACTION_FAILED' || position.awaiting !== 'queue') return undefined;
  if (event.ActionData?.Type !== 'PlayAudio') return undefined;
  const key = (event.ActionData.Parameters?.AudioSource as { Key?: unknown } | undefined)?.Key;
  if (key !== HOLD_MUSIC_KEY)
    return [toAction({ kind: 'hold', queue: '', priority: 0, skills: {}, music: undefined }, ctx)];
  return [
    toAction(
      { kind: 'say', text: 'Please stay on the line.', language: 'en-US', voice: 'Joanna', engine: 'neural' },
      ctx,
    ),
    { Type: 'Pause', Parameters: { CallId: ctx.legA.CallId, DurationInMilliseconds: HOLD_RETRY_MS } },
  ];
}

/** What an SMA report means for the flow, given what the call was waiting for. */
function flowEventOf(event: SmaEvent, position: FlowPosition): FlowEvent | undefined {
  const data: SmaActionData = event.ActionData ?? {};
  const type = data.Type ?? '';
  const ok = event.InvocationEventType === 'ACTION_SUCCESSFUL';
  if (INPUT_ACTIONS.has(type))
    return ok ? { kind: 'input', digits: data.ReceivedDigits ?? '' } : { kind: 'noInput' };
  if (type === 'CallAndBridge') return ok ? { kind: 'transferConnected' } : { kind: 'transferFailed' };
  if (type === 'RecordAudio') {
    const at = data.RecordingDestination;
    return ok && at !== undefined
      ? { kind: 'voicemailSaved', location: `s3://${at.BucketName}/${at.Key}` }
      : { kind: 'voicemailFailed' };
  }
  if (position.awaiting === 'queue' && ok && (type === 'PlayAudio' || type === 'Pause'))
    return { kind: 'holdEnded' };
  if (type === 'Speak' || type === 'PlayAudio' || type === 'Pause')
    // A prompt that could not play (a missing audio file, a Polly error) is skipped rather than leaving silence.
    return ok ? { kind: 'promptsDone' } : { kind: 'promptFailed' };
  return undefined;
}

interface ActionContext {
  readonly ports: SmaCallControlPorts;
  readonly legA: SmaParticipant;
  readonly callId: string;
  /** Undefined for responses outside any tenant's flow (speech and hang-up only). */
  readonly tenant: TenantId | undefined;
  readonly now: Date;
}

function toActions(steps: readonly FlowStep[], ctx: ActionContext): SmaAction[] {
  const actions = steps.flatMap((step) =>
    step.kind === 'record'
      ? [toAction({ kind: 'play', prompt: '' }, ctx, BEEP_KEY), toAction(step, ctx)]
      : [toAction(step, ctx)],
  );
  if (actions.length > MAX_ACTIONS)
    throw new Error(`a turn produced ${actions.length} actions; the SMA takes ${MAX_ACTIONS}`);
  return actions;
}

function toAction(step: FlowStep, ctx: ActionContext, platformKey?: string): SmaAction {
  const callId = ctx.legA.CallId;
  switch (step.kind) {
    case 'say':
      return { Type: 'Speak', Parameters: { CallId: callId, ...speech(step) } };
    case 'play':
      return {
        Type: 'PlayAudio',
        Parameters: {
          CallId: callId,
          AudioSource: platformKey === undefined ? audio(ctx, step.prompt) : s3(ctx, platformKey),
        },
      };
    case 'ask': {
      const collect = {
        CallId: callId,
        MinNumberOfDigits: step.minDigits,
        MaxNumberOfDigits: step.maxDigits,
        TerminatorDigits: [step.terminator ?? '#'],
        InBetweenDigitsDurationInMilliseconds: 3_000,
        // One attempt per invocation: the flow decides what a wrong or missing entry hears next.
        Repeat: 1,
        RepeatDurationInMilliseconds: step.timeoutMs,
      };
      const prompt = step.prompt;
      if (prompt.kind === 'say') {
        const parameters = speech(prompt);
        return {
          Type: 'SpeakAndGetDigits',
          Parameters: { ...collect, SpeechParameters: parameters, FailureSpeechParameters: parameters },
        };
      }
      const source = audio(ctx, prompt.prompt);
      return {
        Type: 'PlayAudioAndGetDigits',
        Parameters: { ...collect, AudioSource: source, FailureAudioSource: source },
      };
    }
    case 'hold':
      return {
        Type: 'PlayAudio',
        Parameters: {
          CallId: callId,
          AudioSource: step.music === undefined ? s3(ctx, HOLD_MUSIC_KEY) : audio(ctx, step.music),
          Repeat: HOLD_REPEAT,
        },
      };
    case 'transfer':
      return {
        Type: 'CallAndBridge',
        Parameters: {
          CallTimeoutSeconds: step.timeoutSeconds,
          // The tenant's number (the one dialled) is ours to show; the caller's own number is the other choice.
          CallerIdNumber: step.callerId === 'caller' ? ctx.legA.From : ctx.legA.To,
          Endpoints: [{ BridgeEndpointType: 'PSTN', Uri: step.number }],
        },
      };
    case 'record':
      return {
        Type: 'RecordAudio',
        Parameters: {
          CallId: callId,
          DurationInSeconds: step.maxSeconds,
          SilenceDurationInSeconds: 5,
          RecordingTerminators: ['#'],
          RecordingDestination: {
            Type: 'S3',
            BucketName: ctx.ports.buckets.recordings,
            Prefix: objectKeys.voicemail(tenantOf(ctx), ctx.callId, ctx.now).replace(/\.wav$/, ''),
          },
        },
      };
    case 'hangup':
      return { Type: 'Hangup', Parameters: { SipResponseCode: '0' } };
  }
}

/** Speak's parameters; text is cut to Speak's 1,000 characters, and an empty text becomes a short silence. */
function speech(step: Extract<Media, { kind: 'say' }>) {
  const text = step.text.trim();
  const voice = { Engine: step.engine, LanguageCode: step.language, VoiceId: step.voice };
  if (text === '') return { Text: '<speak><break time="300ms"/></speak>', TextType: 'ssml', ...voice };
  return { Text: text.slice(0, MAX_SPEECH_CHARS), ...voice };
}

function audio(ctx: ActionContext, prompt: string) {
  return s3(ctx, objectKeys.prompt(tenantOf(ctx), prompt));
}

function s3(ctx: ActionContext, key: string) {
  return { Type: 'S3', BucketName: ctx.ports.buckets.prompts, Key: key };
}

function tenantOf(ctx: ActionContext): TenantId {
  if (ctx.tenant === undefined) throw new Error('tenant audio outside a tenant call');
  return ctx.tenant;
}

function numbersOf(legA: SmaParticipant): { caller: string; dialled: string } {
  return legA.Direction === 'Inbound'
    ? { caller: legA.From, dialled: legA.To }
    : { caller: legA.To, dialled: legA.From };
}

/** TransactionAttributes (≤ 10 pairs, short values): tenant, flow, version, node, language, attempt, awaiting, revision. */
export function writeCallState(state: CallState): Record<string, string> {
  return {
    t: state.tenant,
    f: state.flowId,
    v: String(state.version),
    n: state.position.node,
    l: state.position.language,
    a: String(state.position.attempt),
    w: state.position.awaiting,
    r: String(state.attributeRevision),
    ...(state.recorded === true ? { rec: '1' } : {}),
    ...(state.link === undefined ? {} : { c: writeLink(state.link) }),
  };
}

/** `consult <callId>` or `pair <callId> <meetingId>`: one attribute (the SMA keeps at most ten). */
function writeLink(link: CallLink): string {
  return link.role === 'consult' ? `consult ${link.callId}` : `pair ${link.callId} ${link.meetingId}`;
}

function readLink(value: string | undefined): CallLink | undefined {
  const [role, callId, meetingId] = (value ?? '').split(' ');
  if (role === 'consult' && callId) return { role, callId };
  if (role === 'pair' && callId && meetingId) return { role, callId, meetingId };
  return undefined;
}

export function readCallState(attributes: Record<string, string> | undefined): CallState | undefined {
  if (attributes === undefined || attributes.t === undefined) return undefined;
  const awaiting = AWAITING.find((a) => a === attributes.w);
  const version = Number(attributes.v);
  if (
    awaiting === undefined ||
    !Number.isInteger(version) ||
    attributes.f === undefined ||
    attributes.n === undefined
  )
    return undefined;
  return {
    tenant: tenantId(attributes.t),
    flowId: attributes.f,
    version,
    position: {
      node: attributes.n,
      language: attributes.l ?? 'en-US',
      attempt: Number(attributes.a ?? 1) || 1,
      awaiting,
    },
    attributeRevision: Number(attributes.r ?? 0) || 0,
    ...(attributes.rec === '1' ? { recorded: true } : {}),
    ...(readLink(attributes.c) === undefined ? {} : { link: readLink(attributes.c) }),
  };
}
