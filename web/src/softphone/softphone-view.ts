/**
 * The softphone's screen, rebuilt from its model on every change (inputs keep what the agent typed); the
 * timers tick in place. Every control has an accessible name; the common ones show their Alt shortcut.
 */
import type { CallDetails, ScreenPop } from '../../../layers/domain/routing/screen-pop.ts';
import { elapsed, h } from '../shared/dom.ts';
import type { SocketStatus } from '../shared/live-socket.ts';
import { banner, topbar } from '../shared/page-chrome.ts';
import {
  type AgentStateView,
  allowedActions,
  type DeskAction,
  SHORTCUTS,
  statusLabel,
  waitedSeconds,
} from './desk-model.ts';

/** The API's shapes, shared with the handlers (type-only: nothing of the server reaches the bundle). */
export type {
  CallDetails as CallDetailsView,
  ScreenPop as ScreenPopView,
} from '../../../layers/domain/routing/screen-pop.ts';

export interface RecentCallView {
  readonly callId: string;
  readonly queueId: string;
  readonly answeredAt: string;
  readonly call?: CallDetails;
}

export interface SoftphoneModel {
  readonly email: string;
  readonly state: AgentStateView;
  readonly reasons: readonly { code: string; label: string }[];
  /** The tenant's disposition codes, chosen from at wrap-up. */
  readonly dispositions: readonly { code: string; label: string }[];
  readonly pop: ScreenPop | undefined;
  readonly socket: SocketStatus;
  readonly message: { kind: 'error' | 'info'; text: string } | undefined;
  readonly busy: boolean;
  /** A supervisor is whispering to the agent (a coaching seat is joined). */
  readonly coached: boolean;
  /** The agent's latest answered calls, newest first. */
  readonly recent: readonly RecentCallView[];
  /** The agent's audio: joining, on (microphone and speaker), listen-only (no microphone), failed. */
  readonly audio: 'joining' | 'on' | 'listen-only' | 'failed';
  /** The call whose recording the agent paused (a card number is being read), if any. */
  readonly recordingPausedFor?: string | undefined;
}

export interface SoftphoneHandlers {
  act(action: DeskAction, form: Record<string, string>): void;
  signOut(): void;
}

const AUDIO: Record<SoftphoneModel['audio'], string> = {
  joining: 'Audio: joining…',
  on: 'Audio: on',
  'listen-only': 'Audio: no microphone',
  failed: 'Audio: unavailable',
};

const STATUS_CLASS: Record<AgentStateView['status'], string> = {
  offline: 'offline',
  available: 'available',
  'not-ready': 'not-ready',
  reserved: 'ringing',
  'on-call': 'on-call',
  'after-call': 'after-call',
};

const LABELS: Record<DeskAction, string> = {
  ready: 'Go ready',
  'not-ready': 'Not ready',
  accept: 'Accept',
  decline: 'Decline',
  hold: 'Hold',
  resume: 'Resume',
  mute: 'Mute',
  unmute: 'Unmute',
  'hang-up': 'Hang up',
  transfer: 'Transfer',
  consult: 'Consult',
  conference: 'Conference all',
  complete: 'Complete transfer',
  'end-consult': 'End consultation',
  'wrap-up': 'Finish wrap-up',
  dial: 'Call',
  keypad: 'Keypad',
  'pause-recording': 'Pause recording',
  'resume-recording': 'Resume recording',
};

