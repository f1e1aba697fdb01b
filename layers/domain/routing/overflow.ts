/**
 * What a caller hears while waiting, and where they go when the queue cannot keep them: the queue is full
 * when they arrive, or they have waited the queue's maximum. Each queue names its overflow target: a
 * voicemail, another queue, a callback, or a message and goodbye. Pure: call control turns the steps into
 * carrier actions, and routing moves the call.
 */
import type { FlowStep } from '../flows/run-flow.ts';
import type { QueueConfig } from './queue-config.ts';

export type OverflowTarget = QueueConfig['overflow'];
export type OverflowReason = 'full' | 'waited';

export interface OverflowPlan {
  /** What the caller hears (and does: a recording, a hang-up). */
  readonly steps: FlowStep[];
  /** What the call then waits for: the end, a voicemail recording, or an agent of another queue. */
  readonly awaiting: 'end' | 'message' | 'queue';
  /** The queue the caller moves to (target `queue`): hold music follows once routing has taken them. */
  readonly queueId?: string;
  /** The caller asked to be called back (target `callback`): a request is recorded. */
  readonly callback?: boolean;
}

/** The longest overflow voicemail, in seconds. */
export const OVERFLOW_MESSAGE_SECONDS = 120;

const say = (text: string, language: string): FlowStep => ({
  kind: 'say',
  text,
  language,
  voice: 'Joanna',
  engine: 'neural',
});

export function overflowPlan(target: OverflowTarget, reason: OverflowReason, language: string): OverflowPlan {
  const busy =
    reason === 'full'
      ? 'All of our agents are busy and our queue is full.'
      : 'We are sorry to keep you waiting.';
  switch (target.kind) {
    case 'voicemail':
      return {
        steps: [
          say(`${busy} Please leave a message after the tone, then press pound.`, language),
          { kind: 'record', maxSeconds: OVERFLOW_MESSAGE_SECONDS },
        ],
        awaiting: 'message',
      };
    case 'hangup':
      return { steps: [say(target.message, language), { kind: 'hangup' }], awaiting: 'end' };
    case 'callback':
      return {
        steps: [
          say(`${busy} We will call you back at the number you called from. Goodbye.`, language),
          { kind: 'hangup' },
        ],
        awaiting: 'end',
        callback: true,
      };
    case 'queue':
      return {
        steps: [say('Please continue to hold while we find someone to help you.', language)],
        awaiting: 'queue',
        queueId: target.queueId,
      };
  }
}

/** What an overflow voicemail caller hears once their message is kept (or could not be). */
export function messageTaken(saved: boolean, language: string): FlowStep[] {
  return [
    say(
      saved
        ? 'Thank you. Your message has been saved. Goodbye.'
        : 'Sorry, we could not save your message. Goodbye.',
      language,
    ),
    { kind: 'hangup' },
  ];
}

/**
 * The periodic announcement to a waiting caller: their place in the queue and, when the queue has
 * answered calls lately, about how long they will wait. `position` counts the caller (1 = next); a caller
 * with `known` or more callers ahead is told only that.
 */
export function waitAnnouncement(
  position: number,
  known: number,
  ewtSeconds: number | undefined,
  language: string,
): FlowStep {
  const place =
    position > known
      ? `There are at least ${known} callers ahead of you.`
      : position === 1
        ? 'You are next in line.'
        : `You are caller number ${position} in line.`;
  const wait =
    ewtSeconds === undefined
      ? ''
      : ewtSeconds < 90
        ? ' We expect to answer your call in about a minute.'
        : ` We expect to answer your call in about ${Math.round(ewtSeconds / 60)} minutes.`;
  return say(`${place}${wait} Thank you for holding.`, language);
}

/**
 * Estimated wait: the caller's position over the rate the queue has answered calls lately. Undefined when
 * it has answered none in that time (a guess would mislead).
 */
export function estimatedWaitSeconds(
  position: number,
  answered: number,
  overSeconds: number,
): number | undefined {
  if (answered <= 0 || overSeconds <= 0) return undefined;
  return Math.ceil(position / (answered / overSeconds));
}
