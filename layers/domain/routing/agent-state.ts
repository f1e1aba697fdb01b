/**
 * An agent's state machine, pure: offline → available ⇄ not-ready → reserved (offered, ringing) → on-call
 * (with hold) → after-call work → available. Every transition takes the state and the clock and returns
 * the next state with its version bumped; the store writes it only if the stored version is still the one
 * read (a conditional write), so two racing transitions cannot both win. An illegal transition is a 409
 * that says what the agent's state allows. Along the way it keeps what the routing strategies rank by.
 */
import { ConflictError } from '../errors.ts';

export const AGENT_STATUSES = [
  'offline',
  'available',
  'not-ready',
  'reserved',
  'on-call',
  'after-call',
] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface AgentCall {
  readonly callId: string;
  readonly queueId: string;
  readonly offeredAt: string;
  readonly offerExpiresAt?: string;
  readonly answeredAt?: string;
  /** Set while the caller is on hold. */
  readonly holdSince?: string;
  readonly holdMs?: number;
  readonly holdCount?: number;
  /** The agent's microphone is muted for the caller. */
  readonly muted?: boolean;
  /** A call the agent placed (reserved while it rings at the far end). */
  readonly outbound?: boolean;
  /** The not-ready reason the agent placed the call from: where an unanswered call out returns them. */
  readonly priorReason?: string;
  /** The agent consults someone while the caller holds (a warm transfer or a conference in the making). */
  readonly consult?: Consultation;
  /** The caller, the agent and the consulted party all hear one another. */
  readonly conference?: boolean;
  /** A consulted agent's side of a consultation: the agent whose caller this is. */
  readonly consultOf?: string;
  /** Where a consulted agent sits meanwhile: a seat in the consulting agent's meeting. */
  readonly guestSeat?: { readonly meetingId: string; readonly attendeeId: string };
}

/**
 * Who the agent consults: another agent (offered the consultation like a call, then a guest in the
 * agent's meeting), or a number (a call of its own, joined to the agent's meeting when answered).
 */
export type Consultation = { readonly state: 'ringing' | 'talking' } & (
  | { readonly kind: 'agent'; readonly agentId: string }
  | { readonly kind: 'number'; readonly number: string; readonly callId: string }
);

export interface AgentMedia {
  readonly meetingId: string;
  readonly mediaRegion: string;
  /** The agent's own attendee in the meeting (what mute silences). */
  readonly attendeeId?: string;
}

export interface AgentState {
  readonly agentId: string;
  readonly status: AgentStatus;
  readonly version: number;
  /** When the agent entered this status. */
  readonly since: string;
  /** Not-ready reason code (tenant-defined, or `missed` for an offer left ringing). */
  readonly reason?: string;
  readonly loginAt?: string;
  /** Start of the current idle spell (available since). */
  readonly idleSince?: string;
  /** Totals since login: idle and talk time, calls answered, offers missed. */
  readonly idleMs: number;
  readonly talkMs: number;
  readonly callsAnswered: number;
  readonly missed: number;
  readonly skills: Readonly<Record<string, number>>;
  /** Queue → priority (1 first). */
  readonly queues: Readonly<Record<string, number>>;
  readonly call?: AgentCall;
  /** After-call work ends by itself at this time (absent: when the agent ends it). */
  readonly acwUntil?: string;
  /** Round robin's memory: when the agent was last offered a call, per queue. */
  readonly lastOffered: Readonly<Record<string, string>>;
  /** The agent's media session for this login: the meeting callers are joined into. */
  readonly media?: AgentMedia;
}

export type AgentAction =
  | { kind: 'login'; skills: Record<string, number>; queues: Record<string, number>; media?: AgentMedia }
  | { kind: 'logout' }
  | { kind: 'ready' }
  | { kind: 'not-ready'; reason: string }
  | { kind: 'reserve'; callId: string; queueId: string; ringTimeoutSeconds: number; consultOf?: string }
  | { kind: 'dial'; callId: string; queueId: string; ringTimeoutSeconds: number }
  | { kind: 'accept'; callId: string }
  | { kind: 'decline'; callId: string }
  | { kind: 'miss'; callId: string }
  | { kind: 'hold'; callId: string }
  | { kind: 'resume'; callId: string }
  | { kind: 'mute'; callId: string; muted: boolean }
  | { kind: 'consult'; callId: string; consult: Consultation }
  | { kind: 'consult-answered'; callId: string; guestSeat?: AgentCall['guestSeat'] }
  | { kind: 'consult-ended'; callId: string }
  | { kind: 'conference'; callId: string }
  | { kind: 'take-over'; callId: string }
  | { kind: 'call-ended'; callId: string; acwSeconds: number | null }
  | { kind: 'end-wrap-up' };

export class IllegalTransitionError extends ConflictError {}

export function offlineAgent(agentId: string, now: Date): AgentState {
  return {
    agentId,
    status: 'offline',
    version: 0,
    since: now.toISOString(),
    idleMs: 0,
    talkMs: 0,
    callsAnswered: 0,
    missed: 0,
    skills: {},
    queues: {},
    lastOffered: {},
  };
}

