/**
 * Callers through the virtual PSTN: each dials the tenant's number, waits in the queue up to its
 * patience for an agent's voice, and then either talks until the agent hangs up (or, at most, `maxTalkS`)
 * or gives up and hangs up itself. What each caller lived through is kept, to be checked against what the system committed.
 */
import type { CallLogEntry } from '../../infra/local/chime/call-log.ts';
import { PstnClient } from '../../infra/local/chime/pstn-client.ts';

export interface PlacedCall {
  readonly n: number;
  /** The SMA transaction id, which is also the call's id in the live table (undefined: never reached it). */
  readonly callId: string | undefined;
  /** The caller heard an agent's voice. */
  readonly answered: boolean;
  /** The caller hung up after waiting its whole patience. */
  readonly gaveUp: boolean;
  /** The call ended on the phone (it did not hang on, waiting for a network that never answered). */
  readonly ended: boolean;
  readonly endReason: string | undefined;
  /** For a call no agent answered: the SMA's invocations, in order (event, attempt, error), to see why. */
  readonly invocations?: string[];
}

export async function placeCalls(
  webUrl: string,
  to: string,
  options: {
    calls: number;
    concurrency: number;
    patienceS: number;
    /** How long an answered caller stays on before hanging up itself. */
    maxTalkS: number;
    firstCaller: number;
  },
): Promise<PlacedCall[]> {
  const phones = await PstnClient.connect(webUrl);
  const placed: PlacedCall[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.calls) {
          const n = next++;
          const from = `+1425${String(options.firstCaller + n)
            .padStart(7, '0')
            .slice(-7)}`;
          const call = await phones.dial(from, to);
          const voice = call
            .waitToHear(/^voice/i, options.patienceS * 1000)
            .then(() => true)
            .catch(() => false);
          const answered = await voice;
          const gaveUp = !answered && call.state !== 'ended';
          if (gaveUp) call.hangup();
          // A caller whose agent never hangs up (the agent's own request failed) hangs up in the end.
          if (answered)
            await call.waitFor('ended', options.maxTalkS * 1000).catch(() => {
              call.hangup();
            });
          // After the caller's own hang-up the network must end the call: otherwise it is lost.
          const ended = await call
            .waitFor('ended', 10_000)
            .then(() => true)
            .catch(() => false);
          const log = await call.waitForLog(5_000).catch(() => undefined);
          const answeredByAgent = call.heard.some((h) => h.kind === 'voice');
          placed.push({
            n,
            callId: call.transactionId,
            answered: answeredByAgent,
            gaveUp,
            ended,
            endReason: call.endReason === undefined ? undefined : String(call.endReason),
            ...(answeredByAgent || log === undefined ? {} : { invocations: log.map(describeEntry) }),
          });
        }
      }),
    );
  } finally {
    phones.close();
  }
  return placed.sort((a, b) => a.n - b.n);
}

function describeEntry(entry: CallLogEntry): string {
  if (entry.kind === 'note') return `note: ${entry.text}`;
  const what = `${entry.event.InvocationEventType} #${entry.attempt} (${entry.ms} ms)`;
  return entry.error === undefined ? what : `${what}: ${entry.error.slice(0, 160)}`;
}