export function renderSoftphone(root: HTMLElement, model: SoftphoneModel, handlers: SoftphoneHandlers): void {
  // What the agent typed survives the rebuild, and so does a keypad the agent opened.
  const kept = formValues(root);
  const keypadOpen = root.querySelector<HTMLDetailsElement>('details.agent-keypad')?.open === true;
  const allowed = new Set(allowedActions(model.state));
  const reasons = Object.fromEntries(model.reasons.map((r) => [r.code, r.label]));
  const button = (action: DeskAction, variant = 'secondary', label = LABELS[action]) => {
    const key = SHORTCUTS[action];
    return h(
      'button',
      {
        type: 'button',
        class: `btn btn-${variant}`,
        'data-action': action,
        disabled: model.busy,
        'aria-keyshortcuts': key === undefined ? undefined : `Alt+${key}`,
        title: key === undefined ? undefined : `${label} (Alt+${key})`,
      },
      label,
      key === undefined ? null : h('kbd', { 'aria-hidden': 'true' }, `Alt+${key}`),
    );
  };
  const { state } = model;

  const top = topbar({
    product: 'Softphone',
    socket: model.socket,
    connected: 'Connected',
    pills: [
      { label: 'Audio', className: `audio-${model.audio}`, text: AUDIO[model.audio] },
      model.coached ? { label: 'Coaching', className: 'audio-on', text: 'Supervisor whispering' } : undefined,
    ],
    email: model.email,
    onSignOut: () => handlers.signOut(),
  });

  const stateCard = h(
    'section',
    { class: 'card state-card', 'aria-labelledby': 'state-title' },
    h('h2', { id: 'state-title', class: 'card-title' }, 'Your status'),
    h(
      'div',
      { class: 'state-line' },
      h(
        'span',
        { class: `status-badge status-${STATUS_CLASS[state.status]}`, 'data-testid': 'agent-status' },
        statusLabel(state, reasons),
      ),
      h('span', { class: 'timer', 'data-since': state.since ?? '', 'aria-label': 'Time in this status' }),
    ),
    h(
      'div',
      { class: 'row' },
      allowed.has('ready') ? button('ready', 'primary') : null,
      allowed.has('not-ready')
        ? h(
            'span',
            { class: 'inline-form' },
            h('label', { for: 'reason', class: 'sr-only' }, 'Not-ready reason'),
            h(
              'select',
              { id: 'reason', name: 'reason' },
              ...model.reasons.map((r) => h('option', { value: r.code }, r.label)),
            ),
            button('not-ready'),
          )
        : null,
    ),
  );

  const cards: HTMLElement[] = [stateCard, callCard(model, allowed, button, keypadOpen)];
  if (allowed.has('dial'))
    cards.push(
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'dial-title' },
        h('h2', { id: 'dial-title', class: 'card-title' }, 'Call out'),
        h(
          'div',
          { class: 'inline-form' },
          h('label', { for: 'dial-number' }, 'Number'),
          h('input', {
            id: 'dial-number',
            name: 'dial-number',
            type: 'tel',
            placeholder: '+1 206 555 0123',
            autocomplete: 'off',
          }),
          button('dial', 'primary'),
        ),
        h('p', { class: 'hint' }, 'Your contact center’s number is shown as the caller id.'),
      ),
    );

  const side = h('aside', { class: 'side' }, popCard(model), recentCard(model));
  root.replaceChildren(
    h(
      'div',
      { class: 'softphone' },
      top,
      banner(model.message),
      h('div', { class: 'columns' }, h('div', { class: 'main-col' }, ...cards), side),
    ),
  );
  restoreInputs(root, kept);
  for (const element of root.querySelectorAll<HTMLButtonElement>('[data-action]'))
    element.addEventListener('click', () =>
      handlers.act(element.dataset.action as DeskAction, formValues(root)),
    );
  for (const key of root.querySelectorAll<HTMLButtonElement>('[data-digit]'))
    key.addEventListener('click', () => handlers.act('keypad', { digits: key.dataset.digit ?? '' }));
  tickTimers(root);
}

