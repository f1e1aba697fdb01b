/**
 * The IVR flow interpreter, pure: given a flow, where the call is in it, what just happened and the call's
 * context (clock, numbers, attributes), it returns what the caller should hear or do next and the new
 * position. It never performs I/O: a data lookup is returned as a request, and the caller of this module
 * performs it and resumes the flow with the result. Carrier-agnostic: steps are not SMA actions.
 */
import { isOpen } from './business-hours.ts';
import type { FlowDocument, FlowNode, NodeOf, Prompt } from './flow-document.ts';
import { voiceFor } from './polly-voices.ts';
import { renderTemplate } from './render-template.ts';
import { matchesPattern } from './safe-pattern.ts';

/** Where the call is, small enough to travel with the call (SMA TransactionAttributes). */
export interface FlowPosition {
  /** The node waiting for the outcome, or the node to run once the prompts have played. */
  readonly node: string;
  readonly language: string;
  /** 1-based attempt of the menu or input collection at `node`. */
  readonly attempt: number;
  readonly awaiting:
    | 'prompts'
    | 'input'
    | 'lookup'
    | 'transfer'
    | 'connected'
    | 'voicemail'
    | 'queue'
    | 'end'
    /** Outside the flow, for call control: on hold by an agent, transferred out by one, or an agent's call out ringing. */
    | 'held'
    | 'transferred'
    | 'dialing'
    /** Outside the flow: recording a voicemail for a queue that overflowed. */
    | 'message';
}

export interface FlowContext {
  readonly now: Date;
  /** The caller's number and the number they dialled. */
  readonly caller: string;
  readonly dialled: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Steps this turn already holds from before a lookup: they count against the SMA's 10 actions. */
  readonly stepsBefore?: number;
}

export type FlowEvent =
  | { kind: 'start' }
  | { kind: 'promptsDone' }
  /** A prompt could not play (a missing audio file, a speech error): the rest of its list never ran. */
  | { kind: 'promptFailed' }
  | { kind: 'input'; digits: string }
  | { kind: 'noInput' }
  | {
      kind: 'lookupDone';
      result: { ok: true; values: Record<string, string> } | { ok: false; reason: string };
    }
  | { kind: 'transferConnected' }
  | { kind: 'transferFailed' }
  | { kind: 'voicemailSaved'; location: string }
  | { kind: 'voicemailFailed' }
  | { kind: 'holdEnded' };

export type Media =
  | { kind: 'say'; text: string; language: string; voice: string; engine: 'neural' | 'standard' }
  | { kind: 'play'; prompt: string };

export type FlowStep =
  | Media
  | {
      kind: 'ask';
      prompt: Media;
      minDigits: number;
      maxDigits: number;
      terminator: '#' | '*' | undefined;
      timeoutMs: number;
    }
  | {
      kind: 'hold';
      queue: string;
      priority: number;
      skills: Record<string, number>;
      music: string | undefined;
    }
  | { kind: 'transfer'; number: string; callerId: 'caller' | 'tenant'; timeoutSeconds: number }
  | { kind: 'record'; maxSeconds: number }
  | { kind: 'hangup' };

export interface LookupRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly body: Record<string, string> | undefined;
  readonly timeoutMs: number;
}

export interface FlowTurn {
  readonly position: FlowPosition;
  readonly attributes: Record<string, string>;
  readonly steps: FlowStep[];
  /** Perform this request and resume with `lookupDone`; the steps so far play first. */
  readonly lookup?: LookupRequest;
  /** The event did not fit where the call is (a late or stray event): nothing changed. */
  readonly ignored?: true;
  /** The nodes this turn entered, in order (the call's IVR path). */
  readonly visited: readonly string[];
}

/** A flow that runs in circles without a prompt, or points nowhere: the call cannot go on. */
export class FlowRuntimeError extends Error {
  override readonly name = 'FlowRuntimeError';
}