/** Which actions each status allows, for the 409's message. */
const ALLOWED: Readonly<Record<AgentStatus, readonly AgentAction['kind'][]>> = {
  offline: ['login'],
  available: ['not-ready', 'reserve', 'dial', 'logout', 'ready'],
  'not-ready': ['ready', 'not-ready', 'dial', 'logout'],
  reserved: ['accept', 'decline', 'miss', 'call-ended'],
  'on-call': [
    'hold',
    'resume',
    'mute',
    'call-ended',
    'consult',
    'consult-answered',
    'consult-ended',
    'conference',
    'take-over',
  ],
  'after-call': ['end-wrap-up', 'not-ready', 'logout'],
};

export function transition(state: AgentState, action: AgentAction, now: Date): AgentState {
  if (!ALLOWED[state.status].includes(action.kind))
    throw new IllegalTransitionError(
      `an agent who is ${state.status} cannot ${action.kind}; allowed: ${ALLOWED[state.status].join(', ')}`,
    );
  if ('callId' in action && state.call !== undefined && state.call.callId !== action.callId)
    throw new IllegalTransitionError(`the agent's call is ${state.call.callId}, not ${action.callId}`);
  const at = now.toISOString();
  const next = (status: AgentStatus, changes: Partial<AgentState> = {}): AgentState => {
    const leaving = closeSpell(state, now);
    const base: AgentState = {
      ...state,
      ...leaving,
      status,
      version: state.version + 1,
      since: at,
      ...changes,
    };
    // Fields that belong to one status only go away when the agent leaves it.
    const { reason: _reason, idleSince: _idle, acwUntil: _acw, ...rest } = base;
    return {
      ...rest,
      ...(status === 'not-ready' && base.reason !== undefined ? { reason: base.reason } : {}),
      ...(status === 'available' ? { idleSince: at } : {}),
      ...(status === 'after-call' && base.acwUntil !== undefined ? { acwUntil: base.acwUntil } : {}),
    };
  };

  /** The same status, its call changed. */
  const changed = (call: AgentCall): AgentState => ({ ...state, version: state.version + 1, call });

  switch (action.kind) {
    case 'login':
      return next('not-ready', {
        reason: 'logged-in',
        loginAt: at,
        idleMs: 0,
        talkMs: 0,
        callsAnswered: 0,
        missed: 0,
        skills: action.skills,
        queues: action.queues,
        call: undefined,
        media: action.media,
      });
    case 'logout':
      return withoutCall(next('offline', { loginAt: undefined, media: undefined }));
    case 'ready':
      return state.status === 'available' ? state : next('available');
    case 'not-ready':
      return next('not-ready', { reason: action.reason });
    case 'end-wrap-up':
      return withoutCall(next('available'));
    case 'reserve': {
      const expires = new Date(now.getTime() + action.ringTimeoutSeconds * 1000).toISOString();
      const call = { callId: action.callId, queueId: action.queueId, offeredAt: at, offerExpiresAt: expires };
      // A consultation is not an offer from the queue: round robin's memory stays.
      if (action.consultOf !== undefined)
        return next('reserved', { call: { ...call, consultOf: action.consultOf } });
      return next('reserved', { call, lastOffered: { ...state.lastOffered, [action.queueId]: at } });
    }
    case 'dial': {
      // Reserved for its own call while the far end rings; not an offer (round robin's memory stays).
      const expires = new Date(now.getTime() + action.ringTimeoutSeconds * 1000).toISOString();
      return next('reserved', {
        call: {
          callId: action.callId,
          queueId: action.queueId,
          offeredAt: at,
          offerExpiresAt: expires,
          outbound: true,
          ...(state.status === 'not-ready' && state.reason !== undefined
            ? { priorReason: state.reason }
            : {}),
        },
      });
    }
    case 'accept': {
      const call = state.call as AgentCall;
      const { offerExpiresAt: _expires, ...answered } = call;
      return next('on-call', {
        call: { ...answered, answeredAt: at, holdMs: 0, holdCount: 0 },
        callsAnswered: state.callsAnswered + 1,
      });
    }
    case 'decline':
      return withoutCall(next('available'));
    case 'miss':
      return withoutCall(next('not-ready', { reason: 'missed', missed: state.missed + 1 }));
    case 'hold': {
      const call = state.call as AgentCall;
      if (call.holdSince !== undefined) return state;
      // Holding the caller during a conference leaves the agent with the consulted party.
      const { conference: _conference, ...rest } = call;
      return changed({ ...rest, holdSince: at, holdCount: (call.holdCount ?? 0) + 1 });
    }
    case 'resume': {
      const call = state.call as AgentCall;
      if (call.holdSince === undefined) return state;
      if (call.consult !== undefined)
        throw new IllegalTransitionError(
          'the agent is consulting: make it a conference, complete the transfer or end the consultation',
        );
      const { holdSince, ...resumed } = call;
      const held = now.getTime() - Date.parse(holdSince);
      return {
        ...state,
        version: state.version + 1,
        call: { ...resumed, holdMs: (call.holdMs ?? 0) + held },
      };
    }
    case 'mute': {
      const call = state.call as AgentCall;
      if ((call.muted ?? false) === action.muted) return state;
      return { ...state, version: state.version + 1, call: { ...call, muted: action.muted } };
    }
    case 'consult': {
      const call = state.call as AgentCall;
      if (call.consult !== undefined)
        throw new IllegalTransitionError('the agent is consulting already: end that consultation first');
      if (call.consultOf !== undefined)
        throw new IllegalTransitionError('a consulted agent cannot consult in turn');
      // The caller holds while the agent consults (a conference that was going on ends).
      const { conference: _conference, ...rest } = call;
      const held =
        call.holdSince === undefined ? { holdSince: at, holdCount: (call.holdCount ?? 0) + 1 } : {};
      return changed({ ...rest, ...held, consult: action.consult });
    }
    case 'consult-answered': {
      const call = state.call as AgentCall;
      if (call.consultOf !== undefined) return changed({ ...call, guestSeat: action.guestSeat });
      if (call.consult === undefined) throw new IllegalTransitionError('the agent is not consulting');
      if (call.consult.state === 'talking') return state;
      return changed({ ...call, consult: { ...call.consult, state: 'talking' } });
    }
    case 'consult-ended': {
      const call = state.call as AgentCall;
      if (call.consult === undefined) return state;
      const { consult: _consult, conference: _conference, ...rest } = call;
      return changed(rest);
    }
    case 'conference': {
      const call = state.call as AgentCall;
      if (call.consult?.state !== 'talking')
        throw new IllegalTransitionError('a conference needs a consultation that has been answered');
      if (call.conference === true) return state;
      const { holdSince, ...rest } = call;
      const held = holdSince === undefined ? 0 : now.getTime() - Date.parse(holdSince);
      return changed({ ...rest, holdMs: (call.holdMs ?? 0) + held, conference: true });
    }
    case 'take-over': {
      // The consulted agent takes the caller over: the call is now simply the agent's.
      const call = state.call as AgentCall;
      if (call.consultOf === undefined) throw new IllegalTransitionError('the agent is not consulted');
      const { consultOf: _of, guestSeat: _seat, ...rest } = call;
      return changed(rest);
    }
    case 'call-ended':
      // Ended while still ringing (the caller gave up, or nobody answered the agent's own call): the agent
      // goes straight back to available.
      if (state.status === 'reserved') {
        const prior = state.call?.priorReason;
        return withoutCall(prior === undefined ? next('available') : next('not-ready', { reason: prior }));
      }
      {
        // Wrap-up keeps the call's facts, not a consultation or a seat that ended with it.
        const {
          consult: _consult,
          conference: _conference,
          guestSeat: _seat,
          ...ended
        } = state.call as AgentCall;
        return next('after-call', {
          call: ended,
          ...(action.acwSeconds === null
            ? {}
            : { acwUntil: new Date(now.getTime() + action.acwSeconds * 1000).toISOString() }),
        });
      }
  }
}

