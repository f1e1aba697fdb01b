/**
 * Recorded-call tests: a caller scripted step by step against the running local cloud, through the virtual
 * PSTN (the same path as `npm run call`). `hears` checks the *next* thing the caller hears, in order, so a
 * test reads like the call:
 *
 *   const call = await ScriptedCaller.dial(number);
 *   await call.hears(/Welcome/);
 *   await call.hears(/press 1/);
 *   call.press('1');
 *   await call.hears(/Connecting you to sales/);
 */
import { PstnClient, type RemoteCall } from '../../infra/local/chime/pstn-client.ts';
import { describeHeard, type Heard } from '../../infra/local/chime/virtual-pstn.ts';
import { localCloud } from './local-cloud.ts';

let shared: Promise<PstnClient> | undefined;

export class ScriptedCaller {
  private cursor = 0;

  private constructor(readonly call: RemoteCall) {}

  static async dial(to: string, from = '+14255550188'): Promise<ScriptedCaller> {
    shared ??= PstnClient.connect(localCloud().webUrl);
    return new ScriptedCaller(await (await shared).dial(from, to));
  }

  /** Waits for the next thing heard and checks it; returns it. */
  async hears(expected: RegExp, timeoutMs = 15_000): Promise<Heard> {
    const index = this.cursor;
    await this.until(
      () => this.call.heard.length > index || this.call.state === 'ended',
      timeoutMs,
      `to hear ${expected}`,
    );
    const item = this.call.heard[index];
    if (item === undefined)
      throw new Error(`the call ended before hearing ${expected}; it heard: ${this.transcript()}`);
    if (!expected.test(describeHeard(item)))
      throw new Error(
        `expected to hear ${expected} next, but heard "${describeHeard(item)}"; so far: ${this.transcript()}`,
      );
    this.cursor = index + 1;
    return item;
  }

  press(keys: string): void {
    this.call.press(keys);
  }

  hangUp(): void {
    this.call.hangup();
  }

  /** Waits for the call to end and checks that nothing more was heard after what the test expected. */
  async ends(timeoutMs = 15_000): Promise<void> {
    await this.call.waitFor('ended', timeoutMs);
    const unexpected = this.call.heard.slice(this.cursor);
    if (unexpected.length > 0)
      throw new Error(
        `the call ended after more than the test expected: ${unexpected.map(describeHeard).join(' | ')}`,
      );
  }

  /** The SMA's invocation log of this call (after it ended). */
  async log() {
    return this.call.waitForLog();
  }

  transcript(): string {
    return this.call.heard.map(describeHeard).join(' | ');
  }

  private until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.call.off('change', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.call.off('change', check);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting ${what}; heard so far: ${this.transcript()}`),
        );
      }, timeoutMs);
      this.call.on('change', check);
    });
  }
}
