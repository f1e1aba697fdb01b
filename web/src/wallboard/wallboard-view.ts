/**
 * The wallboard's screen: a tile per queue and a table of agents, rebuilt from the latest snapshot; times
 * (in state, longest wait) tick in place between snapshots.
 */
import type { Wallboard } from '../../../layers/domain/routing/wallboard.ts';
import { elapsed, h } from '../shared/dom.ts';
import type { SocketStatus } from '../shared/live-socket.ts';
import { banner, topbar } from '../shared/page-chrome.ts';

/** The API's shapes, shared with the handlers (type-only). */
export type WallboardSnapshot = Wallboard;
type QueueTileView = Wallboard['queues'][number];
type AgentRowView = Wallboard['agents'][number];

export interface WallboardModel {
  readonly email: string;
  readonly socket: SocketStatus;
  readonly board: WallboardSnapshot | undefined;
  /** When the snapshot arrived (the page's clock), to age its waits. */
  readonly receivedAt: number;
  readonly reasons: readonly { code: string; label: string }[];
  readonly monitoring:
    | { readonly agentId: string; readonly mode: 'listen' | 'whisper' | 'barge' }
    | undefined;
  readonly message: { kind: 'error' | 'info'; text: string } | undefined;
}

export type WallboardAction =
  | { kind: 'listen' | 'whisper' | 'barge' | 'stop'; agentId: string }
  | { kind: 'not-ready'; agentId: string; reason: string }
  | { kind: 'ready' | 'log-out'; agentId: string }
  | { kind: 'sign-out' };

const MONITORING = { listen: 'Listening to', whisper: 'Whispering to', barge: 'Barged into' } as const;

const STATUS: Record<string, string> = {
  available: 'Available',
  'not-ready': 'Not ready',
  reserved: 'Ringing',
  'on-call': 'On a call',
  'after-call': 'After-call work',
  offline: 'Offline',
};

export function renderWallboard(
  root: HTMLElement,
  model: WallboardModel,
  act: (action: WallboardAction) => void,
): void {
  const board = model.board;
  const monitoring = model.monitoring;
  const top = topbar({
    product: 'Wallboard',
    socket: model.socket,
    connected: 'Live',
    pills: [
      monitoring === undefined
        ? undefined
        : {
            label: 'Monitoring',
            className: 'audio-on',
            text: `${MONITORING[monitoring.mode]} ${nameOf(board, monitoring.agentId)}`,
          },
    ],
    email: model.email,
    onSignOut: () => act({ kind: 'sign-out' }),
  });
  const tiles = h(
    'section',
    { class: 'tiles', 'aria-label': 'Queues' },
    ...(board?.queues ?? []).map((q) => tile(q, model)),
    board !== undefined && board.queues.length === 0 ? h('p', { class: 'empty' }, 'No queues yet.') : null,
  );
  const table = h(
    'table',
    { class: 'agents-table', 'aria-label': 'Agents' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Agent', 'State', 'Time in state', 'Current call', 'Calls today', 'Actions'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h('tbody', {}, ...(board?.agents ?? []).map((a) => agentRow(a, model))),
  );
  root.replaceChildren(
    h(
      'div',
      { class: 'wallboard' },
      top,
      banner(model.message),
      h(
        'div',
        { class: 'board' },
        tiles,
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'agents-title' },
          h('h2', { id: 'agents-title', class: 'card-title' }, 'Agents'),
          table,
        ),
      ),
    ),
  );
  for (const button of root.querySelectorAll<HTMLButtonElement>('[data-act]'))
    button.addEventListener('click', () => {
      // The agents table's buttons: each names its action and its agent.
      const kind = button.dataset.act as Exclude<WallboardAction['kind'], 'sign-out'>;
      const agentId = button.dataset.agent ?? '';
      if (kind === 'not-ready') {
        const reason = root.querySelector<HTMLSelectElement>(`select[data-agent="${agentId}"]`)?.value ?? '';
        act({ kind, agentId, reason });
      } else act({ kind, agentId });
    });
  tickWallboard(root, model);
}

