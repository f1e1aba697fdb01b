/**
 * The IVR flow document a tenant owns: versioned, JSON-serialisable, and checked on save. This module is
 * the shape (a zod schema); ./validate-flow.ts adds the graph rules (targets exist, every node reachable,
 * no loop without a way out). Nothing here knows about SIP media applications.
 */
import { z } from 'zod';
import { ID } from '../tenancy/ids.ts';
import { patternProblem } from './safe-pattern.ts';

export const FLOW_SCHEMA_VERSION = 1;

/** Polly language codes, e.g. en-US, es-US, cmn-CN (Mandarin). */
const language = z.string().regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'must be a language code such as en-US or cmn-CN');
const nodeId = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
    'must be 1-64 characters of A-Z, a-z, 0-9, _ and -, starting with a letter',
  );
export const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const attributeName = z
  .string()
  .regex(ATTRIBUTE_NAME, 'must be 1-64 characters of A-Z, a-z, 0-9, _, . and -, starting with a letter');
/** `{{name}}` placeholders are filled from the call's attributes (see ./render-template.ts). */
const template = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/\{\{(?![A-Za-z][A-Za-z0-9_.-]{0,63}\}\})/.test(s), 'has a malformed {{placeholder}}');
const promptKey = z
  .string()
  .regex(
    /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9/_-]{0,127}$/,
    'must be a prompt name of A-Z, a-z, 0-9, /, _ and - (the .wav file in the tenant prompt folder)',
  );
