/**
 * Emulated durations (prompts, timeouts, the 5 s invocation deadline) run on real timers multiplied by a
 * scale, so tests can run a 20 s hang-up in a fraction of a second while keeping every ordering real.
 */
export class ScaledTime {
  constructor(readonly scale = 1) {
    if (!(scale > 0)) throw new Error('time scale must be positive');
  }

  /** Real milliseconds for an emulated duration. */
  real(ms: number): number {
    return Math.max(0, Math.round(ms * this.scale));
  }

  /** Resolves 'elapsed' after the emulated duration, or 'aborted' as soon as the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<'elapsed' | 'aborted'> {
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      const done = (result: 'elapsed' | 'aborted') => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onAbort = () => done('aborted');
      const timer = setTimeout(() => done('elapsed'), this.real(ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** A queue of DTMF digits for one leg, consumed by digit collection with (emulated) timeouts. */
export class DigitQueue {
  private readonly digits: string[] = [];
  private waiter: ((digit: string) => void) | undefined;

  push(digit: string): void {
    if (this.waiter !== undefined) {
      const wake = this.waiter;
      this.waiter = undefined;
      wake(digit);
    } else {
      this.digits.push(digit);
    }
  }

  clear(): void {
    this.digits.length = 0;
  }

  /** The next digit, or undefined on timeout or abort. */
  next(time: ScaledTime, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
    const queued = this.digits.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const finish = (digit: string | undefined) => {
        this.waiter = undefined;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(digit);
      };
      const onAbort = () => finish(undefined);
      const timer = setTimeout(() => finish(undefined), time.real(timeoutMs));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = finish;
    });
  }

  /** Resolves when a digit is available (without taking it), after the duration, or on abort. */
  waitForDigit(time: ScaledTime, ms: number, signal?: AbortSignal): Promise<'digit' | 'elapsed' | 'aborted'> {
    if (this.digits.length > 0) return Promise.resolve('digit');
    return new Promise((resolve) => {
      const finish = (result: 'digit' | 'elapsed' | 'aborted', digit?: string) => {
        if (digit !== undefined) this.digits.unshift(digit);
        this.waiter = undefined;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('elapsed'), time.real(ms));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = (digit) => finish('digit', digit);
    });
  }
}
