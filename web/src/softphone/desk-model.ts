import type { AgentState, AgentStatus } from '../../../layers/domain/routing/agent-state.ts';

/**
 * What the softphone shows and allows, derived from the agent's state as the API reports it: pure, so the
 * rules (which buttons, which shortcut does what, how a status reads) are tested without a browser.
 */
/** The agent's state as the agent API shows it (`agentView`): a logged-out agent is just `offline`. */
export type AgentStateView = { readonly status: AgentStatus } & Partial<
  Omit<AgentState, 'status' | 'media' | 'lastOffered'>
>;

/** The desk's actions; each has a button, and the common ones a shortcut (Alt + key). */
export type DeskAction =
  | 'ready'
  | 'not-ready'
  | 'accept'
  | 'decline'
  | 'hold'
  | 'resume'
  | 'mute'
  | 'unmute'
  | 'hang-up'
  | 'transfer'
  | 'consult'
  | 'conference'
  | 'complete'
  | 'end-consult'
  | 'wrap-up'
  | 'dial'
  | 'keypad'
  | 'pause-recording'
  | 'resume-recording';

export const SHORTCUTS: Readonly<Partial<Record<DeskAction, string>>> = {
  ready: 'R',
  'not-ready': 'N',
  accept: 'A',
  decline: 'D',
  hold: 'H',
  resume: 'H',
  mute: 'M',
  unmute: 'M',
  'hang-up': 'E',
  'wrap-up': 'W',
};

/** The actions the agent's state allows now. */
export function allowedActions(state: AgentStateView): DeskAction[] {
  const call = state.call;
  switch (state.status) {
    case 'offline':
      return [];
    case 'available':
      return ['not-ready', 'dial'];
    case 'not-ready':
      return ['ready', 'not-ready', 'dial'];
    case 'reserved':
      // An agent's own call out rings at the far end: it can only be abandoned.
      return call?.outbound === true ? ['hang-up'] : ['accept', 'decline'];
    case 'after-call':
      return ['wrap-up', 'not-ready'];
    case 'on-call': {
      if (call?.consultOf !== undefined) return ['hang-up'];
      const actions: DeskAction[] = ['hang-up', call?.muted === true ? 'unmute' : 'mute'];
      const consult = call?.consult;
      if (consult === undefined) {
        actions.push(call?.holdSince === undefined ? 'hold' : 'resume', 'transfer', 'consult');
        if (call?.holdSince === undefined) actions.push('keypad');
        return actions;
      }
      if (consult.state === 'talking') {
        actions.push('complete');
        if (call?.conference !== true) actions.push('conference');
        else actions.push('hold');
      }
      actions.push('end-consult');
      return actions;
    }
  }
}

/** The action an Alt+key shortcut triggers now, if any. */
export function shortcutAction(key: string, state: AgentStateView): DeskAction | undefined {
  const allowed = allowedActions(state);
  return allowed.find((action) => SHORTCUTS[action] === key.toUpperCase());
}

/** The status as the agent reads it. */
export function statusLabel(state: AgentStateView, reasons: Readonly<Record<string, string>>): string {
  switch (state.status) {
    case 'offline':
      return 'Offline';
    case 'available':
      return 'Available';
    case 'not-ready': {
      const reason =
        state.reason === undefined
          ? undefined
          : (reasons[state.reason] ?? SYSTEM[state.reason] ?? state.reason);
      return reason === undefined ? 'Not ready' : `Not ready · ${reason}`;
    }
    case 'reserved':
      if (state.call?.outbound === true) return 'Calling…';
      return state.call?.consultOf === undefined ? 'Incoming call' : 'Consultation request';
    case 'on-call': {
      const call = state.call;
      if (call?.consultOf !== undefined) return 'In a consultation';
      if (call?.consult !== undefined) return call.conference === true ? 'Conference' : 'Consulting';
      return call?.holdSince === undefined ? 'On a call' : 'On a call · caller on hold';
    }
    case 'after-call':
      return 'After-call work';
  }
}

const SYSTEM: Readonly<Record<string, string>> = { missed: 'Missed a call', 'logged-in': 'Just logged in' };

/** How long the caller has waited, from when they queued to now (for the offer). */
export function waitedSeconds(enqueuedAt: string | undefined, now: number): number | undefined {
  if (enqueuedAt === undefined) return undefined;
  return Math.max(0, Math.round((now - Date.parse(enqueuedAt)) / 1000));
}
