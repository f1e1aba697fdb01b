/**
 * A tenant's queue: how it picks agents, how long and how many callers it holds and where they go when it
 * is full or they waited too long, how often it tells callers where they stand, and what agents do after
 * a call. Validated like a flow: every problem with its path.
 */
import { z } from 'zod';
import { ID } from '../tenancy/ids.ts';
import { parseOrThrow } from '../validation.ts';

export const STRATEGIES = [
  'longest-idle',
  'highest-idle-ratio',
  'least-talk-time',
  'least-talk-ratio',
  'fewest-calls',
  'highest-skill',
  'lowest-skill',
  'round-robin',
  'random',
  'ring-all',
  'skill-steps',
] as const;
export type Strategy = (typeof STRATEGIES)[number];

const id = z.string().regex(ID, 'must be 1-64 characters of A-Z, a-z, 0-9, _ and -');

const overflow = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('voicemail') }),
  z.strictObject({ kind: z.literal('queue'), queueId: id }),
  z.strictObject({ kind: z.literal('hangup'), message: z.string().min(1).max(500) }),
  z.strictObject({ kind: z.literal('callback') }),
]);

export const queueConfigSchema = z
  .strictObject({
    name: z.string().min(1).max(120),
    strategy: z.enum(STRATEGIES).default('longest-idle'),
    /** The skill the skill strategies rank by and the proficiency steps require. */
    routingSkill: id.optional(),
    /** skill-steps: require routingSkill ≥ minLevel for forSeconds, then the next step, then anyone. */
    steps: z
      .array(
        z.strictObject({
          minLevel: z.number().int().min(1).max(5),
          forSeconds: z.number().int().min(1).max(3600),
        }),
      )
      .max(5)
      .default([]),
    maxSize: z.number().int().min(1).max(10_000).default(100),
    maxWaitSeconds: z.number().int().min(10).max(86_400).default(600),
    /** Where a caller goes when the queue is full or the wait runs out. */
    overflow: overflow.default({ kind: 'voicemail' }),
    ringTimeoutSeconds: z.number().int().min(5).max(120).default(15),
    /** Position and estimated-wait announcements; 0 turns them off. */
    announceEverySeconds: z.number().int().min(0).max(3600).default(60),
    holdMusic: z
      .string()
      .regex(/^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9/_-]{0,127}$/)
      .optional(),
    record: z.boolean().default(false),
    /** After-call work; null lasts until the agent ends it. */
    acwSeconds: z.number().int().min(0).max(3600).nullable().default(30),
    serviceLevelSeconds: z.number().int().min(1).max(3600).default(20),
  })
  .superRefine((q, ctx) => {
    const needsSkill =
      q.strategy === 'highest-skill' || q.strategy === 'lowest-skill' || q.strategy === 'skill-steps';
    if (needsSkill && q.routingSkill === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['routingSkill'],
        message: `the ${q.strategy} strategy ranks by a routing skill`,
      });
    if (q.strategy === 'skill-steps' && q.steps.length === 0)
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'skill-steps needs at least one step' });
  });
export type QueueConfig = z.infer<typeof queueConfigSchema>;

export const agentProfileSchema = z.strictObject({
  name: z.string().min(1).max(120),
  /** Skill → level 1 (basic) to 5 (expert). */
  skills: z.record(id, z.number().int().min(1).max(5)).default({}),
  /** Queue → priority 1 (first) to 9: an available agent takes calls from its higher-priority queues first. */
  queues: z
    .record(id, z.number().int().min(1).max(9))
    .refine((q) => Object.keys(q).length <= 20, 'at most 20 queues'),
});
export type AgentProfile = z.infer<typeof agentProfileSchema>;

/** A tenant's list of codes with labels (not-ready reasons, dispositions): unique, none of the reserved. */
function codeList(options: {
  kind: string;
  max: number;
  reserved: (code: string) => boolean;
  reservedMessage: string;
}) {
  return z.strictObject({
    codes: z
      .array(
        z.strictObject({
          code: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'must be 1-40 letters, digits, _ and -')
            .refine((c) => !options.reserved(c), options.reservedMessage),
          label: z.string().trim().min(1).max(60),
        }),
      )
      .min(1, `at least one ${options.kind}`)
      .max(options.max, `at most ${options.max} ${options.kind}s`)
      .refine((codes) => new Set(codes.map((c) => c.code)).size === codes.length, 'codes must be unique'),
  });
}

/**
 * The tenant's not-ready reason codes, the choices its agents have (`missed` and `logged-in` are the
 * system's own and cannot be chosen).
 */
export const reasonCodesSchema = codeList({
  kind: 'reason code',
  max: 30,
  reserved: (c) => SYSTEM_REASONS.includes(c),
  reservedMessage: 'is a reason the system sets by itself',
});
export type ReasonCodes = z.infer<typeof reasonCodesSchema>;

/** Reasons the system gives: an offer left ringing, a fresh login. */
export const SYSTEM_REASONS: readonly string[] = ['missed', 'logged-in'];

/** What a tenant that has defined none offers its agents. */
export const DEFAULT_REASON_CODES: ReasonCodes = {
  codes: [
    { code: 'break', label: 'Break' },
    { code: 'lunch', label: 'Lunch' },
    { code: 'meeting', label: 'Meeting' },
    { code: 'training', label: 'Training' },
    { code: 'admin', label: 'Admin work' },
  ],
};

/** The tenant's disposition codes: how its agents sum a call up at wrap-up ('none' is always allowed). */
export const dispositionCodesSchema = codeList({
  kind: 'disposition code',
  max: 50,
  reserved: (c) => c === 'none',
  reservedMessage: 'is the code of a call left without one: it needs no defining',
});
export type DispositionCodes = z.infer<typeof dispositionCodesSchema>;

export const DEFAULT_DISPOSITION_CODES: DispositionCodes = {
  codes: [
    { code: 'resolved', label: 'Resolved' },
    { code: 'follow-up', label: 'Follow-up needed' },
    { code: 'sale', label: 'Sale' },
    { code: 'no-sale', label: 'No sale' },
    { code: 'transferred', label: 'Transferred' },
    { code: 'other', label: 'Other' },
  ],
};

export function parseDispositionCodes(input: unknown): DispositionCodes {
  return parseOrThrow(dispositionCodesSchema, input, 'list of disposition codes');
}

export function parseReasonCodes(input: unknown): ReasonCodes {
  return parseOrThrow(reasonCodesSchema, input, 'list of reason codes');
}

export function parseQueueConfig(input: unknown): QueueConfig {
  return parseOrThrow(queueConfigSchema, input, 'queue');
}

export function parseAgentProfile(input: unknown): AgentProfile {
  return parseOrThrow(agentProfileSchema, input, 'agent');
}
