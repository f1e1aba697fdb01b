/**
 * One turn of a call in the IVR: find the flow (the tenant's published flow for a new call, the version the
 * call started on otherwise), run the interpreter, perform its data lookups, and keep what must survive in
 * the call record. Carrier-agnostic: the SMA adapter turns the steps into actions and keeps the small
 * position in the SMA's TransactionAttributes. Ports are arguments; nothing here touches AWS.
 */
import type { FlowDocument } from '../flows/flow-document.ts';
import type { PublishedFlow } from '../flows/flow-service.ts';
import {
  advanceFlow,
  type FlowEvent,
  type FlowPosition,
  FlowRuntimeError,
  type FlowStep,
  type FlowTurn,
  type LookupRequest,
} from '../flows/run-flow.ts';
import { type OverflowTarget, overflowPlan } from '../routing/overflow.ts';
import type { TenantId } from '../tenancy/ids.ts';

/** Which tenant and flow a dialled number belongs to. */
export interface NumberRoute {
  readonly tenant: TenantId;
  readonly flowId: string;
}

export interface CallRecordStart {
  readonly tenant: TenantId;
  readonly callId: string;
  readonly caller: string;
  readonly dialled: string;
  readonly flowId: string;
  readonly flowVersion: number;
  readonly startedAt: string;
  /** Where the carrier runs the call (for the SMA: its region and application), to reach it later. */
  readonly carrier?: Readonly<Record<string, string>>;
}

export type CallStatus = 'ivr' | 'queued' | 'connected' | 'transferred' | 'voicemail' | 'ended';

export interface CallRecordChange {
  /** The call's attributes, with sensitive values masked: what records, reports and screens may show. */
  readonly attributes?: Record<string, string>;
  /** Sensitive values in clear, for the rest of the call only (removed when it ends). */
  readonly secrets?: Record<string, string>;
  readonly status?: CallStatus;
  readonly queue?: { id: string; priority: number; skills: Record<string, number> };
  readonly node?: string;
  readonly answeredAt?: string;
  readonly endedAt?: string;
  readonly endReason?: string;
  /** Where a voicemail left for an overflowing queue was saved. */
  readonly voicemail?: string;
  /** Where the call's recording goes (written when the call ends). */
  readonly recording?: string;
  /** Flow nodes the call entered since the last change: appended to its IVR path. */
  readonly ivrPath?: readonly string[];
}

export interface IvrPorts {
  readonly routes: { routeOf(dialled: string): Promise<NumberRoute | undefined> };
  readonly flows: {
    published(tenant: TenantId, flowId: string): Promise<PublishedFlow | undefined>;
    version(tenant: TenantId, flowId: string, version: number): Promise<PublishedFlow | undefined>;
  };
  readonly calls: {
    /**
     * Creates the call record; a second start of the same call changes nothing. 'refused' when the tenant
     * has its limit of calls in progress (then nothing is written).
     */
    start(call: CallRecordStart): Promise<'started' | 'refused' | undefined>;
    attributes(tenant: TenantId, callId: string): Promise<Record<string, string>>;
    change(tenant: TenantId, callId: string, change: CallRecordChange): Promise<void>;
  };
  readonly lookup: (
    request: LookupRequest,
  ) => Promise<{ ok: true; values: Record<string, string> } | { ok: false; reason: string }>;
  /**
   * Puts the caller in a queue (routing takes over). A full queue says where its callers overflow to; an
   * unknown queue cannot take the call at all.
   */
  readonly enqueue: (
    tenant: TenantId,
    callId: string,
    queue: { id: string; priority: number; skills: Record<string, number> },
  ) => Promise<'queued' | 'no-queue' | { readonly full: OverflowTarget }>;
  /** Records that a caller asked to be called back (a queue's callback overflow). */
  readonly requestCallback: (
    tenant: TenantId,
    request: { callId: string; caller: string; queueId: string; at: string },
  ) => Promise<void>;
  readonly now: () => Date;
}

/** What travels with the call between turns (the SMA keeps it in TransactionAttributes). */
export interface CallState {
  readonly tenant: TenantId;
  readonly flowId: string;
  readonly version: number;
  readonly position: FlowPosition;
  /** Bumped whenever the call record's attributes change; 0 means there are none to read. */
  readonly attributeRevision: number;
  /** The caller's leg is being recorded (a recording starts once per call). */
  readonly recorded?: boolean;
  /**
   * A call tied to another: a consultation call placed for an agent about the caller's call `callId`, or,
   * after a warm transfer to a number, each of the pair left talking in meeting `meetingId`.
   */
  readonly link?: CallLink;
}

export type CallLink =
  | { readonly role: 'consult'; readonly callId: string }
  | { readonly role: 'pair'; readonly callId: string; readonly meetingId: string };

export interface IvrTurnInput {
  readonly callId: string;
  readonly caller: string;
  readonly dialled: string;
  /** The tenant and flow for a new call (from the number), or the state of a call in progress. */
  readonly call: { kind: 'new'; route: NumberRoute } | { kind: 'ongoing'; state: CallState };
  readonly event: FlowEvent;
  readonly carrier?: Readonly<Record<string, string>>;
}