/** Leaving a status closes its spell: idle time while available, talk time (less hold) while on a call. */
function closeSpell(state: AgentState, now: Date): Partial<AgentState> {
  if (state.status === 'available' && state.idleSince !== undefined)
    return { idleMs: state.idleMs + Math.max(0, now.getTime() - Date.parse(state.idleSince)) };
  if (state.status === 'on-call' && state.call?.answeredAt !== undefined) {
    const holdOpen =
      state.call.holdSince === undefined ? 0 : now.getTime() - Date.parse(state.call.holdSince);
    const talk = now.getTime() - Date.parse(state.call.answeredAt) - (state.call.holdMs ?? 0) - holdOpen;
    return { talkMs: state.talkMs + Math.max(0, talk) };
  }
  return {};
}

function withoutCall(state: AgentState): AgentState {
  const { call: _call, ...rest } = state;
  return rest;
}

/** Metrics a strategy ranks by, as of `now` (the open idle spell counted). */
export function routingMetrics(
  state: Pick<AgentState, 'idleSince' | 'loginAt' | 'idleMs' | 'talkMs'>,
  now: Date,
): { idleRatio: number; talkRatio: number } {
  const loginMs = state.loginAt === undefined ? 0 : Math.max(1, now.getTime() - Date.parse(state.loginAt));
  const openIdle =
    state.idleSince === undefined ? 0 : Math.max(0, now.getTime() - Date.parse(state.idleSince));
  return {
    idleRatio: (state.idleMs + openIdle) / Math.max(1, loginMs),
    talkRatio: state.talkMs / Math.max(1, loginMs),
  };
}

/** The agent's state as agents and supervisors see it (API responses and pushed events). */
export function agentView(state: AgentState | undefined) {
  if (state === undefined) return { status: 'offline' as const };
  const { media: _media, lastOffered: _lastOffered, ...shown } = state;
  return shown;
}
