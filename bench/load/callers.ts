/**
 * Virtual PSTN callers: each dials its tenant's number at its planned time, listens for the menu, presses
 * "1" (sales) or "2" (leave), and in the queue waits as long as its patience lasts before hanging up. The
 * outcome is what the caller lived through: answered by an agent (heard the agent's voice), abandoned (hung
 * up in the queue), left in the IVR, or lost — the call ended or stalled in a way none of those explain.
 */
import type { CallLogEntry } from '../../infra/local/chime/call-log.ts';
import type { PstnClient, RemoteCall } from '../../infra/local/chime/pstn-client.ts';
import { describeHeard } from '../../infra/local/chime/virtual-pstn.ts';
import { exponential, type Random } from './arrivals.ts';

export interface CallerPlan {
  readonly n: number;
  /** Milliseconds from the start of the load. */
  readonly at: number;
  readonly tenant: number;
  readonly choice: '1' | '2';
  readonly patienceS: number;
}

export type Outcome = 'answered' | 'abandoned' | 'ivr' | 'lost';

export interface CallerResult {
  readonly plan: CallerPlan;
  readonly outcome: Outcome;
  readonly transactionId: string | undefined;
  readonly log: readonly CallLogEntry[];
  /** When the caller first heard the agent (epoch ms). */
  readonly answeredAt?: number;
  /** Why a call counts as lost: what the caller heard, and when it stopped. */
  readonly detail?: string;
}

export interface CallerMix {
  /** Share of callers who press "2" and leave in the IVR. */
  readonly leaveShare: number;
  /** Mean patience in the queue (exponential), seconds. */
  readonly meanPatienceS: number;
}

export function planCallers(
  arrivals: readonly number[],
  tenants: number,
  mix: CallerMix,
  random: Random,
): CallerPlan[] {
  return arrivals.map((at, n) => ({
    n,
    at,
    tenant: n % tenants,
    choice: random() < mix.leaveShare ? '2' : '1',
    patienceS: exponential(random, mix.meanPatienceS),
  }));
}

/** How long anything may take before the call counts as lost (the menu, the agent's talk, the hang-up). */
const STALL_MS = 30_000;

export async function placeCall(phones: PstnClient, number: string, plan: CallerPlan): Promise<CallerResult> {
  const from = `+1425${String(5_550_000 + plan.n).padStart(7, '0')}`;
  const call = await phones.dial(from, number);
  let answeredAt: number | undefined;
  const result = (outcome: Outcome, detail?: string) => finish(call, plan, outcome, detail, answeredAt);
  try {
    await call.waitToHear(/For sales press 1/, STALL_MS);
  } catch (error) {
    call.hangup();
    return result('lost', `no menu: ${(error as Error).message}`);
  }
  call.press(plan.choice);
  if (plan.choice === '2') {
    try {
      await call.waitFor('ended', STALL_MS);
      return result('ivr');
    } catch {
      call.hangup();
      return result('lost', 'the IVR did not end the call');
    }
  }
  const answered = await until(call, () => call.heard.some((h) => h.kind === 'voice'), plan.patienceS * 1000);
  if (answered) answeredAt = Date.now();
  else {
    if (call.state === 'ended') return result('lost', `ended in the queue: ${heardOf(call)}`);
    call.hangup();
    await call.waitFor('ended', STALL_MS).catch(() => undefined);
    return result('abandoned');
  }
  try {
    await call.waitFor('ended', STALL_MS);
  } catch {
    call.hangup();
    return result('lost', 'answered, but the agent never hung up');
  }
  return result('answered');
}

async function finish(
  call: RemoteCall,
  plan: CallerPlan,
  outcome: Outcome,
  detail: string | undefined,
  answeredAt: number | undefined,
): Promise<CallerResult> {
  const log = await call.waitForLog(10_000).catch(() => [] as CallLogEntry[]);
  return {
    plan,
    outcome,
    transactionId: call.transactionId,
    log,
    ...(answeredAt === undefined ? {} : { answeredAt }),
    ...(detail === undefined ? {} : { detail }),
  };
}

/** Resolves true once `done()` holds, false after `ms` (or when the call ends without it). */
function until(call: RemoteCall, done: () => boolean, ms: number): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const check = () => {
      if (done()) settle(true);
      else if (call.state === 'ended') settle(false);
    };
    const timer = setTimeout(() => settle(false), ms);
    const settle = (value: boolean) => {
      clearTimeout(timer);
      call.off('change', check);
      resolve(value);
    };
    call.on('change', check);
  });
}

function heardOf(call: RemoteCall): string {
  return call.heard.map(describeHeard).join(' | ').slice(0, 300);
}