/** Node transitions one turn may take without waiting for the caller (guards against silent loops). */
const MAX_TRANSITIONS = 100;
/** Keep a turn's steps within the SMA's 10 actions per response, leaving room for input or an exit. */
const MAX_STEPS_BEFORE_PAUSE = 7;

export function advanceFlow(
  flow: FlowDocument,
  position: FlowPosition | undefined,
  event: FlowEvent,
  context: FlowContext,
): FlowTurn {
  const turn = new Turn(flow, context, position);
  if (position === undefined || event.kind === 'start') return turn.run(flow.start);
  const node = flow.nodes[position.node];
  if (node === undefined)
    throw new FlowRuntimeError(`the call is at '${position.node}', which this flow lacks`);

  // The prompt failed, so the step waiting after it never started: skip the prompt, start that step again.
  if (event.kind === 'promptFailed')
    return position.awaiting === 'prompts' ? turn.run(position.node) : turn.resume(node);

  switch (position.awaiting) {
    case 'prompts':
      return event.kind === 'promptsDone' ? turn.run(position.node) : turn.ignore();
    case 'input':
      if (node.type !== 'menu' && node.type !== 'collect') break;
      if (event.kind === 'input') return turn.answer(node, event.digits);
      if (event.kind === 'noInput') return turn.retry(node, node.timeoutPrompt);
      break;
    case 'lookup':
      if (node.type !== 'lookup' || event.kind !== 'lookupDone') break;
      if (event.result.ok) {
        for (const [field, value] of Object.entries(event.result.values))
          turn.attributes[`${node.resultPrefix}.${field}`] = value;
        return turn.run(node.next);
      }
      turn.attributes[`${node.resultPrefix}.error`] = event.result.reason;
      return turn.run(node.fallback);
    case 'transfer':
      if (node.type !== 'transfer') break;
      if (event.kind === 'transferFailed') return turn.run(node.failed);
      if (event.kind === 'transferConnected') return turn.wait('connected');
      break;
    case 'voicemail':
      if (node.type !== 'voicemail') break;
      if (event.kind === 'voicemailSaved') turn.attributes['voicemail.location'] = event.location;
      if (event.kind !== 'voicemailSaved' && event.kind !== 'voicemailFailed') break;
      if (node.next !== undefined) return turn.run(node.next);
      turn.steps.push({ kind: 'hangup' });
      return turn.wait('end');
    case 'queue':
      // The hold music ran out before anyone answered: play it again.
      if (node.type === 'enqueue' && event.kind === 'holdEnded') {
        turn.steps.push(holdStep(node));
        return turn.wait('queue');
      }
      break;
    case 'connected':
    case 'end':
    case 'held':
    case 'transferred':
    case 'dialing':
    case 'message':
      break;
  }
  return turn.ignore();
}

/** One turn of the interpreter: accumulates steps and attribute changes from one position onward. */
class Turn {
  readonly steps: FlowStep[] = [];
  private readonly visited: string[] = [];
  readonly attributes: Record<string, string>;
  private language: string;
  private node: string;
  private attempt: number;

  constructor(
    private readonly flow: FlowDocument,
    private readonly context: FlowContext,
    private readonly position: FlowPosition | undefined,
  ) {
    this.attributes = { ...context.attributes };
    this.language = position?.language ?? (flow.languages[0] as string);
    this.node = position?.node ?? flow.start;
    this.attempt = position?.attempt ?? 1;
  }

  ignore(): FlowTurn {
    return { ...this.result(this.position?.awaiting ?? 'end'), ignored: true };
  }

  wait(awaiting: FlowPosition['awaiting']): FlowTurn {
    return this.result(awaiting);
  }