const digit = z.string().regex(/^[0-9*#]$/, 'must be one key: 0-9, * or #');
const seconds = (min: number, max: number, fallback: number) =>
  z.number().int().min(min).max(max).default(fallback);

/** What the caller hears: text spoken in the caller's language, or a recorded prompt per language. */
const prompt = z
  .strictObject({
    say: z.record(language, template(1000)).optional(),
    audio: z.record(language, promptKey).optional(),
  })
  .refine((p) => (p.say === undefined) !== (p.audio === undefined), 'needs exactly one of "say" or "audio"');
export type Prompt = z.infer<typeof prompt>;

const play = z.strictObject({ type: z.literal('play'), prompt, next: nodeId });

const menu = z.strictObject({
  type: z.literal('menu'),
  prompt,
  options: z.record(digit, nodeId).refine((o) => Object.keys(o).length > 0, 'needs at least one option'),
  timeoutSeconds: seconds(1, 30, 5),
  attempts: z.number().int().min(1).max(5).default(3),
  /** Played when the key pressed is not an option (before the menu repeats). */
  invalidPrompt: prompt.optional(),
  /** Played when nothing was pressed in time (before the menu repeats). */
  timeoutPrompt: prompt.optional(),
  /** Where the call goes when the attempts run out. */
  exhausted: nodeId,
});

const collect = z
  .strictObject({
    type: z.literal('collect'),
    prompt,
    attribute: attributeName,
    minDigits: z.number().int().min(1).max(32).default(1),
    maxDigits: z.number().int().min(1).max(32).default(16),
    pattern: z
      .string()
      .max(200)
      .superRefine((p, ctx) => {
        const problem = patternProblem(p);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    terminator: z.enum(['#', '*']).optional(),
    timeoutSeconds: seconds(1, 30, 8),
    attempts: z.number().int().min(1).max(5).default(3),
    invalidPrompt: prompt.optional(),
    timeoutPrompt: prompt.optional(),
    /** Masked in call records and logs (card digits, PINs). */
    sensitive: z.boolean().default(false),
    next: nodeId,
    exhausted: nodeId,
  })
  .refine((c) => c.maxDigits >= c.minDigits, {
    message: 'maxDigits must be at least minDigits',
    path: ['maxDigits'],
  });

const setLanguage = z.strictObject({ type: z.literal('setLanguage'), language, next: nodeId });

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time HH:MM');
const openPeriod = z
  .tuple([time, time])
  .refine(([from, to]) => from < to, 'must open before it closes, as ["09:00","17:00"]');
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const businessHours = z.strictObject({
  type: z.literal('hours'),
  timezone: z
    .string()
    .refine((tz) => validTimeZone(tz), 'must be an IANA time zone such as America/New_York'),
  weekly: z.partialRecord(z.enum(WEEKDAYS), z.array(openPeriod).max(6)),
  holidays: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'))
    .max(366)
    .default([]),
  open: nodeId,
  closed: nodeId,
});

const condition = z.strictObject({
  op: z.enum(['equals', 'startsWith', 'matches', 'in', 'exists']),
  value: z.union([z.string().max(500), z.array(z.string().max(100)).max(100)]).optional(),
  next: nodeId,
});
const branch = z
  .strictObject({
    type: z.literal('branch'),
    /** An attribute of the call, or one of the built-ins `caller`, `dialled`, `language`. */
    on: attributeName,
    cases: z.array(condition).min(1).max(50),
    otherwise: nodeId,
  })
  .superRefine((b, ctx) => {
    b.cases.forEach((c, i) => {
      const needsList = c.op === 'in';
      const needsText = c.op === 'equals' || c.op === 'startsWith' || c.op === 'matches';
      if (needsList && !Array.isArray(c.value))
        ctx.addIssue({ code: 'custom', path: ['cases', i, 'value'], message: "'in' needs a list of values" });
      if (needsText && typeof c.value !== 'string')
        ctx.addIssue({
          code: 'custom',
          path: ['cases', i, 'value'],
          message: `'${c.op}' needs a text value`,
        });
      const problem = c.op === 'matches' && typeof c.value === 'string' ? patternProblem(c.value) : undefined;
      if (problem !== undefined)
        ctx.addIssue({ code: 'custom', path: ['cases', i, 'value'], message: problem });
    });
  });

const setAttribute = z.strictObject({
  type: z.literal('setAttribute'),
  values: z
    .record(attributeName, z.string().max(500))
    .refine((v) => Object.keys(v).length > 0 && Object.keys(v).length <= 20, 'sets 1-20 attributes'),
  next: nodeId,
});

const lookup = z.strictObject({
  type: z.literal('lookup'),
  /** http(s) URL; `{{attribute}}` placeholders are filled and URL-encoded. */
  url: template(2000)
    .refine((u) => /^https?:\/\/[^\s]+$/.test(u), 'must be an http(s) URL')
    // Callers' digits and lookup replies fill placeholders: they may choose a path, never the host.
    .refine((u) => !/^https?:\/\/[^/]*\{\{/.test(u), 'may use {{placeholders}} only after the host'),
  method: z.enum(['GET', 'POST']).default('GET'),
  /** POST: these attributes are sent as a JSON object. */
  send: z.array(attributeName).max(20).default([]),
  /** Kept short: the whole SMA invocation has a 5 s deadline. */
  timeoutMs: z.number().int().min(100).max(3000).default(2000),
  /** Fields of the JSON reply become attributes `<resultPrefix>.<field>`. */
  resultPrefix: attributeName,
  next: nodeId,
  /** Where the call goes if the service fails, times out or answers something that is not JSON. */
  fallback: nodeId,
});

const enqueue = z.strictObject({
  type: z.literal('enqueue'),
  queue: z.string().regex(ID, 'must be a queue id'),
  priority: z.number().int().min(0).max(999).default(0),
  skills: z.record(z.string().regex(ID, 'must be a skill id'), z.number().int().min(1).max(5)).default({}),
  /** Said once when the caller enters the queue. */
  prompt: prompt.optional(),
  /** The tenant's hold music prompt; the platform's own when absent. */
  holdMusic: promptKey.optional(),
});

const transfer = z.strictObject({
  type: z.literal('transfer'),
  number: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +12065550100'),
  /** Show the caller's own number, or the tenant number they dialled. */
  callerId: z.enum(['caller', 'tenant']).default('tenant'),
  timeoutSeconds: seconds(5, 120, 30),
  prompt: prompt.optional(),
  /** Where the call goes if nobody answers. */
  failed: nodeId,
});

const voicemail = z.strictObject({
  type: z.literal('voicemail'),
  prompt: prompt.optional(),
  maxSeconds: seconds(5, 600, 120),
  /** After the message; the call hangs up when absent. */
  next: nodeId.optional(),
});

const hangup = z.strictObject({ type: z.literal('hangup'), prompt: prompt.optional() });

const node = z.discriminatedUnion('type', [
  play,
  menu,
  collect,
  setLanguage,
  businessHours,
  branch,
  setAttribute,
  lookup,
  enqueue,
  transfer,
  voicemail,
  hangup,
]);
export type FlowNode = z.infer<typeof node>;
export type NodeOf<T extends FlowNode['type']> = Extract<FlowNode, { type: T }>;

export const flowDocumentSchema = z.strictObject({
  schemaVersion: z.literal(FLOW_SCHEMA_VERSION),
  name: z.string().min(1).max(120),
  /** The first is the default: callers hear it until a setLanguage node changes it. */
  languages: z.array(language).min(1).max(10),
  /** Polly voice per language; a default voice is used for a language without one. */
  voices: z
    .record(language, z.string().regex(/^[A-Z][A-Za-z-]{1,30}$/, 'must be a Polly voice id'))
    .default({}),
  start: nodeId,
  nodes: z
    .record(nodeId, node)
    .refine((n) => Object.keys(n).length > 0, 'needs at least one node')
    .refine((n) => Object.keys(n).length <= 200, 'has more than 200 nodes'),
});
export type FlowDocument = z.infer<typeof flowDocumentSchema>;

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Where a node can send the call next, with the field that says so (for error paths). */
export function targetsOf(n: FlowNode): { field: string; target: string }[] {
  switch (n.type) {
    case 'play':
    case 'setLanguage':
    case 'setAttribute':
      return [{ field: 'next', target: n.next }];
    case 'menu':
      return [
        ...Object.entries(n.options).map(([key, target]) => ({ field: `options.${key}`, target })),
        { field: 'exhausted', target: n.exhausted },
      ];
    case 'collect':
      return [
        { field: 'next', target: n.next },
        { field: 'exhausted', target: n.exhausted },
      ];
    case 'hours':
      return [
        { field: 'open', target: n.open },
        { field: 'closed', target: n.closed },
      ];
    case 'branch':
      return [
        ...n.cases.map((c, i) => ({ field: `cases.${i}.next`, target: c.next })),
        { field: 'otherwise', target: n.otherwise },
      ];
    case 'lookup':
      return [
        { field: 'next', target: n.next },
        { field: 'fallback', target: n.fallback },
      ];
    case 'transfer':
      return [{ field: 'failed', target: n.failed }];
    case 'voicemail':
      return n.next === undefined ? [] : [{ field: 'next', target: n.next }];
    case 'enqueue':
    case 'hangup':
      return [];
  }
}

/** Nodes where a call leaves the IVR: a person or a recording takes over, or the call ends. */
export function isExit(n: FlowNode): boolean {
  return n.type === 'hangup' || n.type === 'enqueue' || n.type === 'transfer' || n.type === 'voicemail';
}

/** Every prompt of a node, with its field (for the per-language check). */
export function promptsOf(n: FlowNode): { field: string; prompt: Prompt }[] {
  const out: { field: string; prompt: Prompt }[] = [];
  const add = (field: string, p: Prompt | undefined) => {
    if (p !== undefined) out.push({ field, prompt: p });
  };
  if ('prompt' in n) add('prompt', n.prompt);
  if ('invalidPrompt' in n) add('invalidPrompt', n.invalidPrompt);
  if ('timeoutPrompt' in n) add('timeoutPrompt', n.timeoutPrompt);
  return out;
}