export type IvrTurnResult =
  | { kind: 'steps'; state: CallState; steps: FlowStep[] }
  /** The call cannot go on (no published flow, a broken flow): apologise and hang up. */
  | { kind: 'fail'; reason: string; steps: FlowStep[] }
  /** The tenant has its limit of calls in progress: the caller hears so, and nothing was written. */
  | { kind: 'refused'; steps: FlowStep[] };

/** Lookups one turn may chain (a lookup whose fallback is another lookup...). */
const MAX_LOOKUPS_PER_TURN = 3;
/** Less time than this left in the budget: the lookup is not tried, it times out at once. */
const MIN_LOOKUP_MS = 100;
/**
 * All lookups of one turn share this much time, so an invocation answers well inside the SMA's 5 s
 * deadline whatever each lookup's own timeout says.
 */
export const LOOKUP_BUDGET_MS = 2_500;

/** What a caller hears when the queue cannot take them (full, or gone from the configuration). */
const QUEUE_FULL_STEPS: readonly FlowStep[] = [
  {
    kind: 'say',
    text: 'All of our agents are busy and we cannot hold your call. Please call again later. Goodbye.',
    language: 'en-US',
    voice: 'Joanna',
    engine: 'neural',
  },
  { kind: 'hangup' },
];

/** What a caller hears when the call cannot go on. */
/** What a caller hears when the tenant has as many calls in progress as its limit allows. */
const ALL_LINES_BUSY_STEPS: readonly FlowStep[] = [
  {
    kind: 'say',
    text: 'All of our lines are busy right now. Please call again in a few minutes. Goodbye.',
    language: 'en-US',
    voice: 'Joanna',
    engine: 'neural',
  },
  { kind: 'hangup' },
];

export const APOLOGY_STEPS: readonly FlowStep[] = [
  {
    kind: 'say',
    text: 'We are sorry, this call cannot be completed. Goodbye.',
    language: 'en-US',
    voice: 'Joanna',
    engine: 'neural',
  },
  { kind: 'hangup' },
];

export async function runIvrTurn(ports: IvrPorts, input: IvrTurnInput): Promise<IvrTurnResult> {
  const now = ports.now();
  let state: CallState;
  let flow: FlowDocument;
  let attributes: Record<string, string> = {};
  if (input.call.kind === 'new') {
    const { tenant, flowId } = input.call.route;
    const published = await ports.flows.published(tenant, flowId);
    if (published === undefined) return fail(`tenant ${tenant} has not published flow '${flowId}'`);
    flow = published.document;
    const started = await ports.calls.start({
      tenant,
      callId: input.callId,
      caller: input.caller,
      dialled: input.dialled,
      flowId,
      flowVersion: published.version,
      startedAt: now.toISOString(),
      ...(input.carrier === undefined ? {} : { carrier: input.carrier }),
    });
    if (started === 'refused') return { kind: 'refused', steps: [...ALL_LINES_BUSY_STEPS] };
    state = {
      tenant,
      flowId,
      version: published.version,
      position: { node: flow.start, language: flow.languages[0] as string, attempt: 1, awaiting: 'prompts' },
      attributeRevision: 0,
    };
  } else {
    state = input.call.state;
    const version = await ports.flows.version(state.tenant, state.flowId, state.version);
    if (version === undefined) return fail(`flow '${state.flowId}' version ${state.version} is gone`);
    flow = version.document;
    if (state.attributeRevision > 0) attributes = await ports.calls.attributes(state.tenant, input.callId);
  }

  const context = { now, caller: input.caller, dialled: input.dialled };
  const lookupDeadline = Date.now() + LOOKUP_BUDGET_MS;
  const steps: FlowStep[] = [];
  const visited: string[] = [];
  let turn: FlowTurn;
  try {
    turn = advanceFlow(flow, input.call.kind === 'new' ? undefined : state.position, input.event, {
      ...context,
      attributes,
    });
    steps.push(...turn.steps);
    visited.push(...turn.visited);
    for (let lookups = 0; turn.lookup !== undefined; lookups++) {
      if (lookups >= MAX_LOOKUPS_PER_TURN)
        throw new FlowRuntimeError(`more than ${MAX_LOOKUPS_PER_TURN} lookups in one turn`);
      const remainingMs = lookupDeadline - Date.now();
      const result =
        remainingMs < MIN_LOOKUP_MS
          ? { ok: false as const, reason: 'timeout' }
          : await ports.lookup({ ...turn.lookup, timeoutMs: Math.min(turn.lookup.timeoutMs, remainingMs) });
      turn = advanceFlow(
        flow,
        turn.position,
        { kind: 'lookupDone', result },
        { ...context, attributes: turn.attributes, stepsBefore: steps.length },
      );
      steps.push(...turn.steps);
      visited.push(...turn.visited);
    }
  } catch (error) {
    if (error instanceof FlowRuntimeError) return fail(error.message);
    throw error;
  }

  // Entering a queue (not hold music starting again): routing takes the caller, or the queue is full.
  const hold = steps.find((step) => step.kind === 'hold');
  if (hold?.kind === 'hold' && state.position.awaiting !== 'queue') {
    const queued = await ports.enqueue(state.tenant, input.callId, {
      id: hold.queue,
      priority: hold.priority,
      skills: hold.skills,
    });
    if (queued !== 'queued') {
      const overflow = await overflowSteps(ports, state.tenant, input, hold, queued, turn.position.language);
      steps.splice(steps.indexOf(hold), 1, ...overflow.steps);
      turn = { ...turn, position: { ...turn.position, awaiting: overflow.awaiting } };
    }
  }

  const change = recordChange(
    attributes,
    turn.attributes,
    steps,
    state.position,
    turn.position,
    sensitiveNames(flow),
    visited,
  );
  let attributeRevision = state.attributeRevision;
  if (change !== undefined) {
    await ports.calls.change(state.tenant, input.callId, change);
    if (change.attributes !== undefined) attributeRevision += 1;
  }
  return { kind: 'steps', state: { ...state, position: turn.position, attributeRevision }, steps };
}