  /** Runs nodes from `id` until one waits for the caller, a lookup, a person, or the end. */
  run(id: string): FlowTurn {
    let current = id;
    for (let transitions = 0; ; transitions++) {
      if (transitions > MAX_TRANSITIONS)
        throw new FlowRuntimeError(
          `the flow went round ${MAX_TRANSITIONS} nodes without waiting for the caller`,
        );
      const node = this.flow.nodes[current];
      if (node === undefined) throw new FlowRuntimeError(`the flow goes to '${current}', which it lacks`);
      this.node = current;
      this.attempt = 1;
      this.visited.push(current);
      if (this.steps.length + (this.context.stepsBefore ?? 0) >= MAX_STEPS_BEFORE_PAUSE && speaks(node))
        return this.wait('prompts');
      const next = this.step(node);
      if (next === undefined) return this.waitingAt(node);
      current = next;
    }
  }

  /** Issues again the step the call is waiting on (its prompts are not repeated). */
  resume(node: FlowNode): FlowTurn {
    switch (node.type) {
      case 'menu':
      case 'collect':
        this.steps.push(this.ask(node));
        return this.result('input');
      case 'enqueue':
        this.steps.push(holdStep(node));
        return this.result('queue');
      case 'transfer':
        this.steps.push(transferStep(node));
        return this.result('transfer');
      case 'voicemail':
        this.steps.push({ kind: 'record', maxSeconds: node.maxSeconds });
        return this.result('voicemail');
      case 'hangup':
        this.steps.push({ kind: 'hangup' });
        return this.result('end');
      default:
        return this.ignore();
    }
  }

  /** A key or an entry for the menu or collection the call is at. */
  answer(node: NodeOf<'menu'> | NodeOf<'collect'>, digits: string): FlowTurn {
    if (node.type === 'menu') {
      const target = node.options[digits];
      return target === undefined ? this.retry(node, node.invalidPrompt) : this.run(target);
    }
    const validLength = digits.length >= node.minDigits && digits.length <= node.maxDigits;
    if (!validLength || (node.pattern !== undefined && !matchesPattern(node.pattern, digits)))
      return this.retry(node, node.invalidPrompt);
    this.attributes[node.attribute] = digits;
    return this.run(node.next);
  }

  /** After a bad or missing entry: say why, then ask again, or give up after the last attempt. */
  retry(node: NodeOf<'menu'> | NodeOf<'collect'>, why: Prompt | undefined): FlowTurn {
    if (why !== undefined) this.steps.push(this.media(why));
    if (this.attempt >= node.attempts) return this.run(node.exhausted);
    const attempt = this.attempt + 1;
    this.steps.push(this.ask(node));
    this.attempt = attempt;
    return this.result('input');
  }

  /** Runs one node; returns the next node, or undefined when the node waits. */
  private step(node: FlowNode): string | undefined {
    switch (node.type) {
      case 'play':
        this.steps.push(this.media(node.prompt));
        return node.next;
      case 'setLanguage':
        this.language = node.language;
        return node.next;
      case 'setAttribute':
        for (const [name, value] of Object.entries(node.values))
          this.attributes[name] = renderTemplate(value, this.templateValues());
        return node.next;
      case 'hours':
        return isOpen(node, this.context.now) ? node.open : node.closed;
      case 'branch': {
        const values = this.templateValues();
        const subject = Object.hasOwn(values, node.on) ? values[node.on] : undefined;
        return node.cases.find((c) => matches(c, subject))?.next ?? node.otherwise;
      }
      case 'menu':
      case 'collect':
        this.steps.push(this.ask(node));
        return undefined;
      case 'lookup':
        return undefined;
      case 'enqueue':
        if (node.prompt !== undefined) this.steps.push(this.media(node.prompt));
        this.steps.push(holdStep(node));
        return undefined;
      case 'transfer':
        if (node.prompt !== undefined) this.steps.push(this.media(node.prompt));
        this.steps.push(transferStep(node));
        return undefined;
      case 'voicemail':
        if (node.prompt !== undefined) this.steps.push(this.media(node.prompt));
        this.steps.push({ kind: 'record', maxSeconds: node.maxSeconds });
        return undefined;
      case 'hangup':
        if (node.prompt !== undefined) this.steps.push(this.media(node.prompt));
        this.steps.push({ kind: 'hangup' });
        return undefined;
    }
  }