function callCard(
  model: SoftphoneModel,
  allowed: ReadonlySet<DeskAction>,
  button: (action: DeskAction, variant?: string, label?: string) => HTMLButtonElement,
  keypadOpen: boolean,
): HTMLElement {
  const { state, pop } = model;
  const call = state.call;
  const title = h('h2', { id: 'call-title', class: 'card-title' }, 'Call');
  const card = (...children: (Node | null)[]) =>
    h('section', { class: 'card call-card', 'aria-labelledby': 'call-title' }, title, ...children);
  if (
    call === undefined ||
    state.status === 'available' ||
    state.status === 'not-ready' ||
    state.status === 'offline'
  )
    return card(
      h('p', { class: 'empty' }, state.status === 'available' ? 'Waiting for a call…' : 'No call.'),
    );
  const caller = pop?.call.callId === call.callId ? pop.call.caller : undefined;
  const who = h(
    'div',
    { class: 'call-who' },
    h('span', { class: 'caller', 'data-testid': 'caller-number' }, caller ?? 'Caller'),
    h('span', { class: 'queue-tag' }, call.outbound === true ? 'Outbound' : `Queue · ${call.queueId}`),
  );
  if (state.status === 'reserved') {
    const waited = waitedSeconds(pop?.call.enqueuedAt, Date.now());
    return card(
      h('div', { class: 'ringing', 'data-testid': 'offer' }, who),
      call.consultOf === undefined
        ? null
        : h('p', { class: 'hint' }, `Agent ${call.consultOf} asks to consult you about this call.`),
      waited === undefined
        ? null
        : h(
            'p',
            { class: 'hint' },
            `Waited ${elapsed(new Date(Date.now() - waited * 1000).toISOString(), Date.now())} in the queue`,
          ),
      h(
        'div',
        { class: 'row' },
        allowed.has('accept') ? button('accept', 'primary') : null,
        allowed.has('decline') ? button('decline', 'danger') : null,
        allowed.has('hang-up') ? button('hang-up', 'danger', 'Cancel call') : null,
      ),
    );
  }
  if (state.status === 'after-call')
    return card(
      who,
      h(
        'div',
        { class: 'wrap-up' },
        h('label', { for: 'disposition' }, 'Disposition'),
        h(
          'select',
          { id: 'disposition', name: 'disposition' },
          ...model.dispositions.map((d) => h('option', { value: d.code }, d.label)),
          h('option', { value: 'none' }, 'None'),
        ),
        h('label', { for: 'notes' }, 'Notes'),
        h('textarea', { id: 'notes', name: 'notes', rows: '3', maxlength: '2000' }),
        h('div', { class: 'row' }, button('wrap-up', 'primary')),
      ),
      h('span', { class: 'timer', 'data-since': state.since ?? '', 'aria-label': 'Wrap-up time' }),
    );
  // On a call.
  const consult = call.consult;
  const lines: (Node | null)[] = [
    who,
    h(
      'p',
      { class: 'call-meta' },
      'Talking ',
      h('span', { class: 'timer', 'data-since': call.answeredAt ?? '', 'aria-label': 'Talk time' }),
      call.holdSince === undefined ? '' : ' · caller on hold',
      call.muted === true ? ' · muted' : '',
    ),
  ];
  if (call.consultOf !== undefined)
    lines.push(
      h(
        'p',
        { class: 'hint' },
        `You are consulted by agent ${call.consultOf}; hanging up leaves the consultation.`,
      ),
    );
  if (consult !== undefined)
    lines.push(
      h(
        'p',
        { class: 'consult-line', 'data-testid': 'consultation' },
        `${call.conference === true ? 'Conference with' : 'Consulting'} ${consult.kind === 'agent' ? `agent ${consult.agentId}` : consult.number} · ${consult.state === 'talking' ? 'answered' : 'ringing…'}`,
      ),
    );
  const controls = h(
    'div',
    { class: 'row controls' },
    ...(['hold', 'resume', 'mute', 'unmute', 'conference', 'complete', 'end-consult'] as const)
      .filter((a) => allowed.has(a))
      .map((a) => button(a)),
    // A recorded call's recording pauses while the caller reads a card number (talking with the caller only).
    allowed.has('keypad')
      ? button(model.recordingPausedFor === call.callId ? 'resume-recording' : 'pause-recording')
      : null,
    allowed.has('hang-up') ? button('hang-up', 'danger') : null,
  );
  lines.push(controls);
  if (allowed.has('keypad'))
    lines.push(
      h(
        'details',
        { class: 'agent-keypad', open: keypadOpen },
        h('summary', {}, 'Keypad (tones to the caller)'),
        h(
          'div',
          { class: 'keypad', role: 'group', 'aria-label': 'Keypad' },
          ...['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'].map((key) =>
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-secondary key',
                'data-digit': key,
                'aria-label': `Key ${key}`,
              },
              key,
            ),
          ),
        ),
      ),
    );
  if (allowed.has('transfer'))
    lines.push(
      h(
        'fieldset',
        { class: 'transfer' },
        h('legend', {}, 'Transfer or consult'),
        h('label', { for: 'transfer-kind', class: 'sr-only' }, 'Transfer to'),
        h(
          'select',
          { id: 'transfer-kind', name: 'transfer-kind' },
          h('option', { value: 'queueId' }, 'Queue'),
          h('option', { value: 'agentId' }, 'Agent'),
          h('option', { value: 'number' }, 'Number'),
        ),
        h('label', { for: 'transfer-to', class: 'sr-only' }, 'Queue, agent id or number'),
        h('input', {
          id: 'transfer-to',
          name: 'transfer-to',
          placeholder: 'support · agent id · +1…',
          autocomplete: 'off',
        }),
        button('transfer', 'secondary', 'Blind transfer'),
        button('consult', 'secondary', 'Consult first'),
      ),
    );
  return card(...lines);
}

