/**
 * Digit collection for PlayAudioAndGetDigits / SpeakAndGetDigits: the documented facts (attempts, failure
 * prompt, maximum, terminators, inter-digit timeout, minimum and regex) with the emulator's deterministic
 * reading of the rest (spec §3.8): a digit during the prompt barges in, the terminator is not part of
 * the result, and an empty entry is never a success.
 */
import type { DigitCollectionParams } from './action-validation.ts';
import type { DigitQueue, ScaledTime } from './scaled-time.ts';

export interface DigitCollection {
  readonly settings: DigitCollectionParams;
  readonly digits: DigitQueue;
  readonly time: ScaledTime;
  readonly signal: AbortSignal;
  /** Starts the main prompt (the phone hears it) and says how long it plays. */
  readonly prompt: () => void;
  readonly promptMs: number;
  readonly failure: () => void;
  readonly failureMs: number;
}

/** The collected digits, or undefined when every attempt failed (or the action was aborted). */
export async function collectDigits(c: DigitCollection): Promise<string | undefined> {
  const { settings, digits, time, signal } = c;
  for (let attempt = 1; attempt <= settings.attempts; attempt++) {
    c.prompt();
    if ((await digits.waitForDigit(time, c.promptMs, signal)) === 'aborted') return undefined;
    let buffer = '';
    let wait = settings.attemptTimeoutMs;
    for (;;) {
      const digit = await digits.next(time, wait, signal);
      if (signal.aborted) return undefined;
      if (digit === undefined || settings.terminators.includes(digit)) break;
      buffer += digit;
      if (buffer.length >= settings.maxDigits) break;
      wait = settings.interDigitTimeoutMs;
    }
    const valid =
      buffer.length > 0 &&
      buffer.length >= settings.minDigits &&
      (settings.regex === undefined || settings.regex.test(buffer));
    if (valid) return buffer;
    if (attempt < settings.attempts) {
      c.failure();
      if ((await time.sleep(c.failureMs, signal)) === 'aborted') return undefined;
      digits.clear(); // keys pressed over the failure prompt do not count for the next attempt
    }
  }
  return undefined;
}