/**
 * A queue that cannot take the caller sends them to its overflow target: a voicemail, a callback, a
 * message and goodbye, or another queue (once: if that one is full too, the caller hears an apology).
 */
async function overflowSteps(
  ports: IvrPorts,
  tenant: TenantId,
  input: IvrTurnInput,
  hold: Extract<FlowStep, { kind: 'hold' }>,
  refused: 'no-queue' | { readonly full: OverflowTarget },
  language: string,
): Promise<{ steps: FlowStep[]; awaiting: FlowPosition['awaiting'] }> {
  if (refused === 'no-queue') return { steps: [...QUEUE_FULL_STEPS], awaiting: 'end' };
  const plan = overflowPlan(refused.full, 'full', language);
  if (plan.callback === true)
    await ports.requestCallback(tenant, {
      callId: input.callId,
      caller: input.caller,
      queueId: hold.queue,
      at: ports.now().toISOString(),
    });
  if (plan.queueId === undefined) return { steps: plan.steps, awaiting: plan.awaiting };
  const next = { ...hold, queue: plan.queueId, music: undefined };
  const queued = await ports.enqueue(tenant, input.callId, {
    id: plan.queueId,
    priority: hold.priority,
    skills: hold.skills,
  });
  return queued === 'queued'
    ? { steps: [...plan.steps, next], awaiting: 'queue' }
    : { steps: [...QUEUE_FULL_STEPS], awaiting: 'end' };
}

/**
 * The call record changes only when something worth keeping did: attributes, the nodes the call went
 * through, or where it went.
 */
function recordChange(
  before: Record<string, string>,
  after: Record<string, string>,
  steps: readonly FlowStep[],
  previous: FlowPosition,
  position: FlowPosition,
  sensitive: ReadonlySet<string>,
  visited: readonly string[],
): CallRecordChange | undefined {
  const attributesChanged =
    Object.keys(after).length !== Object.keys(before).length ||
    Object.entries(after).some(([k, v]) => before[k] !== v);
  const hold = steps.find((s) => s.kind === 'hold');
  const moved = previous.awaiting !== position.awaiting || previous.node !== position.node;
  const status: CallStatus | undefined = !moved
    ? undefined
    : hold !== undefined
      ? 'queued'
      : position.awaiting === 'connected'
        ? 'transferred'
        : position.awaiting === 'voicemail' || position.awaiting === 'message'
          ? 'voicemail'
          : undefined;
  if (!attributesChanged && status === undefined && visited.length === 0) return undefined;
  return {
    ...(visited.length === 0 ? {} : { ivrPath: visited }),
    ...(attributesChanged ? splitSensitive(after, sensitive) : {}),
    ...(status === undefined ? {} : { status, node: position.node }),
    ...(hold?.kind === 'hold'
      ? { queue: { id: hold.queue, priority: hold.priority, skills: hold.skills } }
      : {}),
  };
}

function fail(reason: string): IvrTurnResult {
  return { kind: 'fail', reason, steps: [...APOLOGY_STEPS] };
}

function sensitiveNames(flow: FlowDocument): ReadonlySet<string> {
  return new Set(
    Object.values(flow.nodes).flatMap((n) => (n.type === 'collect' && n.sensitive ? [n.attribute] : [])),
  );
}

function splitSensitive(
  all: Record<string, string>,
  sensitive: ReadonlySet<string>,
): Pick<CallRecordChange, 'attributes' | 'secrets'> {
  const attributes: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(all)) {
    if (sensitive.has(name)) {
      secrets[name] = value;
      attributes[name] = mask(value);
    } else attributes[name] = value;
  }
  return Object.keys(secrets).length === 0 ? { attributes } : { attributes, secrets };
}

/** Long entries (card numbers) keep their last four digits; short ones (PINs) show only their length. */
export function mask(value: string): string {
  return value.length >= 10 ? `${'*'.repeat(value.length - 4)}${value.slice(-4)}` : '*'.repeat(value.length);
}