function tile(q: QueueTileView, model: WallboardModel): HTMLElement {
  const sl = q.serviceLevel.percent;
  const slClass = sl === null ? '' : sl >= 80 ? 'good' : sl >= 60 ? 'fair' : 'poor';
  const figure = (label: string, value: Node | string, testId: string) =>
    h(
      'div',
      { class: 'figure' },
      h('span', { class: 'figure-value', 'data-testid': `${q.queueId}-${testId}` }, value),
      h('span', { class: 'figure-label' }, label),
    );
  const wait = h('span', {
    class: 'wait-timer',
    'data-base': q.longestWaitSeconds === null ? '' : String(q.longestWaitSeconds),
  });
  return h(
    'article',
    { class: 'card tile', 'aria-labelledby': `tile-${q.queueId}` },
    h('h2', { id: `tile-${q.queueId}`, class: 'tile-title' }, q.name),
    h(
      'div',
      { class: 'figures' },
      figure('waiting', String(q.waiting), 'waiting'),
      figure('longest wait', wait, 'longest-wait'),
      figure(
        `service level (${q.serviceLevel.targetSeconds} s)`,
        h('span', { class: `sl ${slClass}` }, sl === null ? '—' : `${sl}%`),
        'service-level',
      ),
      figure(`abandoned · ${model.board?.windowMinutes ?? 15} min`, String(q.abandoned), 'abandoned'),
    ),
    h(
      'p',
      { class: 'tile-agents', 'data-testid': `${q.queueId}-agents` },
      (['available', 'reserved', 'on-call', 'after-call', 'not-ready'] as const)
        .map((s) => `${q.agents[s] ?? 0} ${STATUS[s]?.toLowerCase()}`)
        .join(' · '),
    ),
  );
}

function agentRow(agent: AgentRowView, model: WallboardModel): HTMLElement {
  const onCall = agent.status === 'on-call';
  const monitoring = model.monitoring?.agentId === agent.agentId;
  const button = (kind: string, label: string, variant = 'secondary') =>
    h(
      'button',
      {
        type: 'button',
        class: `btn btn-small btn-${variant}`,
        'data-act': kind,
        'data-agent': agent.agentId,
        'aria-label': `${label} · ${agent.name}`,
      },
      label,
    );
  const state =
    agent.status === 'not-ready' && agent.reason !== undefined
      ? `Not ready · ${labelOf(model, agent.reason)}`
      : (STATUS[agent.status] ?? agent.status);
  return h(
    'tr',
    { 'data-agent-row': agent.agentId },
    h('th', { scope: 'row' }, agent.name),
    h(
      'td',
      { 'data-testid': `state-${agent.agentId}` },
      h('span', { class: `pill pill-${agent.status}` }, state),
    ),
    h('td', {}, h('span', { class: 'timer', 'data-since': agent.since ?? '' })),
    h(
      'td',
      {},
      agent.call === undefined
        ? '—'
        : `${agent.call.queueId}${agent.call.holdSince === undefined ? '' : ' · on hold'}`,
    ),
    h('td', {}, String(agent.callsToday)),
    h(
      'td',
      { class: 'actions' },
      // One mode at a time: stop monitoring to change it.
      onCall && model.monitoring === undefined ? button('listen', 'Listen') : null,
      onCall && model.monitoring === undefined ? button('whisper', 'Whisper') : null,
      onCall && (model.monitoring === undefined || (monitoring && model.monitoring?.mode === 'listen'))
        ? button('barge', 'Barge in')
        : null,
      monitoring ? button('stop', 'Stop monitoring') : null,
      agent.status === 'available' || agent.status === 'after-call' || agent.status === 'not-ready'
        ? h(
            'span',
            { class: 'inline-form' },
            h('label', { class: 'sr-only', for: `reason-${agent.agentId}` }, `Reason for ${agent.name}`),
            h(
              'select',
              { id: `reason-${agent.agentId}`, 'data-agent': agent.agentId },
              ...model.reasons.map((r) => h('option', { value: r.code }, r.label)),
            ),
            button('not-ready', 'Set not ready'),
          )
        : null,
      agent.status === 'not-ready' || agent.status === 'after-call' ? button('ready', 'Set ready') : null,
      agent.status === 'available' || agent.status === 'not-ready' || agent.status === 'after-call'
        ? button('log-out', 'Log out', 'danger')
        : null,
    ),
  );
}

/** Ages the times on screen: each agent's time in state, each queue's longest wait. */
export function tickWallboard(root: HTMLElement, model: WallboardModel): void {
  for (const timer of root.querySelectorAll<HTMLElement>('.timer[data-since]'))
    timer.textContent = timer.dataset.since ? elapsed(timer.dataset.since, Date.now()) : '';
  const aged = Math.floor((Date.now() - model.receivedAt) / 1000);
  for (const wait of root.querySelectorAll<HTMLElement>('.wait-timer')) {
    const base = wait.dataset.base;
    wait.textContent =
      base === undefined || base === ''
        ? '—'
        : elapsed(new Date(Date.now() - (Number(base) + aged) * 1000).toISOString(), Date.now());
  }
}

function nameOf(board: WallboardSnapshot | undefined, agentId: string): string {
  return board?.agents.find((a) => a.agentId === agentId)?.name ?? agentId;
}

function labelOf(model: WallboardModel, reason: string): string {
  return (
    model.reasons.find((r) => r.code === reason)?.label ??
    (reason === 'missed' ? 'Missed a call' : reason === 'logged-in' ? 'Just logged in' : reason)
  );
}