  private waitingAt(node: FlowNode): FlowTurn {
    switch (node.type) {
      case 'menu':
      case 'collect':
        return this.result('input');
      case 'lookup': {
        const values = this.templateValues();
        const body =
          node.method === 'POST'
            ? Object.fromEntries(node.send.map((name) => [name, values[name] ?? '']))
            : undefined;
        return {
          ...this.result('lookup'),
          lookup: {
            url: renderTemplate(node.url, values, encodeURIComponent),
            method: node.method,
            body,
            timeoutMs: node.timeoutMs,
          },
        };
      }
      case 'enqueue':
        return this.result('queue');
      case 'transfer':
        return this.result('transfer');
      case 'voicemail':
        return this.result('voicemail');
      default:
        return this.result('end');
    }
  }

  private ask(node: NodeOf<'menu'> | NodeOf<'collect'>): FlowStep {
    const menu = node.type === 'menu';
    return {
      kind: 'ask',
      prompt: this.media(node.prompt),
      // Length and pattern are judged here, so a wrong entry gets the flow's own invalid-input prompt.
      minDigits: 1,
      maxDigits: menu ? 1 : node.maxDigits,
      // A menu key must never be taken for the terminator (a menu may offer # or *).
      terminator: menu
        ? (['#', '*'] as const).find((key) => !Object.hasOwn(node.options, key))
        : node.terminator,
      timeoutMs: node.timeoutSeconds * 1000,
    };
  }

  private media(prompt: Prompt): Media {
    const language = this.language;
    const fallback = this.flow.languages[0] as string;
    if (prompt.audio !== undefined)
      return { kind: 'play', prompt: prompt.audio[language] ?? (prompt.audio[fallback] as string) };
    const text =
      (prompt.say as Record<string, string>)[language] ?? (prompt.say as Record<string, string>)[fallback];
    return {
      kind: 'say',
      text: renderTemplate(text ?? '', this.templateValues()),
      language,
      // Validation made sure the language has a voice; Joanna only guards a flow saved before that rule.
      ...(voiceFor(language, this.flow.voices[language]) ?? { voice: 'Joanna', engine: 'standard' }),
    };
  }

  /** Attributes plus the built-ins a template or a branch may use. */
  private templateValues(): Record<string, string> {
    return {
      ...this.attributes,
      caller: this.context.caller,
      dialled: this.context.dialled,
      language: this.language,
    };
  }

  private result(awaiting: FlowPosition['awaiting']): FlowTurn {
    return {
      position: { node: this.node, language: this.language, attempt: this.attempt, awaiting },
      attributes: this.attributes,
      steps: this.steps,
      visited: this.visited,
    };
  }
}

function speaks(node: FlowNode): boolean {
  return (
    node.type !== 'setLanguage' &&
    node.type !== 'setAttribute' &&
    node.type !== 'hours' &&
    node.type !== 'branch'
  );
}

function transferStep(node: NodeOf<'transfer'>): FlowStep {
  return {
    kind: 'transfer',
    number: node.number,
    callerId: node.callerId,
    timeoutSeconds: node.timeoutSeconds,
  };
}

function holdStep(node: NodeOf<'enqueue'>): FlowStep {
  return {
    kind: 'hold',
    queue: node.queue,
    priority: node.priority,
    skills: node.skills,
    music: node.holdMusic,
  };
}

function matches(c: NodeOf<'branch'>['cases'][number], subject: string | undefined): boolean {
  switch (c.op) {
    case 'exists':
      return subject !== undefined && subject !== '';
    case 'equals':
      return subject === c.value;
    case 'startsWith':
      return subject !== undefined && typeof c.value === 'string' && subject.startsWith(c.value);
    case 'matches':
      return subject !== undefined && typeof c.value === 'string' && matchesPattern(c.value, subject);
    case 'in':
      return subject !== undefined && Array.isArray(c.value) && c.value.includes(subject);
  }
}
