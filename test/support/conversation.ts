/**
 * Hearing a conversation from its ends, for tests of calls between callers and agents on the local cloud:
 * who hears whom, who joined which meeting, and a caller put through to a chosen agent.
 */
import { expect } from 'vitest';
import type { PstnClient, RemoteCall } from '../../infra/local/chime/pstn-client.ts';
import type { TestDesk } from './contact-center.ts';

let said = 0;

/**
 * `from` says something (made unique) and `to` hears it. Said again every half second until heard: a
 * path that is still being set up (a leg joining, a far end answering) drops what is said meanwhile.
 */
export async function talk(from: RemoteCall, to: RemoteCall, words: string): Promise<void> {
  const unique = `${words} (${++said})`;
  const heard = () => to.heard.some((h) => h.kind === 'voice' && h.text === unique);
  for (const deadline = Date.now() + 5_000; !heard(); ) {
    if (Date.now() > deadline) throw new Error(`'${unique}' was not heard: ${JSON.stringify(to.heard)}`);
    from.say(unique);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `from` says something and `to` does not hear it (within what would otherwise be ample time). */
export async function unheard(from: RemoteCall, to: RemoteCall, phrase: string): Promise<void> {
  const words = `${phrase} (${++said})`;
  from.say(words);
  await new Promise((r) => setTimeout(r, 600));
  expect(to.heard.some((h) => h.kind === 'voice' && h.text === words)).toBe(false);
}

/** How many times the caller of `callId` has joined the meeting where `seat` sits. */
export const joins = (seat: RemoteCall, callId: string) =>
  seat.heard.filter((h) => h.kind === 'presence' && h.present && h.externalUserId === `caller.${callId}`)
    .length;

/** Waits until the caller of `callId` has joined the meeting where `seat` sits `times` times. */
export const joined = (seat: RemoteCall, callId: string, times: number) =>
  expect.poll(() => joins(seat, callId), { timeout: 10_000 }).toBe(times);

export const holdMusicHeard = (caller: RemoteCall) =>
  caller.heard.filter((h) => h.kind === 'audio' && /hold-music/.test(h.key)).length;

/** Callers of a tenant's number, each put through to the one agent left ready. */
export function callersOf(
  phones: PstnClient,
  number: string,
  desks: readonly TestDesk[],
  firstCaller: number,
) {
  let callers = firstCaller;
  /** Only the named desks take calls; the others are not ready (wrap-up ended first). */
  async function onlyReady(...ready: TestDesk[]): Promise<void> {
    for (const desk of desks) {
      const state = await desk.state();
      if (state.status === 'after-call') await desk.call('POST', '/agent/wrap-up', { code: 'resolved' });
      const wanted = ready.includes(desk) ? { status: 'available' } : { status: 'not-ready', reason: 'test' };
      const changed = await desk.call('PUT', '/agent/state', wanted);
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    }
  }
  /** A caller reaches `desk`, which accepts; both hear each other. */
  async function connectedTo(desk: TestDesk): Promise<{ caller: RemoteCall; callId: string }> {
    const caller = await phones.dial(`+1425555${String(++callers)}`, number);
    const offer = await desk.nextOffer();
    const accepted = await desk.call('POST', `/agent/calls/${offer.callId}/accept`);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    await joined(desk.seat, offer.callId, 1);
    await talk(desk.seat, caller, `hello from ${desk.agentId.slice(0, 6)}`);
    await talk(caller, desk.seat, `hello from caller ${callers}`);
    return { caller, callId: offer.callId };
  }
  return { onlyReady, connectedTo };
}