function popCard(model: SoftphoneModel): HTMLElement {
  const { pop, state } = model;
  const title = h('h2', { id: 'pop-title', class: 'card-title' }, 'Caller');
  if (pop === undefined || state.call?.callId !== pop.call.callId)
    return h(
      'section',
      { class: 'card pop-card', 'aria-labelledby': 'pop-title' },
      title,
      h('p', { class: 'empty' }, 'Details of the caller appear here with each call.'),
    );
  const { call, history } = pop;
  const attributes = Object.entries(call.attributes);
  return h(
    'section',
    { class: 'card pop-card', 'aria-labelledby': 'pop-title', 'data-testid': 'screen-pop' },
    title,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Number'),
      h('dd', {}, call.caller),
      h('dt', {}, 'Called'),
      h('dd', {}, call.dialled),
      h('dt', {}, 'Queue'),
      h('dd', {}, call.queue?.id ?? (call.direction === 'outbound' ? 'outbound call' : '—')),
    ),
    h('h3', { class: 'sub-title' }, 'From the IVR'),
    attributes.length === 0
      ? h('p', { class: 'empty' }, 'Nothing collected.')
      : h(
          'table',
          { class: 'attributes', 'aria-label': 'Call attributes' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, 'Attribute'), h('th', { scope: 'col' }, 'Value')),
          ),
          h('tbody', {}, ...attributes.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, v)))),
        ),
    h('h3', { class: 'sub-title' }, 'Recent calls'),
    history.length === 0
      ? h('p', { class: 'empty' }, 'First call from this number.')
      : h(
          'ul',
          { class: 'history', 'aria-label': 'Recent calls from this number' },
          ...history.map((c) =>
            h(
              'li',
              {},
              h('time', { datetime: c.startedAt }, new Date(c.startedAt).toLocaleString()),
              ` · ${c.queue?.id ?? c.direction} · ${c.disposition?.code ?? c.endReason ?? c.status}`,
            ),
          ),
        ),
  );
}

function recentCard(model: SoftphoneModel): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'recent-title' },
    h('h2', { id: 'recent-title', class: 'card-title' }, 'Your recent calls'),
    model.recent.length === 0
      ? h('p', { class: 'empty' }, 'No calls answered yet.')
      : h(
          'ul',
          { class: 'history', 'aria-label': 'Your recent calls' },
          ...model.recent.map((c) =>
            h(
              'li',
              {},
              h('time', { datetime: c.answeredAt }, new Date(c.answeredAt).toLocaleTimeString()),
              ` · ${c.call?.caller ?? 'unknown caller'} · ${c.queueId === '(outbound)' ? 'outbound' : c.queueId} · ${c.call?.disposition?.code ?? c.call?.status ?? ''}`,
            ),
          ),
        ),
  );
}

/** Updates every timer in place (called each second). */
export function tickTimers(root: HTMLElement): void {
  for (const timer of root.querySelectorAll<HTMLElement>('.timer[data-since]')) {
    const since = timer.dataset.since;
    timer.textContent = since === undefined || since === '' ? '' : elapsed(since, Date.now());
  }
}

export function formValues(root: HTMLElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const input of root.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
    'input[name], select[name], textarea[name]',
  ))
    values[input.name] = input.value;
  return values;
}

function restoreInputs(root: HTMLElement, kept: Record<string, string>): void {
  for (const [name, value] of Object.entries(kept)) {
    const input = root.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
      `[name="${name}"]`,
    );
    if (input !== null && value !== '') input.value = value;
  }
}
