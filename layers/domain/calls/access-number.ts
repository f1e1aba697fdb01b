/**
 * A shared access number (a marketplace's one number for all its sellers): the caller is asked for the
 * seller's extension code, and the call then runs in that seller's (tenant's) own flow, queues and
 * records as if the tenant's own number had been dialled. Before the code, the call belongs to no tenant:
 * it is spoken to with platform prompts only, and nothing is written.
 */
import type { FlowStep } from '../flows/run-flow.ts';

/** Six digits: room for 900,000 sellers on one access number, short enough to read out. */
export const EXTENSION_CODE = /^[1-9]\d{5}$/;
export const CODE_ATTEMPTS = 3;

const say = (text: string): Extract<FlowStep, { kind: 'say' }> => ({
  kind: 'say',
  text,
  language: 'en-US',
  voice: 'Joanna',
  engine: 'neural',
});

/** The question, preceded on a retry by why it is asked again. */
export function askForCode(retry: 'wrong' | 'silent' | undefined): FlowStep[] {
  return [
    ...(retry === 'wrong' ? [say('Sorry, that is not the code of a shop we know.')] : []),
    ...(retry === 'silent' ? [say('Sorry, I did not hear a code.')] : []),
    {
      kind: 'ask',
      prompt: say(
        retry === undefined
          ? 'Welcome. Please enter the six digit code of the shop you are calling, then press the pound key.'
          : 'Please enter the six digit code of the shop, then press the pound key.',
      ),
      // Any entry ends the question, so a short code hears why it is wrong rather than silence.
      minDigits: 1,
      maxDigits: 6,
      terminator: '#',
      timeoutMs: 10_000,
    },
  ];
}

export const NO_SUCH_SHOP: readonly FlowStep[] = [
  say('We could not find that shop. Please check its code and call again. Goodbye.'),
  { kind: 'hangup' },
];

/** A fresh six-digit code (claimed with a conditional write; a collision draws again). */
export function drawExtensionCode(random: () => number = Math.random): string {
  return String(100_000 + Math.floor(random() * 900_000));
}
